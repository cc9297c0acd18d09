"""Pure risk rules: scores, levels, response clocks, parsing the seed's risk plans."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaignops.risks.domain.parse import ParsedRisk, parse_risk_plan
from campaignops.risks.domain.rules import clock_state, response_deadline, risk_level, risk_score

T0 = dt.datetime(2024, 6, 15, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(("text", "expected"), [
    ("达人档期冲突：备选2名素人", ParsedRisk("达人档期冲突", "备选2名素人", "kol_schedule")),
    ("线下人流不足：联合周边商场发优惠券", ParsedRisk("线下人流不足", "联合周边商场发优惠券", "traffic")),
    ("投诉集中：24小时内响应", ParsedRisk("投诉集中", "24小时内响应", "other")),
    ("目标分歧：召开对齐会", ParsedRisk("目标分歧", "召开对齐会", "other")),
    ("Influencer schedule clash: 2 amateur back-ups",
     ParsedRisk("Influencer schedule clash", "2 amateur back-ups", "kol_schedule")),
    ("Low foot traffic: hand out coupons with nearby malls",
     ParsedRisk("Low foot traffic", "hand out coupons with nearby malls", "traffic")),
    ("Sudden rain - move the pop-up to a cloud live stream",
     ParsedRisk("Sudden rain", "move the pop-up to a cloud live stream", "weather")),
    ("Late materials", ParsedRisk("Late materials", "", "supply_chain")),
])
def test_parse_seed_risk_plans(text, expected):
    assert parse_risk_plan(text) == expected


@pytest.mark.parametrize("text", ["无", "None", "  ", "", "n/a", "—"])
def test_no_risk(text):
    assert parse_risk_plan(text) is None


def test_scores_and_levels():
    assert risk_score(3, 4) == 12
    assert [risk_level(s) for s in (1, 4, 5, 9, 10, 16, 17, 25)] == [
        "low", "low", "medium", "medium", "high", "high", "critical", "critical"]
    with pytest.raises(ValueError):
        risk_score(0, 3)


def test_response_deadline_defaults_and_override():
    assert response_deadline(T0, "high") == T0 + dt.timedelta(hours=24)
    assert response_deadline(T0, "critical") == T0 + dt.timedelta(hours=4)
    assert response_deadline(T0, "low") == T0 + dt.timedelta(hours=72)
    assert response_deadline(T0, "low", hours=2) == T0 + dt.timedelta(hours=2)


def test_clock_states():
    deadline = T0 + dt.timedelta(hours=24)
    assert clock_state(T0, deadline, None) == "running"
    assert clock_state(deadline - dt.timedelta(hours=3), deadline, None) == "due_soon"
    assert clock_state(deadline + dt.timedelta(minutes=1), deadline, None) == "overdue"
    assert clock_state(T0, deadline, deadline) == "met"
    assert clock_state(T0, deadline, deadline + dt.timedelta(seconds=1)) == "missed"


@given(st.integers(1, 5), st.integers(1, 5))
def test_score_is_product_and_level_monotonic(p, i):
    assert risk_score(p, i) == p * i
    order = ["low", "medium", "high", "critical"]
    if p < 5:
        assert order.index(risk_level(risk_score(p + 1, i))) >= order.index(risk_level(risk_score(p, i)))
