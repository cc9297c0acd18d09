"""campaignops export-plan / import-plan."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from campaignops.core.models import AuditEntry
from campaignops.planning.models import Task

from .io_files import DATA, edit_xlsx, plan_state, sheet_values


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English whatever language an earlier test left active."""
    with translation.override("en"):
        yield


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_export_plan_writes_the_file(demo, tmp_path):
    target = tmp_path / "plan.xlsx"
    out, _ = run("export_plan", str(demo.pk), str(target), "--lang", "en")
    assert out == f"Wrote 5 tasks of “{demo.name}” to {target}.\n"
    assert sheet_values(target.read_bytes())[0][:3] == ["Phase", "Time window", "Owner"]
    run("export_plan", str(demo.pk), str(target), "--lang", "zh-hans")
    rows = sheet_values(target.read_bytes())
    assert rows[0][:3] == ["活动阶段", "时间节点", "负责人"] and len(rows) == 6


@pytest.mark.django_db
def test_export_plan_of_a_missing_campaign(db, tmp_path):
    with pytest.raises(CommandError, match="There is no campaign 999."):
        run("export_plan", "999", str(tmp_path / "x.xlsx"))


@pytest.mark.django_db
def test_import_plan_previews_then_applies(demo, users, tmp_path):
    target = tmp_path / "plan.xlsx"
    run("export_plan", str(demo.pk), str(target), "--lang", "en")
    target.write_bytes(edit_xlsx(target.read_bytes(), {"H2": "new notes"}))
    before = plan_state(demo)
    out, _ = run("import_plan", str(demo.pk), str(target), "--lang", "en")
    assert out.splitlines() == [
        "New rows: 0 · changed: 1 · unchanged: 4 · new phases: 0",
        "~     2  筹备期 | 确认目标、细化方案",
        "         Notes: 销售部须参与目标制定 → new notes",
        "Nothing was written (a preview). Run again with --apply to import.",
    ]
    assert plan_state(demo) == before
    out, _ = run("import_plan", str(demo.pk), str(target), "--apply", "--user", "lead", "--lang", "en")
    assert out.splitlines()[-1] == "Imported. New rows: 0 · changed: 1 · unchanged: 4 · new phases: 0"
    assert Task.objects.get(campaign=demo, phase__order=1).notes == "new notes"
    assert AuditEntry.objects.get(action="plan.import").actor == users["lead"]


@pytest.mark.django_db
def test_import_plan_lists_errors_by_row_and_column(demo, tmp_path):
    target = tmp_path / "plan.xlsx"
    run("export_plan", str(demo.pk), str(target), "--lang", "zh-hans")
    target.write_bytes(edit_xlsx(target.read_bytes(), {"B4": "2024-02-30 ~ 2024-03-02"}))
    before = plan_state(demo)
    err = io.StringIO()
    with pytest.raises(CommandError, match="The file was not imported"):
        call_command("import_plan", str(demo.pk), str(target), "--apply", stdout=io.StringIO(), stderr=err)
    assert "Row 4, column B “时间节点”: “2024-02-30” is not a real date." in err.getvalue()
    assert plan_state(demo) == before


@pytest.mark.django_db
def test_import_plan_of_the_libreoffice_seed_file(demo):
    out, _ = run("import_plan", str(demo.pk), str(DATA / "seed_plan_libreoffice.xlsx"), "--all")
    assert out.splitlines()[0] == "New rows: 0 · changed: 0 · unchanged: 5 · new phases: 0"
    assert out.splitlines()[1] == "=     2  筹备期 | 确认目标、细化方案"


@pytest.mark.django_db
def test_import_plan_refuses_what_is_not_a_spreadsheet(demo, tmp_path):
    bad = tmp_path / "plan.xlsx"
    bad.write_bytes(b"hello")
    with pytest.raises(CommandError, match="not a valid Excel"):
        run("import_plan", str(demo.pk), str(bad))
    with pytest.raises(CommandError, match="No such file"):
        run("import_plan", str(demo.pk), str(tmp_path / "missing.xlsx"))
