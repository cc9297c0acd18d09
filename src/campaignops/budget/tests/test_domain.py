"""The pure budget arithmetic (domain/money.py) and the resource rules (domain/resources.py): exact
values, then properties over generated amounts."""

import datetime as dt
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaignops.budget.domain import money
from campaignops.budget.domain.money import Figures, Level
from campaignops.budget.domain.resources import Risk, material_risk, sniff_receipt

# ---- rounding -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "currency", "expected"), [
    ("12.345", "CNY", D("12.35")), ("12.344", "CNY", D("12.34")), ("0.005", "CNY", D("0.01")),
    ("-0.005", "CNY", D("-0.01")), ("1999.5", "JPY", D("2000")), ("1.0005", "KWD", D("1.001")),
    (D("7"), "cny", D("7.00")), (3, "XYZ", D("3.00")), ("1e3", "CNY", D("1000.00")),
])
def test_to_money_rounds_half_up_to_the_minor_unit(value, currency, expected):
    result = money.to_money(value, currency)
    assert result == expected and result.as_tuple().exponent == expected.as_tuple().exponent


@pytest.mark.parametrize("bad", [1.5, "abc", "NaN", "Infinity", None])
def test_to_money_refuses_floats_and_non_numbers(bad):
    with pytest.raises(money.MoneyError):
        money.to_money(bad, "CNY")


def test_line_cost_rounds_once_at_the_end():
    # 3000 × 1.605 = 4815.00; per-unit rounding (1.61) would give 4830.00
    assert money.line_cost(D("3000"), D("1.605"), "CNY") == D("4815.00")
    assert money.line_cost(D("3"), D("0.333"), "CNY") == D("1.00")
    assert money.line_cost(D("2.5"), D("999"), "JPY") == D("2498")   # 2497.5 half-up


# ---- commitments, forecast, variance ------------------------------------------------------------

def test_open_commitment_never_below_zero():
    assert money.open_commitment(D("4800"), D("3000")) == D("1800")
    assert money.open_commitment(D("4800"), D("5000")) == D("0")


def test_forecast_is_actual_plus_open_commitments():
    f = Figures(planned=D("18000"), approved=D("18000"), committed=D("12900"), open_committed=D("9900"),
                actual=D("3000"))
    assert (f.forecast, f.used_percent, f.cap, f.level) == (D("12900"), 72, D("18000"), Level.OK)
    assert f.variance == money.Variance(amount=D("5100"), percent=28)


def test_variance_over_plan_is_negative():
    assert money.variance(D("35000"), D("38500")) == money.Variance(D("-3500"), -10)
    assert money.variance(D("0"), D("10")) == money.Variance(D("-10"), None)


def test_expense_increase_consumes_the_material_commitment_first():
    assert money.expense_increase(D("3000"), None) == D("3000")          # no material: all new
    assert money.expense_increase(D("3000"), D("4800")) == D("0")        # an invoice within the order
    assert money.expense_increase(D("5000"), D("4800")) == D("200")      # the invoice beyond the order
    assert money.expense_increase(D("100"), D("0")) == D("100")          # fully invoiced already


# ---- the spend check ----------------------------------------------------------------------------

@pytest.mark.parametrize(("forecast", "added", "overrides", "level", "excess"), [
    (D("0"), D("8999.99"), D("0"), Level.OK, D("0")),
    (D("0"), D("9000"), D("0"), Level.WARN, D("0")),         # exactly 90 %: warn
    (D("5000"), D("5000"), D("0"), Level.WARN, D("0")),       # exactly 100 %: allowed, warned
    (D("5000"), D("5000.01"), D("0"), Level.REFUSE, D("0.01")),
    (D("9000"), D("2000"), D("1000"), Level.WARN, D("0")),    # within approved + override
    (D("9000"), D("2500"), D("1000"), Level.REFUSE, D("500")),
])
def test_spend_check_on_a_line_of_10000(forecast, added, overrides, level, excess):
    check = money.spend_check(approved=D("10000"), overrides=overrides, forecast=forecast, added=added)
    assert (check.level, check.excess, check.after, check.cap) == (level, excess, forecast + added,
                                                                    D("10000") + overrides)
    assert check.allowed == (level in (Level.OK, Level.WARN))


def test_spend_check_refuses_a_line_never_approved():
    check = money.spend_check(approved=None, overrides=D("0"), forecast=D("0"), added=D("1"))
    assert (check.level, check.allowed, check.cap) == (Level.UNAPPROVED, False, None)


def test_spend_check_on_a_zero_line():
    assert money.spend_check(approved=D("0"), overrides=D("0"), forecast=D("0"), added=D("0")).level == Level.OK
    assert money.spend_check(approved=D("0"), overrides=D("0"), forecast=D("0"), added=D("1")).level == Level.REFUSE
    assert money.spend_check(approved=D("0"), overrides=D("5"), forecast=D("0"), added=D("1")).level == Level.WARN


# ---- burn and roll-up ---------------------------------------------------------------------------

def test_burn_is_cumulative_per_date_sorted():
    day = dt.date
    points = money.burn([(day(2024, 6, 10), D("6800")), (day(2024, 6, 3), D("17500")), (day(2024, 6, 5), D("20000")),
                         (day(2024, 6, 5), D("100"))])
    assert points == [(day(2024, 6, 3), D("17500")), (day(2024, 6, 5), D("37600")), (day(2024, 6, 10), D("44400"))]
    assert money.burn([]) == []


def test_roll_up_sums_per_key_and_keeps_unapproved_apart():
    a = Figures(planned=D("10"), approved=D("10"), actual=D("4"), committed=D("2"), open_committed=D("1"))
    b = Figures(planned=D("5"), approved=None, actual=D("0"))
    c = Figures(planned=D("7"), approved=None)
    out = money.roll_up([("x", a), ("y", b), ("x", b), ("y", c)])
    assert list(out) == ["x", "y"]
    assert out["x"] == Figures(planned=D("15"), approved=D("10"), actual=D("4"), committed=D("2"),
                               open_committed=D("1"))
    assert out["y"] == Figures(planned=D("12"), approved=None)


def test_percent_rounds_half_up_and_needs_a_whole():
    assert money.percent(D("1"), D("8")) == 13         # 12.5 -> 13
    assert money.percent(D("1"), D("0")) is None and money.percent(D("1"), None) is None


# ---- properties ---------------------------------------------------------------------------------

amounts = st.decimals(min_value=D("0"), max_value=D("1e10"), places=2, allow_nan=False, allow_infinity=False)
raw = st.decimals(min_value=D("-1e9"), max_value=D("1e9"), allow_nan=False, allow_infinity=False)


@given(raw, st.sampled_from(["CNY", "JPY", "KWD", "USD"]))
def test_to_money_is_idempotent_and_within_half_a_unit(value, currency):
    once = money.to_money(value, currency)
    assert money.to_money(once, currency) == once
    assert abs(once - value) <= money.quantum(currency) / 2


@given(st.lists(st.tuples(st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2024, 12, 31)), amounts),
                max_size=30))
def test_burn_ends_at_the_total_and_never_goes_down(expenses):
    points = money.burn(expenses)
    assert [d for d, _v in points] == sorted({d for d, _v in expenses})
    assert (points[-1][1] if points else D("0")) == sum((a for _d, a in expenses), D("0"))
    assert all(a[1] <= b[1] for a, b in zip(points, points[1:], strict=False))


@given(approved=amounts, overrides=amounts, forecast=amounts, added=amounts)
def test_spend_check_refuses_exactly_beyond_the_cap(approved, overrides, forecast, added):
    check = money.spend_check(approved=approved, overrides=overrides, forecast=forecast, added=added)
    assert check.allowed == (forecast + added <= approved + overrides)
    assert check.excess == max(forecast + added - approved - overrides, D("0"))
    if check.allowed and approved > 0:
        assert (check.level == Level.WARN) == (forecast + added >= approved * D("0.9"))


@given(approved=amounts, overrides=amounts, forecast=amounts, small=amounts, big=amounts)
def test_spend_check_is_monotonic_in_the_amount_added(approved, overrides, forecast, small, big):
    low, high = sorted([small, big])
    if money.spend_check(approved=approved, overrides=overrides, forecast=forecast, added=high).allowed:
        assert money.spend_check(approved=approved, overrides=overrides, forecast=forecast, added=low).allowed


@given(cost=amounts, invoiced=amounts, actual=amounts)
def test_forecast_never_below_actual_and_open_never_above_cost(cost, invoiced, actual):
    open_ = money.open_commitment(cost, invoiced)
    assert D("0") <= open_ <= cost
    assert money.forecast_at_completion(actual, open_) >= actual


@given(amount=amounts, material_open=st.one_of(st.none(), amounts))
def test_expense_increase_between_zero_and_the_amount(amount, material_open):
    inc = money.expense_increase(amount, material_open)
    assert D("0") <= inc <= amount
    if material_open is not None:
        assert inc == max(amount - material_open, D("0"))


@given(st.lists(st.tuples(st.sampled_from("abc"), amounts, amounts), max_size=12))
def test_roll_up_preserves_totals(rows):
    figures = [(k, Figures(planned=p, approved=p, actual=a)) for k, p, a in rows]
    out = money.roll_up(figures)
    assert sum((f.planned for f in out.values()), D("0")) == sum((p for _k, p, _a in rows), D("0"))
    assert sum((f.actual for f in out.values()), D("0")) == sum((a for _k, _p, a in rows), D("0"))


# ---- resources ----------------------------------------------------------------------------------

TODAY = dt.date(2024, 6, 12)


@pytest.mark.parametrize(("status", "needed_by", "expected"), [
    ("ordered", dt.date(2024, 6, 11), Risk.LATE),
    ("planned", dt.date(2024, 6, 12), Risk.SOON),
    ("requested", dt.date(2024, 6, 15), Risk.SOON),      # within 3 days
    ("ordered", dt.date(2024, 6, 16), None),
    ("received", dt.date(2024, 6, 1), None),
    ("ready", dt.date(2024, 6, 13), None),
    ("planned", None, None),
])
def test_material_risk(status, needed_by, expected):
    assert material_risk(status, needed_by, TODAY) == expected


@pytest.mark.parametrize(("head", "expected"), [
    (b"%PDF-1.7\n", "application/pdf"), (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "image/png"), (b"GIF89a", None), (b"<html>", None), (b"PK\x03\x04", None),
    (b"", None),
])
def test_sniff_receipt_by_magic_bytes(head, expected):
    assert sniff_receipt(head) == expected
