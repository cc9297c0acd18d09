"""KPI math and pace forecasts: exact values, ratios from sums, and properties."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaignops.metrics.domain import kpi
from campaignops.metrics.domain.pace import (
    PhaseShape,
    expected_share,
    forecast_count,
    forecast_rate,
    wilson,
)

D = dt.date
SEED_PHASES = [
    PhaseShape("preparation", D(2024, 6, 1), D(2024, 6, 7)),
    PhaseShape("warm_up", D(2024, 6, 8), D(2024, 6, 14)),
    PhaseShape("burst", D(2024, 6, 15), D(2024, 6, 17)),
    PhaseShape("continuation", D(2024, 6, 18), D(2024, 6, 23)),
    PhaseShape("review", D(2024, 6, 24), D(2024, 6, 30)),
]


def test_week_ctr_is_ratio_of_sums_not_mean_of_daily_ratios():
    days = [{"impressions": 1000, "clicks": 100}, {"impressions": 9000, "clicks": 90}]
    sums = kpi.total(days)
    assert sums == {"impressions": Decimal(10000), "clicks": Decimal(190)}
    assert kpi.derive("ctr", sums) == Decimal("1.9")  # not (10 % + 1 %) / 2 = 5.5 %


def test_derived_catalogue_values():
    sums = {"impressions": Decimal(500000), "reach": Decimal(200000), "clicks": Decimal(10000),
            "conversions": Decimal(500), "spend": Decimal("25000.00"), "revenue": Decimal("100000.00"),
            "engagements": Decimal(15000), "orders": Decimal(400), "complaints": Decimal(3),
            "leads": Decimal(250)}
    assert kpi.derive("frequency", sums) == Decimal("2.5")
    assert kpi.derive("ctr", sums) == Decimal(2)
    assert kpi.derive("cpc", sums) == Decimal("2.5")
    assert kpi.derive("cpm", sums) == Decimal(50)
    assert kpi.derive("cvr", sums) == Decimal(5)
    assert kpi.derive("cvr_impressions", sums) == Decimal("0.1")
    assert kpi.derive("cpa", sums) == Decimal(50)
    assert kpi.derive("cpl", sums) == Decimal(100)
    assert kpi.derive("roas", sums) == Decimal(4)
    assert kpi.derive("roi", sums) == Decimal(300)  # (100k − 25k) ÷ 25k
    assert kpi.derive("roi", {**sums, "cost": Decimal(50000)}) == Decimal(100)
    assert kpi.derive("engagement_rate", sums) == Decimal(3)
    assert kpi.derive("complaint_rate", sums) == Decimal("0.75")


def test_zero_denominators_are_none():
    assert kpi.derive("ctr", {"clicks": Decimal(5), "impressions": Decimal(0)}) is None
    assert kpi.derive("cpa", {"spend": Decimal(5)}) is None
    assert kpi.derive("roi", {"revenue": Decimal(5)}) is None
    assert kpi.nps({}) is None


def test_nps_and_favourability():
    sums = {"survey_answers": Decimal(200), "promoters": Decimal(120), "detractors": Decimal(30),
            "favourable_answers": Decimal(150)}
    assert kpi.nps(sums) == Decimal(45)
    assert kpi.derive("favourability", sums) == Decimal(75)


def test_percent_reached_both_directions():
    assert kpi.percent_reached(Decimal(600000), Decimal(500000)) == Decimal(120)
    assert kpi.percent_reached(Decimal(4), Decimal(5)) == Decimal(80)
    # complaint rate target < 1 %: 0.5 % actual reaches 200 %, 2 % reaches 50 %
    assert kpi.percent_reached(Decimal("0.5"), Decimal(1), lower_is_better=True) == Decimal(200)
    assert kpi.percent_reached(Decimal(2), Decimal(1), lower_is_better=True) == Decimal(50)


counts = st.integers(min_value=0, max_value=10**6)


@given(st.lists(st.tuples(counts, counts), min_size=1, max_size=30))
def test_ctr_of_sums_is_between_min_and_max_daily_ctr(days):
    rows = [{"impressions": i + c, "clicks": c} for i, c in days]
    sums = kpi.total(rows)
    overall = kpi.derive("ctr", sums)
    daily = [kpi.derive("ctr", kpi.total([r])) for r in rows]
    daily = [d for d in daily if d is not None]
    if overall is None:
        assert daily == []
    else:
        assert min(daily) <= overall <= max(daily)


def test_expected_share_follows_the_phase_shape():
    # weights: warm-up 7 days × 1, burst 3 × 4, continuation 6 × 1 = 25
    assert expected_share(SEED_PHASES, D(2024, 6, 7)) == 0
    assert expected_share(SEED_PHASES, D(2024, 6, 14)) == pytest.approx(7 / 25)
    assert expected_share(SEED_PHASES, D(2024, 6, 17)) == pytest.approx(19 / 25)
    assert expected_share(SEED_PHASES, D(2024, 6, 30)) == 1
    # a target due at the end of the burst
    assert expected_share(SEED_PHASES, D(2024, 6, 15), due=D(2024, 6, 17)) == pytest.approx(11 / 19)


def test_forecast_count_on_track_and_behind():
    daily = [(D(2024, 6, d), Decimal(20000)) for d in range(8, 15)]  # 140k by end of warm-up
    f = forecast_count(target=Decimal(500000), daily=daily, phases=SEED_PHASES, today=D(2024, 6, 14),
                       due=D(2024, 6, 17))
    # share by 06-14 of activity due 06-17 = 7/19 → projected 140000 × 19/7 = 380000 → behind (< 450k)
    assert f.expected_by_now == Decimal("184210.53")
    assert f.projected == Decimal("380000.00")
    assert f.status == "behind"
    assert f.low == f.high == Decimal("380000.00")  # every day had the same pace: no spread
    daily_ok = [(D(2024, 6, d), Decimal(27000)) for d in range(8, 15)]
    assert forecast_count(target=Decimal(500000), daily=daily_ok, phases=SEED_PHASES, today=D(2024, 6, 14),
                          due=D(2024, 6, 17)).status == "on_track"


def test_forecast_count_range_widens_with_uneven_days_and_contains_projection():
    daily = [(D(2024, 6, 8), Decimal(5000)), (D(2024, 6, 9), Decimal(40000)), (D(2024, 6, 10), Decimal(15000))]
    f = forecast_count(target=Decimal(500000), daily=daily, phases=SEED_PHASES, today=D(2024, 6, 10))
    assert f.low < f.projected < f.high
    assert f.low >= Decimal(60000)


def test_forecast_no_data_before_activity():
    f = forecast_count(target=Decimal(500), daily=[], phases=SEED_PHASES, today=D(2024, 6, 5))
    assert f.status == "no_data" and f.projected is None


def test_forecast_rate_with_wilson_range():
    f = forecast_rate(target_percent=Decimal(5), numerator=Decimal(40), denominator=Decimal(1000))
    assert f.projected == Decimal("4.00")
    assert (f.low, f.high) == (Decimal("2.95"), Decimal("5.40"))  # 95 % Wilson, checked by hand
    assert f.status == "behind"  # 4 % < 5 % × 0.9
    low = forecast_rate(target_percent=Decimal(1), numerator=Decimal(3), denominator=Decimal(400),
                        lower_is_better=True)
    assert low.projected == Decimal("0.75") and low.status == "ahead"


def test_wilson_edges_are_exact():
    assert wilson(0, 11)[0] == 0.0
    assert wilson(11, 11)[1] == 1.0


@given(st.integers(0, 1000), st.integers(1, 1000))
def test_wilson_contains_the_point_estimate(k, extra):
    n = k + extra
    lo, hi = wilson(k, n)
    assert 0 <= lo <= k / n <= hi <= 1


def test_forecast_rate_above_one_hundred_percent_has_no_interval():
    # 30 engagements on 20 impressions: a rate, not a proportion — no Wilson range, no crash
    f = forecast_rate(target_percent=Decimal(50), numerator=Decimal(30), denominator=Decimal(20))
    assert (f.projected, f.low, f.high, f.status) == (Decimal("150.00"), None, None, "ahead")


def test_forecast_ratio_and_pace_status():
    from campaignops.metrics.domain.pace import forecast_ratio, pace_status

    f = forecast_ratio(target=Decimal(3), current=Decimal("2.456"))
    assert (f.projected, f.low, f.high, f.status) == (Decimal("2.46"), None, None, "behind")
    assert forecast_ratio(target=Decimal(50), current=Decimal(40), lower_is_better=True).status == "ahead"
    assert forecast_ratio(target=Decimal(3), current=None).status == "no_data"
    assert forecast_ratio(target=Decimal(3), current=Decimal(1), finished=True).status == "done"
    assert pace_status(Decimal(95), Decimal(100)) == "on_track"
    assert pace_status(Decimal(95), Decimal(100), threshold=0.01) == "behind"


def test_expected_share_is_the_same_from_the_curve_for_every_day():
    # the cached running sums agree with a direct sum over the weighted days
    for day in range(1, 31):
        by = D(2024, 6, day)
        direct = sum(w for d, w in {**{D(2024, 6, n): 1.0 for n in range(8, 15)},
                                    **{D(2024, 6, n): 4.0 for n in range(15, 18)},
                                    **{D(2024, 6, n): 1.0 for n in range(18, 24)}}.items() if d <= by) / 25
        assert expected_share(SEED_PHASES, by) == pytest.approx(direct, abs=1e-15)
