"""Plan export and import of a 10,000-task plan against openpyxl on the same rows.

- Export: our `export_plan()` — the database query included — against openpyxl's write-only mode
  writing the very same rows (already fetched: the baseline pays for no query).
  Target: at least 2× faster, and under 2 s.
- Import: our `preview_upload()` — upload guard (zip checks), calamine read, header recognition,
  validation of every cell and the preview diff against the 10,000 tasks in the database —
  against openpyxl's read-only mode merely reading every value of the same file.
  Target: at least 5× faster, and under 5 s including validation.
"""

from __future__ import annotations

import datetime as dt
import io

from . import Result, median_time

TASKS = 10_000
PHASES = 20


def build_campaign(tasks: int = TASKS, phases: int = PHASES):
    """A campaign with the demo team and `phases` phases × `tasks / phases` seed-like tasks: the
    team as owners (one in seven kept by name only), every status, some channels and deliverables."""
    from campaignops.campaigns.models import Campaign, Channel, Membership
    from campaignops.planning.demo import load_demo
    from campaignops.planning.models import Phase, Task, TaskStatus
    from campaignops.planning.seed import SEED_ROWS

    team, _ = load_demo()
    start = dt.date(2024, 6, 1)
    demo = Campaign.objects.create(name=f"Bench plan I/O ({tasks} tasks)", start_date=start,
                                   end_date=start + dt.timedelta(days=7 * phases))
    Membership.objects.bulk_create([Membership(campaign=demo, user_id=m.user_id, role=m.role)
                                    for m in team.memberships.all()])
    users = [m.user for m in demo.memberships.select_related("user")]
    channels = list(Channel.objects.order_by("sort")[:6]) + [None]
    statuses = list(TaskStatus.values)
    per = tasks // phases
    for p in range(phases):
        phase = Phase.objects.create(campaign=demo, name=f"阶段 {p + 1}", kind="custom", order=p + 1,
                                     start_date=start + dt.timedelta(days=7 * p),
                                     end_date=start + dt.timedelta(days=7 * p + 6))
        rows = []
        for i in range(per):
            n = p * per + i
            _phase, _owner, title, standard, resources, risk, notes = SEED_ROWS[n % len(SEED_ROWS)]["zh"]
            rows.append(Task(
                campaign=demo, phase=phase, order=i + 1, start_date=phase.start_date,
                end_date=phase.start_date + dt.timedelta(days=n % 7),
                owner=None if n % 7 == 0 else users[n % len(users)], owner_name="赵六六" if n % 7 == 0 else "",
                title=f"{title} #{n + 1}", completion_standard=standard, resource_needs=resources, risk_plan=risk,
                notes=notes, status=statuses[n % len(statuses)], channel=channels[n % len(channels)],
                deliverable="篇笔记" if n % 3 else "", deliverables_planned=4 if n % 3 else None,
                deliverables_done=n % 5 if n % 3 else None))
        Task.objects.bulk_create(rows, batch_size=1000)
    return demo


def openpyxl_write(rows: list[list]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Plan")
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def openpyxl_read(data: bytes) -> int:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    cells = 0
    for row in book.worksheets[0].iter_rows(values_only=True):
        cells += len(row)
    book.close()
    return cells


def run(ctx=None) -> list[Result]:
    from campaignops.core.spreadsheets import guard_upload
    from campaignops.planning.io.export import columns, export_plan, plan_rows
    from campaignops.planning.io.importer import preview_upload

    campaign = build_campaign()
    lang = "zh-hans"
    rows = [[c.header for c in columns(lang)], *plan_rows(campaign, lang)]
    data = export_plan(campaign=campaign, lang=lang)
    ours_export = median_time(lambda: export_plan(campaign=campaign, lang=lang), repeat=5)
    base_export = median_time(lambda: openpyxl_write(rows), repeat=5)

    def ours_import():
        result = preview_upload(campaign=campaign, upload=guard_upload("plan.xlsx", data), lang=lang)
        assert not result.errors and result.preview.counts["unchanged"] == TASKS, result.preview.counts

    ours_read = median_time(ours_import, repeat=5)
    base_read = median_time(lambda: openpyxl_read(data), repeat=5)
    return [
        Result(f"export {TASKS} tasks to .xlsx", ours_export, "openpyxl write-only, same rows", base_export,
               min_speedup=2, max_seconds=2),
        Result(f"import {TASKS} rows: parse+validate+preview", ours_read, "openpyxl read-only, same file",
               base_read, min_speedup=5, max_seconds=5),
    ]
