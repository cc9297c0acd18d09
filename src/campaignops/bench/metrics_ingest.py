"""Ingest of a 1,000,000-row CSV of observations (day, hour, channel, metric, value — the long form
CampaignOps exports and reads back) against the raw database path writing the very same rows into the
same table with the same indexes, measured in the same run:

- SQLite: raw = one `executemany` of a plain INSERT of the already-built parameter tuples.
- PostgreSQL: raw = `COPY … FROM STDIN` of the same tuples straight into the table.

Ours = `services.ingest()`: upload guard, decoding, CSV dialect sniffing, header recognition, every
date / hour / channel / metric / number checked (errors by row and column), then the upsert
(executemany of INSERT … ON CONFLICT on SQLite; COPY into a temporary table + INSERT … ON CONFLICT on
PostgreSQL). Targets: ≥ 50 % of the raw speed (ratio ≤ 2) and < 10 s; re-importing the same file as
an upsert into the full table ≥ 40 % of raw (ratio ≤ 2.5), and a restatement (every value changed) too.
Both sides run on the same connection with the same settings (SQLite: the 64 MiB page cache ingest()
asks for on a big batch; the write-ahead log checkpointed before every timed run).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from decimal import Decimal

from . import Result

ROWS = 1_000_000
METRICS = ("impressions", "clicks", "engagements", "conversions", "orders", "revenue", "spend", "store_visitors",
           "live_views")


def build_campaign():
    from campaignops.campaigns.models import Campaign, Channel
    from campaignops.campaigns.services import channels_ensure_builtin

    channels_ensure_builtin()
    campaign = Campaign.objects.create(name="Bench metrics ingest", start_date=dt.date(2024, 1, 1),
                                       end_date=dt.date(2025, 12, 31), currency="CNY")
    return campaign, list(Channel.objects.order_by("sort", "code").values_list("pk", "code"))


def make_rows(channels, n: int = ROWS, bump: int = 0) -> list[tuple]:
    """(day, hour, channel code, metric, value text) in a deterministic spread: hours × channels ×
    metrics × days, values with and without decimals."""
    out = []
    day, i = dt.date(2024, 1, 1), 0
    while len(out) < n:
        iso = day.isoformat()
        for hour in range(24):
            for _pk, code in channels:
                for m, metric in enumerate(METRICS):
                    v = (i * 7919 + m * 104_729 + bump) % 100_000
                    out.append((iso, hour, code, metric, f"{v}.{v % 100:02d}" if metric in ("revenue", "spend")
                                else str(v)))
                    i += 1
                    if len(out) == n:
                        return out
        day += dt.timedelta(days=1)
    return out


def csv_bytes(rows: list[tuple]) -> bytes:
    buffer = io.StringIO()
    buffer.write("Day,Hour,Channel,Metric,Value\r\n")
    buffer.writelines(f"{d},{h},{c},{m},{v}\r\n" for d, h, c, m, v in rows)
    return buffer.getvalue().encode("utf-8")


def raw_params(campaign, channels, rows: list[tuple]) -> list[tuple]:
    ids = {code: pk for pk, code in channels}
    money = {"revenue", "spend"}
    return [(campaign.pk, ids[c], m, d, h, v, "file", None, "", "", "CNY" if m in money else "")
            for d, h, c, m, v in rows]


def clear(campaign) -> None:
    from django.db import connection, transaction

    from campaignops.metrics.models import Observation

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Observation._meta.db_table} WHERE campaign_id = %s", [campaign.pk])
    settle()


def settle() -> None:
    """The same starting state for every timed run: SQLite's write-ahead log folded back into the
    database (a long log slows every page read), PostgreSQL's dead rows vacuumed."""
    from django.db import connection

    from campaignops.metrics.io.writer import SQLITE_CACHE_KIB
    from campaignops.metrics.models import Observation

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"VACUUM ANALYZE {Observation._meta.db_table}")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            # The page cache ingest() gives itself for a big file, for the raw path too.
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")


def raw_insert(params: list[tuple]) -> float:
    """The plain database path, timed (the table is empty before)."""
    from django.db import connection, transaction

    from campaignops.metrics.io.writer import COLUMNS, TABLE

    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {TABLE} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for p in params:
                    copy.write_row(p)
        else:
            cursor.connection.executemany(
                f"INSERT INTO {TABLE} ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})", params)
    return time.perf_counter() - t0


def ours(campaign, data: bytes, user) -> tuple[float, object]:
    from campaignops.core.spreadsheets import guard_upload
    from campaignops.metrics import services

    t0 = time.perf_counter()
    parsed, written = services.ingest(campaign=campaign, upload=guard_upload("observations.csv", data,
                                                                             services.big_limits()), actor=user)
    elapsed = time.perf_counter() - t0
    assert parsed.ok, parsed.errors[:3]
    return elapsed, written


def _median(samples: list[float]) -> float:
    return sorted(samples)[len(samples) // 2]


def run(ctx=None, repeat: int | None = None) -> list[Result]:
    from django.contrib.auth import get_user_model

    from campaignops.metrics.models import Observation

    repeat = repeat or int(os.environ.get("BENCH_REPEAT", "3"))
    campaign, channels = build_campaign()
    user, _ = get_user_model().objects.get_or_create(username="bench-ingest")
    rows = make_rows(channels)
    data = csv_bytes(rows)
    restated = csv_bytes(make_rows(channels, bump=1))
    params = raw_params(campaign, channels, rows)
    base, fresh, again, changed = [], [], [], []
    for _ in range(repeat):
        clear(campaign)
        base.append(raw_insert(params))
        assert Observation.objects.filter(campaign=campaign).count() == ROWS
        clear(campaign)
        elapsed, written = ours(campaign, data, user)
        assert (written.created, written.updated) == (ROWS, 0), written
        fresh.append(elapsed)
        settle()
        elapsed, written = ours(campaign, data, user)
        assert (written.created, written.updated, written.unchanged) == (0, 0, ROWS), written
        again.append(elapsed)
        settle()
        elapsed, written = ours(campaign, restated, user)
        assert (written.created, written.updated) == (0, ROWS), written
        changed.append(elapsed)
        data, restated = restated, data          # the next round restates back
    value = Observation.objects.filter(campaign=campaign, metric="spend").order_by("day", "hour", "channel").first()
    assert value.value == Decimal(next(v for _d, _h, _c, m, v in make_rows(channels, 20, bump=repeat % 2)
                                       if m == "spend"))
    clear(campaign)
    raw_name = "raw COPY into the table" if _vendor() == "postgresql" else "raw executemany INSERT"
    size = f"{len(data) / 1e6:.0f} MB"
    return [
        Result(f"ingest 1M-row CSV ({size}) into an empty table", _median(fresh), raw_name, _median(base),
               max_ratio=2, max_seconds=10),
        Result("re-import the same 1M rows (upsert, unchanged)", _median(again), raw_name, _median(base),
               max_ratio=2.5, max_seconds=10),
        Result("re-import 1M restated rows (upsert, all changed)", _median(changed), raw_name, _median(base),
               max_ratio=2.5, max_seconds=10),
    ]


def _vendor() -> str:
    from django.db import connection

    return connection.vendor
