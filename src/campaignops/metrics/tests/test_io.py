"""File import: real-looking platform exports read with exact totals, re-import changes nothing,
broken numbers refused naming row and column, cents converted, dialects and encodings."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from campaignops.core.spreadsheets import UploadRejected, guard_upload
from campaignops.metrics import services
from campaignops.metrics.io.values import BadValue, decimal_style, parse_day, parse_hour, parse_number
from campaignops.metrics.models import BatchState, HeaderMapping, ImportBatch, Observation

DATA = Path(__file__).parent / "data"
D = Decimal


def upload(name: str):
    return guard_upload(name, (DATA / name).read_bytes())


def text_upload(name: str, text: str, encoding: str = "utf-8"):
    return guard_upload(name, text.encode(encoding))


def stored(campaign, channel: str | None = None) -> dict[str, Decimal]:
    from django.db.models import Sum

    qs = Observation.objects.filter(campaign=campaign)
    if channel:
        qs = qs.filter(channel__code=channel)
    return {m: D(s).quantize(D("0.0001")).normalize() for m, s in qs.values_list("metric").annotate(s=Sum("value"))}


@pytest.fixture
def empty(demo):
    """The demo campaign without its demo numbers."""
    Observation.objects.filter(campaign=demo).delete()
    return demo


# ---- values -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "decimal", "expected"), [
    ("1234", ".", D("1234")), ("1,234.56", ".", D("1234.56")), ('"1,234"', ".", None), ("1.234,56", ",", D("1234.56")),
    ("12 345", ",", D("12345")), ("1\u00a0234,5", ",", D("1234.5")), ("¥1,234.00", ".", D("1234.00")),
    ("$12.50", ".", D("12.50")), ("12.5%", ".", D("12.5")), ("< 10%", ".", D("10")), ("> 90%", ".", D("90")),
    ("(12.50)", ".", D("-12.50")), ("--", ".", None), (" --", ".", None), ("", ".", None), ("N/A", ".", None),
    (3120.0, ".", D("3120.0")), (7, ".", D(7)), ("980,00", ",", D("980.00")), ("8.120", ",", D("8120")),
    ("CNY 1,000", ".", D("1000")), ("1,5", ",", D("1.5")),
])
def test_numbers_in_the_forms_exports_use(text, decimal, expected):
    if text == '"1,234"':
        expected = D("1234")
        text = "1,234"
    assert parse_number(text, decimal) == expected


@pytest.mark.parametrize("text", ["12x", "28O", "1.2.3", "abc", "1e5", "∞", "12 apples"])
def test_a_broken_number_is_refused(text):
    with pytest.raises(BadValue):
        parse_number(text)


def test_the_decimal_mark_is_read_from_the_file():
    assert decimal_style(["1,234.56", "980.00"]) == "."
    assert decimal_style(["1.234,50", "980,00", "8.120"]) == ","
    assert decimal_style(["1,234"], ";") == ","
    assert decimal_style(["1,234"], ",") == "."


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-06-01", (dt.date(2024, 6, 1), None)), ("2024/6/1", (dt.date(2024, 6, 1), None)),
    ("01-06-2024", (dt.date(2024, 6, 1), None)), ("1.06.2024", (dt.date(2024, 6, 1), None)),
    ("20240601", (dt.date(2024, 6, 1), None)), ("2024年6月1日", (dt.date(2024, 6, 1), None)),
    ("Jun 1, 2024", (dt.date(2024, 6, 1), None)), ("1 June 2024", (dt.date(2024, 6, 1), None)),
    ("2024-06-01 13:00:00", (dt.date(2024, 6, 1), 13)), ("2024-06-01 00:00:00", (dt.date(2024, 6, 1), None)),
    (dt.datetime(2024, 6, 1), (dt.date(2024, 6, 1), None)), (dt.date(2024, 6, 1), (dt.date(2024, 6, 1), None)),
    (45444, (dt.date(2024, 6, 1), None)),
])
def test_dates_in_the_forms_exports_use(value, expected):
    assert parse_day(value) == expected


def test_slash_dates_follow_the_file():
    assert parse_day("6/1/2024") == (dt.date(2024, 6, 1), None)
    assert parse_day("1/6/2024", "dmy") == (dt.date(2024, 6, 1), None)
    with pytest.raises(BadValue):
        parse_day("2024-02-30")
    assert parse_hour("13:00") == 13 and parse_hour(7) == 7 and parse_hour("") is None
    with pytest.raises(BadValue):
        parse_hour(24)


# ---- the five exports ---------------------------------------------------------------------------

def test_google_ads_campaign_report_with_title_lines_and_total_rows(empty):
    parsed = services.parse_upload(empty, upload("google_ads_campaign_report.csv"))
    assert parsed.ok, parsed.errors
    assert parsed.cmap.platform == "google_ads" and parsed.cmap.channel == "google"
    assert parsed.header_index == 2 and parsed.rows_read == 6 and parsed.totals_skipped == 3
    assert parsed.currency == "CNY"
    # Two ad campaigns a day are summed into the campaign's number; the totals equal the file's Total row.
    assert parsed.totals() == {"clicks": D("1632"), "conversions": D("35.00"), "impressions": D("119447"),
                               "revenue": D("9497.75"), "spend": D("3941.71")}
    assert parsed.values[("google", "spend", dt.date(2024, 6, 1), -1, "")] == D("1555.56")
    assert parsed.days() == [dt.date(2024, 6, 1), dt.date(2024, 6, 2), dt.date(2024, 6, 3)]


def test_meta_export_with_currency_in_the_header(empty):
    parsed = services.parse_upload(empty, upload("meta_ads_export.csv"))
    assert parsed.ok, parsed.errors
    assert parsed.cmap.platform == "meta" and parsed.currency == "CNY"
    assert parsed.totals() == {"clicks": D("1406"), "conversions": D("40"), "engagements": D("11776"),
                               "impressions": D("158776"), "reach": D("132996"), "revenue": D("12206.00"),
                               "spend": D("5811.24")}
    # "Day" is the day, not "Reporting starts" (the range's first day).
    assert parsed.days() == [dt.date(2024, 6, 1), dt.date(2024, 6, 2), dt.date(2024, 6, 3)]


def test_semicolon_daily_export_with_day_month_year_dates_and_decimal_commas(empty):
    parsed = services.parse_upload(empty, upload("daily_semicolon.csv"))
    assert parsed.ok, parsed.errors
    assert parsed.channels() == ["douyin", "pop-up", "xiaohongshu"]
    assert parsed.totals() == {"clicks": D("2268"), "conversions": D("60"), "impressions": D("61691"),
                               "spend": D("6626.59"), "store_visitors": D("294")}
    assert parsed.values[("xiaohongshu", "impressions", dt.date(2024, 6, 1), -1, "")] == D("8120")


def test_oceanengine_xlsx_in_chinese_with_merged_title_and_total_row(empty):
    parsed = services.parse_upload(empty, upload("oceanengine_report_zh.xlsx"))
    assert parsed.ok, parsed.errors
    assert parsed.cmap.platform == "oceanengine" and parsed.cmap.channel == "douyin"
    assert parsed.header_index == 2 and parsed.totals_skipped == 1 and parsed.currency == "CNY"
    assert parsed.totals() == {"clicks": D("12960"), "conversions": D("321"), "engagements": D("9870"),
                               "impressions": D("672745"), "revenue": D("57780.50"), "spend": D("12028.50")}


def test_utf16_tab_separated_google_ads_export_in_chinese(empty):
    parsed = services.parse_upload(empty, upload("google_ads_zh_utf16.tsv"))
    assert parsed.ok, parsed.errors
    assert parsed.cmap.platform == "google_ads" and parsed.totals_skipped == 2
    assert parsed.totals() == {"clicks": D("1323"), "conversions": D("36.50"), "impressions": D("55583"),
                               "revenue": D("9325.00"), "spend": D("3534.05")}


@pytest.mark.parametrize("name", ["google_ads_campaign_report.csv", "meta_ads_export.csv", "daily_semicolon.csv",
                                  "oceanengine_report_zh.xlsx", "google_ads_zh_utf16.tsv"])
def test_import_stores_the_totals_and_importing_again_changes_nothing(empty, users, name):
    parsed, written = services.ingest(campaign=empty, upload=upload(name), actor=users["lead"])
    assert parsed.ok
    assert written.created == len(parsed.values) and written.updated == 0
    assert stored(empty) == {k: v.normalize() for k, v in parsed.totals().items()}
    rows = list(Observation.objects.filter(campaign=empty).order_by("id").values_list("id", "value", "batch_id"))
    again = services.preview(empty, services.parse_upload(empty, upload(name)))
    assert again.counts == {"new": 0, "changed": 0, "unchanged": len(parsed.values)}
    _parsed, written = services.ingest(campaign=empty, upload=upload(name), actor=users["lead"])
    assert (written.created, written.updated, written.unchanged) == (0, 0, len(parsed.values))
    assert list(Observation.objects.filter(campaign=empty).order_by("id").values_list("id", "value", "batch_id")) \
        == rows


def test_a_restated_day_updates_instead_of_duplicating(empty, users):
    services.ingest(campaign=empty, upload=upload("daily_semicolon.csv"), actor=users["lead"])
    restated = (DATA / "daily_semicolon.csv").read_text().replace("3.06.2024;Douyin;11 870", "3.06.2024;Douyin;12 000")
    _parsed, written = services.ingest(campaign=empty, upload=text_upload("daily.csv", restated), actor=users["lead"])
    assert (written.created, written.updated) == (0, 1)
    assert stored(empty, "douyin")["impressions"] == D(12345 + 13002 + 12000)
    assert Observation.objects.filter(campaign=empty).count() == 6 * 5 + 3


def test_a_broken_number_refuses_the_whole_file_naming_row_and_column(empty, users):
    parsed, written = services.ingest(campaign=empty, upload=upload("daily_semicolon_broken.csv"),
                                      actor=users["lead"])
    assert written is None and Observation.objects.filter(campaign=empty).count() == 0
    assert [e.as_dict() for e in parsed.errors] == [
        {"row": 6, "column": "Clicks", "column_letter": "D", "message": "“28O” is not a number."}]


def test_errors_are_in_the_users_language(empty, users):
    from django.utils import translation

    with translation.override("zh-hans"):
        parsed = services.parse_upload(empty, upload("daily_semicolon_broken.csv"))
    assert parsed.errors[0].row == 6  # the message itself is translated by the integrator's catalogue


def test_cents_are_converted_to_yuan(empty, users):
    tencent = ("date,campaign_id,cost,view_count,valid_click_count,conversions_count,order_amount\n"
               "2024-06-01,101,123456,50000,1200,30,987650\n2024-06-01,102,1,10,0,0,0\n")
    parsed, _written = services.ingest(campaign=empty, upload=text_upload("tencent.csv", tencent), actor=users["lead"])
    assert parsed.cmap.platform == "tencent"
    assert stored(empty) == {"spend": D("1234.57"), "impressions": D(50010), "clicks": D(1200), "conversions": D(30),
                             "revenue": D("9876.5")}
    assert stored(empty, "wechat")["spend"] == D("1234.57")


def test_alimama_prefers_the_yuan_twin_over_the_cents_column(empty):
    alimama = "thedate,campaign_id,charge,charge_in_yuan,impression,click,transaction_total\n" \
              "20240601,9,150000,1500.00,3000,90,450000\n"
    parsed = services.parse_upload(empty, text_upload("alimama.csv", alimama))
    assert parsed.cmap.platform == "alimama" and parsed.cmap.channel == "tmall"
    assert parsed.totals() == {"clicks": D(90), "impressions": D(3000), "revenue": D("4500.00"), "spend": D("1500.00")}


def test_engagement_parts_are_summed(empty):
    tiktok = "stat_time_day,campaign_name,spend,impressions,clicks,conversion,likes,comments,shares,follows\n" \
             "2024-06-01 00:00:00,A,10.5,1000,20,1,30,4,2,1\n"
    parsed = services.parse_upload(empty, text_upload("tiktok.csv", tiktok))
    assert parsed.cmap.platform == "tiktok"
    assert parsed.totals()["engagements"] == D(37)


def test_utf8_bom_gb18030_and_hourly_rows(empty):
    text = "日期,小时,渠道,到店人数\n2024-06-15,10,快闪店,12\n2024-06-15,11,快闪店,30\n"
    for encoding in ("utf-8-sig", "gb18030"):
        parsed = services.parse_upload(empty, text_upload("popup.csv", text, encoding))
        assert parsed.ok, parsed.errors
        assert parsed.values == {("pop-up", "store_visitors", dt.date(2024, 6, 15), 10, ""): D(12),
                                 ("pop-up", "store_visitors", dt.date(2024, 6, 15), 11, ""): D(30)}


def test_a_file_in_another_currency_is_refused(empty):
    parsed = services.parse_upload(empty, upload("meta_ads_export.csv").__class__(
        "meta.csv", "csv", (DATA / "meta_ads_export.csv").read_bytes().replace(b"(CNY)", b"(EUR)")))
    assert [e.message for e in parsed.errors] == [
        "The amounts in this file are in EUR but the campaign counts in CNY: convert them before importing."]


def test_unknown_channel_missing_date_and_negative_numbers_are_named(empty):
    text = "Date,Channel,Impressions,Spend\n2024-06-01,Kuaishou,10,1\n,Douyin,5,1\n2024-06-02,Douyin,-5,1\n" \
           "2024-13-01,Douyin,1,1\n"
    parsed = services.parse_upload(empty, text_upload("x.csv", text))
    assert [(e.row, e.letter, e.message) for e in parsed.errors] == [
        (2, "B", "“Kuaishou” is not a channel of CampaignOps."),
        (3, "A", "The date is missing."),
        (4, "C", "-5 is negative: a count or an amount cannot be below zero."),
        (5, "A", "“2024-13-01” is not a date (write it as YYYY-MM-DD)."),
    ]


def test_a_file_naming_no_channel_needs_one_chosen(empty, users):
    text = "Date,Impressions\n2024-06-01,10\n"
    parsed = services.parse_upload(empty, text_upload("x.csv", text))
    assert [e.message for e in parsed.errors] == ["The file names no channel: choose the channel its numbers "
                                                  "belong to."]
    parsed = services.parse_upload(empty, text_upload("x.csv", text), channel="weibo")
    assert parsed.ok and parsed.values == {("weibo", "impressions", dt.date(2024, 6, 1), -1, ""): D(10)}


def test_unknown_columns_are_mapped_by_hand_and_the_mapping_is_saved(empty, users):
    text = "统计日期,门店,进店客流,成交单数\n2024-06-15,快闪店,88,14\n2024-06-16,快闪店,104,17\n"
    batch, parsed = services.import_stage(campaign=empty, upload=text_upload("门店日报.csv", text), actor=users["sales"])
    assert not parsed.ok and batch.state == BatchState.PENDING
    mapping = {"统计日期": "day", "门店": "channel", "进店客流": "store_visitors", "成交单数": "orders"}
    parsed = services.import_remap(batch=batch, mapping=mapping, channel="", actor=users["sales"])
    assert parsed.ok and parsed.totals() == {"orders": D(31), "store_visitors": D(192)}
    services.mapping_save(campaign=empty, name="门店日报", columns=mapping, actor=users["sales"])
    # Next time the same headers are read without asking.
    parsed = services.parse_upload(empty, text_upload("门店日报2.csv", text))
    assert parsed.ok and parsed.cmap.platform_name == "门店日报"
    written = services.import_apply(batch=ImportBatch.objects.get(pk=batch.pk), actor=users["sales"])
    assert (written.created, written.updated) == (4, 0)
    assert HeaderMapping.objects.get(campaign=empty).columns == mapping


def test_apply_refuses_when_the_numbers_changed_since_the_preview(empty, users):
    from campaignops.core.errors import StaleVersion

    batch, parsed = services.import_stage(campaign=empty, upload=upload("daily_semicolon.csv"), actor=users["lead"])
    fingerprint = services.preview(empty, parsed).fingerprint
    services.ingest(campaign=empty, upload=upload("daily_semicolon.csv"), actor=users["lead"])
    with pytest.raises(StaleVersion):
        services.import_apply(batch=batch, actor=users["lead"], fingerprint=fingerprint)
    assert ImportBatch.objects.get(pk=batch.pk).state == BatchState.PENDING


def test_size_and_zip_bomb_are_refused_before_parsing(settings):
    import io
    import zipfile

    settings.MAX_UPLOAD_BYTES = 1000
    with pytest.raises(UploadRejected):
        guard_upload("big.csv", b"a,b\n" * 400)
    settings.MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"0" * (300 * 1024 * 1024))
    with pytest.raises(UploadRejected):
        guard_upload("bomb.xlsx", buffer.getvalue())


def test_a_big_write_goes_through_the_bulk_path_and_upserts(empty, users):
    """3,000 numbers (PostgreSQL: COPY into a temporary table), then 10 restated and 5 new."""
    start = dt.date(2024, 6, 1)
    values = {("douyin", "impressions", start + dt.timedelta(days=n // 24), n % 24, ""): D(n) for n in range(3000)}
    _batch, written = services.observations_write(campaign=empty, values=values, source="file", actor=users["lead"])
    assert (written.created, written.updated, written.unchanged) == (3000, 0, 0)
    for key in list(values)[:10]:
        values[key] += D("0.5")
    for n in range(5):
        values[("weibo", "clicks", start, n, "")] = D(n)
    batch, written = services.observations_write(campaign=empty, values=values, source="file", actor=users["lead"])
    assert (written.created, written.updated, written.unchanged) == (5, 10, 2990)
    assert stored(empty) == {"impressions": D(sum(range(3000))) + 5, "clicks": D(10)}
    assert Observation.objects.filter(campaign=empty, batch=batch).count() == 15


LONG_FORM = ("Day,Hour,Channel,Metric,Value\r\n"
             "2024-06-01,9,douyin,impressions,1200\r\n"
             "2024-06-01,9,Douyin,impressions,300.5\r\n"        # same key spelled otherwise: summed
             "2024-06-01,10,小红书,clicks,41\r\n"
             "2024-06-02,,douyin,spend,99.9900\r\n"              # no hour: the whole day
             "2024-06-02,,douyin,spend,0.01\r\n")


@pytest.mark.parametrize(("extra", "by_column"), [
    ("", [True]),                                # read column by column
    ("\r\n", []),                                # a blank line: rows of two widths, row by row at once
    ("Total,,,,1541.5\r\n", [False]),           # a Total line: the columns try, then row by row
])
def test_the_long_form_reads_the_same_column_by_column_or_row_by_row(empty, extra, by_column, monkeypatch):
    """A regular file is read column by column; a blank or Total line sends it row by row: same numbers."""
    from campaignops.metrics.io import reader

    calls = []
    real = reader._read_long_columns
    monkeypatch.setattr(reader, "_read_long_columns", lambda *a: calls.append(real(*a)) or calls[-1])
    parsed = services.parse_upload(empty, text_upload("long.csv", LONG_FORM + extra))
    assert parsed.ok, parsed.errors
    assert calls == by_column
    assert parsed.values == {
        ("douyin", "impressions", dt.date(2024, 6, 1), 9, ""): D("1500.5"),
        ("xiaohongshu", "clicks", dt.date(2024, 6, 1), 10, ""): D(41),
        ("douyin", "spend", dt.date(2024, 6, 2), -1, ""): D("100.0000"),
    }
    assert (parsed.rows_read, parsed.totals()) == (5, {"clicks": D(41), "impressions": D("1500.5"),
                                                       "spend": D("100.0000")})


def test_a_long_form_file_with_one_bad_cell_names_it(empty):
    parsed = services.parse_upload(empty, text_upload("long.csv", LONG_FORM + "2024-06-03,1,douyin,clicks,12x\r\n"))
    assert [i.as_dict() for i in parsed.errors] == [
        {"row": 7, "column": "Value", "column_letter": "E", "message": "“12x” is not a number."}]


def test_a_write_bigger_than_one_statement_block(empty, users):
    """SQLite writes 2,000 rows per statement: 4,001 numbers are two blocks and one row, all upserted."""
    start = dt.date(2024, 6, 1)
    values = {("douyin", m, start + dt.timedelta(days=n // 24), n % 24, ""): D(n)
              for n in range(2001) for m in ("clicks", "impressions")}
    values[("weibo", "clicks", start, -1, "")] = D("0.0001")
    _batch, written = services.observations_write(campaign=empty, values=values, source="file", actor=users["lead"])
    assert (written.created, written.updated, written.unchanged) == (4003, 0, 0)
    values[("douyin", "clicks", start, 0, "")] = D(7)
    values[("weibo", "clicks", start, -1, "")] = D(1)
    _batch, written = services.observations_write(campaign=empty, values=values, source="file", actor=users["lead"])
    assert (written.created, written.updated, written.unchanged) == (0, 2, 4001)
    assert stored(empty) == {"clicks": D(sum(range(2001)) + 7 + 1), "impressions": D(sum(range(2001)))}


def test_the_import_command(empty, tmp_path, capsys):
    from django.core.management import call_command

    call_command("import_metrics", str(empty.pk), str(DATA / "meta_ads_export.csv"))
    out = capsys.readouterr().out
    assert out == ("Meta Ads: 21 new, 0 changed, 0 unchanged numbers over 3 days.\n"
                   "Imported: 21 new numbers, 0 changed, 0 unchanged.\n")
    assert stored(empty)["spend"] == D("5811.24")


# ---- reports over a date range (no day column) ---------------------------------------------------

@pytest.mark.parametrize(("lines", "expected"), [
    ([["Campaign report (Mar 3", " 2025 - Mar 9", " 2025)"], ["All time"]], (dt.date(2025, 3, 3), dt.date(2025, 3, 9))),
    ([["March 4, 2025 - March 4, 2025"]], (dt.date(2025, 3, 4), dt.date(2025, 3, 4))),
    ([["2024-06-08 ~ 2024-06-20"]], (dt.date(2024, 6, 8), dt.date(2024, 6, 20))),
    ([["统计时间：", "2024年6月8日 至 2024年6月9日"]], (dt.date(2024, 6, 8), dt.date(2024, 6, 9))),
    ([["Date range: Jun 8, 2024 - Jun 9, 2024"]], (dt.date(2024, 6, 8), dt.date(2024, 6, 9))),
    ([["Campaign report"], ["Jan 9, 2025 - Jan 2, 2025"]], None),
    ([], None),
])
def test_the_date_range_above_a_header(lines, expected):
    from campaignops.metrics.io.values import report_span

    assert report_span(lines) == expected


GOOGLE_ONE_DAY = """Campaign performance
"March 4, 2025 - March 4, 2025"
Campaign,Campaign state,Campaign type,Clicks,Impr.,CTR,Currency code,Avg. CPC,Cost,Conversions,Cost / conv.
"Spring brand search",Enabled,Search,240,"6,100",3.93%,CNY,1.50,360.00,12,30.00
"Spring display",Enabled,Display,95,"12,400",0.77%,CNY,0.80,76.00,3,25.33
Total: Campaigns,,,335,"18,500",1.81%,CNY,1.30,436.00,15,29.07
"""


def test_a_one_day_google_ads_report_without_a_day_column_lands_on_that_day(empty, users):
    parsed, written = services.ingest(campaign=empty, upload=text_upload("Campaign performance.csv", GOOGLE_ONE_DAY),
                                      actor=users["sales"])
    assert parsed.ok and parsed.days() == [dt.date(2025, 3, 4)] and parsed.totals_skipped == 1
    assert stored(empty, "google") == {"clicks": D(335), "impressions": D(18500), "spend": D(436), "conversions": D(15)}
    assert written.created == 4


def test_a_google_ads_report_over_several_days_without_a_day_column_is_refused(empty, users):
    text = GOOGLE_ONE_DAY.replace('"March 4, 2025 - March 4, 2025"', '"March 1, 2025 - March 31, 2025"')
    parsed = services.parse_upload(empty, text_upload("Campaign performance.csv", text))
    assert [e.message for e in parsed.errors] == [
        "This report adds up 2025-03-01 – 2025-03-31 with no day column, so its numbers cannot be put on days: "
        "download it again segmented by day (in Google Ads: Segment → Time → Day), or for one day."]
    assert parsed.errors[0].row == 3
    assert not Observation.objects.filter(campaign=empty).exists()
