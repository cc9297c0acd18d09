"""The dashboard on a small constructed campaign (see dashboard_data.py): exact KPI cards, channel table,
funnel, the page, its fragment, exports, the threshold and the number of queries."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from campaignops.core.spreadsheets import read_workbook
from campaignops.metrics import selectors
from campaignops.metrics.dashboard import board_for
from campaignops.metrics.models import WHOLE_DAY
from campaignops.metrics.pace_settings import PaceSettings
from campaignops.metrics.services import observations_write

from .dashboard_data import TODAY, build

pytestmark = pytest.mark.django_db
D = dt.date
# session, user, profile, campaign, role; pace settings; change token (one query); targets; channels;
# budget lines; phases. The observations are summed once per change token (cached), so not here.
PAGE_QUERIES = 11


@pytest.fixture
def campaign(users):
    return build(users)


def _card(board, metric):
    return next(c for c in board.kpis if c.metric == metric)


def test_kpi_cards_exact(campaign):
    board = board_for(campaign, today=TODAY)
    imp = _card(board, "impressions")
    # 250,000 by 06-16 (hourly-only day summed, the whole-day row wins over a stray hour, 06-17 not yet);
    # share due by 06-16 of the work due 06-17: (7 warm-up days × 1 + 2 burst days × 4) / 19 = 15/19
    assert (imp.actual, imp.percent_reached, imp.share_expected) == (Decimal(250000), Decimal("50.0"), Decimal("78.9"))
    assert imp.expected_by_now == Decimal("394736.84")                 # 500,000 × 15/19
    assert imp.projected == Decimal("316666.67")                       # 250,000 ÷ 15/19
    assert (imp.low, imp.high) == (Decimal("302197.70"), Decimal("331135.64"))
    assert imp.status == "behind"                                      # below 500,000 × (1 − 10 %)
    cvr = _card(board, "cvr")
    # 140 conversions ÷ 5,000 clicks (the 7-day-click attribution variant is not counted twice)
    assert (cvr.actual, cvr.projected, cvr.low, cvr.high) == (Decimal("2.80"), Decimal("2.80"), Decimal("2.38"),
                                                              Decimal("3.29"))
    assert (cvr.percent_reached, cvr.status, cvr.kind) == (Decimal("56.0"), "behind", "rate")
    visitors = _card(board, "store_visitors")
    assert (visitors.channel, visitors.actual, visitors.expected_by_now, visitors.projected) == (
        "Pop-up store", Decimal(270), Decimal("394.74"), Decimal("342.00"))
    assert (visitors.low, visitors.high) == (Decimal("314.85"), Decimal("369.15"))
    complaints = _card(board, "complaint_rate")                        # 1 ÷ 56 orders, lower is better
    assert (complaints.actual, complaints.percent_reached, complaints.status) == (Decimal("1.79"), Decimal("56.0"),
                                                                                  "behind")
    gmv = _card(board, "revenue")                                      # the "gmv" target reads revenue
    assert (gmv.actual, gmv.expected_by_now, gmv.projected, gmv.status) == (
        Decimal(16000), Decimal("30000.00"), Decimal("26666.67"), "behind")   # share 15/25 by 06-16 of 06-23


def test_finished_kpis_are_met_or_missed(campaign):
    board = board_for(campaign, today=D(2024, 6, 30))
    imp = _card(board, "impressions")
    assert (imp.actual, imp.status) == (Decimal(320000), "missed")    # 06-17 counted now, still short
    assert _card(board, "store_visitors").status == "missed"


def test_threshold_decides_behind(campaign, users):
    PaceSettings.objects.create(campaign=campaign, behind_threshold=Decimal(40))
    board = board_for(campaign, today=TODAY)
    assert _card(board, "impressions").status == "on_track"          # 316,667 ≥ 500,000 × 60 %
    assert _card(board, "cvr").status == "behind"                    # 2.8 < 5 × 60 %
    assert board.threshold == Decimal(40)
    PaceSettings.objects.filter(campaign=campaign).update(behind_threshold=Decimal(50))
    assert _card(board_for(campaign, today=TODAY), "cvr").status == "on_track"   # 2.8 ≥ 5 × 50 %


def test_channel_table_online_and_offline(campaign):
    board = board_for(campaign, today=TODAY)
    rows = {r.name: r for r in board.channels}
    assert [r.name for r in board.channels] == ["Xiaohongshu", "Douyin", "Online", "Pop-up store", "Offline", "Total"]
    x, d = rows["Xiaohongshu"], rows["Douyin"]
    assert (x.spend, x.results, x.cost_per_result, x.ctr, x.cvr) == (Decimal(7000), Decimal(84), Decimal("83.33"),
                                                                     Decimal("2.00"), Decimal("3.00"))
    assert (d.spend, d.results, d.cost_per_result, d.cvr, d.roas) == (Decimal(9000), Decimal(56), Decimal("160.71"),
                                                                      Decimal("2.55"), Decimal("1.78"))
    assert (board.online.spend, board.online.results, board.online.cost_per_result) == (
        Decimal(16000), Decimal(140), Decimal("114.29"))
    assert (board.offline.spend, board.offline.visitors, board.offline.results) == (Decimal(2000), Decimal(270), None)
    assert (board.total.spend, board.total.cost_per_result, board.total.roas) == (
        Decimal(18000), Decimal("128.57"), Decimal("0.89"))
    leads = board_for(campaign, today=TODAY, result="store_visitors")
    assert leads.result == "store_visitors" and leads.offline.results == Decimal(270)
    assert leads.offline.cost_per_result == Decimal("7.41")           # 2,000 ÷ 270


def test_funnel_marks_the_step_below_its_target(campaign):
    steps = board_for(campaign, today=TODAY).funnel
    assert [(s.metric, s.value, s.rate, s.reference, s.weakest) for s in steps] == [
        ("impressions", Decimal(250000), None, None, False),
        ("clicks", Decimal(5000), Decimal("2.00"), None, False),
        ("conversions", Decimal(140), Decimal("2.80"), Decimal(5), True),
    ]


def test_funnel_without_targets_marks_the_smallest_share():
    from campaignops.metrics.dashboard import funnel

    steps = funnel({"impressions": Decimal(1000), "clicks": Decimal(100), "conversions": Decimal(50)}, {})
    assert [s.weakest for s in steps] == [False, True, False]          # 10 % kept vs 50 % kept


def test_series_and_pace_lines(campaign):
    board = board_for(campaign, today=TODAY)
    assert board.days[0] == D(2024, 6, 1) and board.days[-1] == TODAY
    assert board.series["impressions"]["online"][14] == 60000.0        # 06-15
    assert board.series["store_visitors"]["offline"][15] == 150.0
    pace = board.pace[_card(board, "impressions").id]
    assert pace["actual"][-1] == 250000.0
    assert pace["expected"][13] == pytest.approx(500000 * 7 / 19, abs=0.001)   # end of warm-up


def test_spend_card_without_a_budget(campaign):
    spend = board_for(campaign, today=TODAY).spend
    assert (spend.spend, spend.budget_set) == (Decimal(18000), False)


def test_change_token_moves_with_writes_and_the_cache_follows(campaign, users):
    token = selectors.change_token(campaign)
    assert board_for(campaign, today=TODAY).total.spend == Decimal(18000)
    assert selectors.change_token(campaign) == token
    observations_write(campaign=campaign, values={("douyin", "spend", TODAY, WHOLE_DAY, ""): Decimal("4999.50")},
                       source="manual", actor=users["sales"])
    assert selectors.change_token(campaign) != token
    assert board_for(campaign, today=TODAY).total.spend == Decimal(19000)


def test_effect_before_and_after_a_date(campaign):
    cells = selectors.campaign_cells(campaign)
    e = selectors.effect(cells, metric="impressions", channel_id=None, date=D(2024, 6, 15), days=3, today=TODAY)
    # before: 06-12..06-14 = 60,000 → 20,000 a day; after: 06-15..06-16 (today) = 110,000 → 55,000 a day
    assert (e.before, e.after, e.before_days, e.after_days) == (Decimal(20000), Decimal(55000), 3, 2)
    assert e.change_percent == Decimal(175)
    rate = selectors.effect(cells, metric="cvr", channel_id=None, date=D(2024, 6, 15), days=7, today=TODAY)
    assert (rate.before, rate.after) == (Decimal(3), Decimal("2.545454545454545454545454545"))


# ---- the page -----------------------------------------------------------------------------------

def test_page_shows_cards_channels_funnel(client_as, campaign, django_assert_num_queries):
    client = client_as("viewer")
    url = reverse("metrics_dashboard:dashboard", args=[campaign.pk]) + "?as_of=2024-06-16"
    client.get(url)
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-kpi="' in html and 'data-status="behind"' in html
    assert '<span class="dash-big" data-field="actual">250,000</span>' in html
    assert 'data-step="conversions" data-weakest="true"' in html
    assert 'id="dash-chart-data"' in html
    assert "Pace settings" not in html                                 # a viewer cannot change it


def test_page_queries_do_not_grow_with_the_data(client_as, campaign, users, django_assert_num_queries):
    values = {("xiaohongshu", "impressions", D(2024, 6, 1) + dt.timedelta(days=n % 30), h, ""): Decimal(n)
              for n in range(300) for h in (n % 24,)}
    observations_write(campaign=campaign, values=values, source="api", actor=users["lead"])
    client = client_as("lead")
    url = reverse("metrics_dashboard:dashboard", args=[campaign.pk])
    client.get(url)
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(url).status_code == 200


def test_fragment_is_the_board_only(client_as, campaign):
    url = reverse("metrics_dashboard:dashboard", args=[campaign.pk]) + "?as_of=2024-06-16&fragment=board"
    html = client_as("viewer").get(url).content.decode()
    assert html.lstrip().startswith('<div class="dash-content"') and "<html" not in html


def test_page_access(client_as, campaign, users):
    url = reverse("metrics_dashboard:dashboard", args=[campaign.pk])
    assert client_as("outsider").get(url).status_code == 404
    assert client_as("viewer").post(url).status_code == 405


def test_threshold_form(client_as, campaign):
    url = reverse("metrics_dashboard:threshold", args=[campaign.pk])
    assert client_as("viewer").post(url, {"behind_threshold": "20"}).status_code == 403
    assert client_as("outsider").post(url, {"behind_threshold": "20"}).status_code == 404
    response = client_as("lead").post(url, {"behind_threshold": "20", "version": ""})
    assert response.status_code == 302
    assert PaceSettings.objects.get(campaign=campaign).behind_threshold == Decimal(20)
    client_as("lead").post(url, {"behind_threshold": "30", "version": ""})      # stale: a row exists now
    assert PaceSettings.objects.get(campaign=campaign).behind_threshold == Decimal(20)
    client_as("lead").post(url, {"behind_threshold": "130", "version": "1"})    # out of range
    assert PaceSettings.objects.get(campaign=campaign).behind_threshold == Decimal(20)


# ---- exports ------------------------------------------------------------------------------------

def test_xlsx_export(client_as, campaign):
    url = reverse("metrics_dashboard:export_xlsx", args=[campaign.pk]) + "?as_of=2024-06-16"
    response = client_as("viewer").get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    kpis = read_workbook(response.content, sheet="KPIs")
    assert kpis[0][:6] == ["KPI", "Metric", "Channel", "Unit", "Target", "Actual"]
    assert kpis[1][:6] == ["Exposures", "Impressions", "", "count", 500000, 250000]
    channels = read_workbook(response.content, sheet="Channels")
    assert channels[-1][:3] == ["Total", "", 18000]
    daily = read_workbook(response.content, sheet="Daily")
    assert len(daily) == 1 + 7 * 4 + 6 + 7 + 3                       # header, warm-up, Douyin 06-15 and 06-16, pop-up


def test_csv_export_neutralises_formulas(client_as, campaign):
    from campaignops.campaigns.models import Channel

    Channel.objects.filter(code="douyin").update(name_en="=HYPERLINK(\"http://x\")")
    url = reverse("metrics_dashboard:export_csv", args=[campaign.pk]) + "?as_of=2024-06-16&table=channels"
    response = client_as("viewer").get(url)
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Channel"
    assert rows[2][0] == "'=HYPERLINK(\"http://x\")"
    assert rows[-1][:3] == ["Total", "", "18000"]


def test_change_token_covers_every_input_of_the_board(campaign, users):
    from campaignops.campaigns.models import KpiTarget
    from campaignops.planning.models import Phase

    token = selectors.change_token(campaign)
    burst = Phase.objects.get(campaign=campaign, kind="burst")
    burst.end_date = D(2024, 6, 18)
    burst.save()                                                  # (services save; a bare .update() is not seen)
    assert selectors.change_token(campaign) != token
    token = selectors.change_token(campaign)
    KpiTarget.objects.filter(campaign=campaign, metric="cvr").delete()
    assert selectors.change_token(campaign) != token
    token = selectors.change_token(campaign)
    PaceSettings.objects.create(campaign=campaign, behind_threshold=Decimal(20))
    assert selectors.change_token(campaign) != token
    assert [c.metric for c in board_for(campaign, today=TODAY).kpis] == ["impressions", "store_visitors",
                                                                         "complaint_rate", "revenue"]
