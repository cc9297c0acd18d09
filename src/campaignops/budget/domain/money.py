"""Money and budget arithmetic, pure Python (no Django): amounts are `Decimal`, quantised to the
currency's minor unit with half-up rounding (the rule Chinese invoices (发票) and most ledgers use).

Definitions used everywhere in the budget app:

- planned: a line's amount in the working budget (the draft being edited);
- approved: the line's amount in the last approved revision (the one in force); a line never
  approved has none, and nothing may be ordered or spent on it;
- cap: approved + the overrides Finance recorded on the line;
- committed: the cost of materials ordered (or received / ready); "open" committed is the part
  not yet invoiced, i.e. cost minus the expenses recorded against that material (never below 0);
- actual: the sum of the expenses recorded;
- forecast at completion (EAC): actual + open committed. A commitment is money the campaign will pay,
  an expense is money paid, and an expense booked against a material replaces (part of) that
  material's commitment instead of adding to it. No run-rate extrapolation: campaign spend is lumpy
  (venue, KOL fees) and a run-rate would mislead more than it helps;
- the spend check compares the forecast after a new commitment or expense with the line: at or
  above 90 % of the approved amount it warns, above the cap it refuses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum

# ISO 4217 minor units of the currencies a campaign is likely to use; others default to 2.
MINOR_UNITS: dict[str, int] = {
    "CNY": 2, "HKD": 2, "TWD": 2, "USD": 2, "EUR": 2, "GBP": 2, "SGD": 2, "AUD": 2, "CAD": 2, "CHF": 2,
    "MOP": 2, "MYR": 2, "THB": 2, "INR": 2, "JPY": 0, "KRW": 0, "VND": 0, "IDR": 2, "KWD": 3, "BHD": 3,
}
ZERO = Decimal(0)
WARN_RATIO = Decimal("0.9")


class MoneyError(ValueError):
    """An amount that is not a finite number."""


def minor_units(currency: str) -> int:
    return MINOR_UNITS.get((currency or "").upper(), 2)


def quantum(currency: str) -> Decimal:
    """The smallest amount of the currency: Decimal('0.01') for CNY, Decimal('1') for JPY."""
    return Decimal(1).scaleb(-minor_units(currency))


def to_money(value: Decimal | int | str, currency: str) -> Decimal:
    """`value` as a Decimal rounded half-up to the currency's minor unit (floats are refused:
    they carry binary rounding errors into the ledger)."""
    if isinstance(value, float):
        raise MoneyError("float amounts are not accepted; pass a Decimal or a string")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(value)
    except (InvalidOperation, TypeError) as exc:
        raise MoneyError(f"not an amount: {value!r}") from exc
    if not amount.is_finite():
        raise MoneyError(f"not a finite amount: {value!r}")
    return amount.quantize(quantum(currency), rounding=ROUND_HALF_UP)


def line_cost(quantity: Decimal, unit_cost: Decimal, currency: str) -> Decimal:
    """quantity × unit cost, rounded once at the end (never per unit)."""
    return to_money(quantity * unit_cost, currency)


def total(amounts: Iterable[Decimal], currency: str) -> Decimal:
    return to_money(sum(amounts, ZERO), currency)


def open_commitment(cost: Decimal, invoiced: Decimal) -> Decimal:
    """What an ordered material will still cost: its cost minus the expenses booked on it (≥ 0)."""
    return max(cost - invoiced, ZERO)


def forecast_at_completion(actual: Decimal, open_committed: Decimal) -> Decimal:
    """EAC = actual + committed not yet invoiced (see the module docstring)."""
    return actual + open_committed


def ratio(part: Decimal, whole: Decimal | None) -> Decimal | None:
    """part ÷ whole, None when there is no whole (0 or never approved)."""
    if whole is None or whole <= 0:
        return None
    return part / whole


def percent(part: Decimal, whole: Decimal | None) -> int | None:
    """part as a whole percentage of `whole` (half-up), None when there is no whole."""
    r = ratio(part, whole)
    return None if r is None else int((r * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Variance:
    """Plan against forecast: positive `amount` = under plan (money left), negative = over."""

    amount: Decimal
    percent: int | None


def variance(planned: Decimal, forecast: Decimal) -> Variance:
    return Variance(amount=planned - forecast, percent=percent(planned - forecast, planned))


class Level(StrEnum):
    OK = "ok"
    WARN = "warn"          # at or above 90 % of the approved amount
    REFUSE = "refuse"      # beyond the cap (approved + overrides)
    UNAPPROVED = "unapproved"


@dataclass(frozen=True)
class SpendCheck:
    level: Level
    approved: Decimal | None
    cap: Decimal | None
    before: Decimal           # forecast of the line before the new spend
    after: Decimal            # forecast of the line with it
    excess: Decimal           # how much `after` exceeds the cap (0 when within)

    @property
    def allowed(self) -> bool:
        return self.level in (Level.OK, Level.WARN)


def spend_check(*, approved: Decimal | None, overrides: Decimal, forecast: Decimal, added: Decimal) -> SpendCheck:
    """May a line take `added` more (a new order, or the uninvoiced part of an expense)?

    Refused when the line was never approved, or when forecast + added would exceed approved +
    overrides; a warning from 90 % of the approved amount on. Reaching exactly 100 % is allowed."""
    after = forecast + added
    if approved is None:
        return SpendCheck(Level.UNAPPROVED, None, None, forecast, after, max(after, ZERO))
    cap = approved + overrides
    if after > cap:
        return SpendCheck(Level.REFUSE, approved, cap, forecast, after, after - cap)
    level = Level.WARN if approved > 0 and after >= approved * WARN_RATIO else Level.OK
    if approved == 0 and after > 0:
        level = Level.WARN
    return SpendCheck(level, approved, cap, forecast, after, ZERO)


def expense_increase(amount: Decimal, material_open: Decimal | None) -> Decimal:
    """How much an expense raises its line's forecast: booked against an ordered material it first
    consumes that material's open commitment; otherwise all of it is new."""
    if material_open is None:
        return amount
    return max(amount - material_open, ZERO)


def burn(expenses: Iterable[tuple[dt.date, Decimal]]) -> list[tuple[dt.date, Decimal]]:
    """Cumulative actual spend by date: one point per date that has expenses, sorted."""
    per_day: dict[dt.date, Decimal] = {}
    for day, amount in expenses:
        per_day[day] = per_day.get(day, ZERO) + amount
    running, out = ZERO, []
    for day in sorted(per_day):
        running += per_day[day]
        out.append((day, running))
    return out


@dataclass(frozen=True)
class Figures:
    """One line's (or one category's, or the whole budget's) numbers."""

    planned: Decimal = ZERO
    approved: Decimal | None = None
    overrides: Decimal = ZERO
    committed: Decimal = ZERO        # all ordered materials, invoiced or not
    open_committed: Decimal = ZERO
    actual: Decimal = ZERO

    @property
    def forecast(self) -> Decimal:
        return forecast_at_completion(self.actual, self.open_committed)

    @property
    def cap(self) -> Decimal | None:
        return None if self.approved is None else self.approved + self.overrides

    @property
    def used_percent(self) -> int | None:
        """Forecast as a percentage of the approved amount."""
        return percent(self.forecast, self.approved)

    @property
    def variance(self) -> Variance:
        return variance(self.approved if self.approved is not None else self.planned, self.forecast)

    @property
    def level(self) -> Level:
        if self.approved is None:
            return Level.UNAPPROVED
        check = spend_check(approved=self.approved, overrides=self.overrides, forecast=self.forecast, added=ZERO)
        return check.level

    def __add__(self, other: Figures) -> Figures:
        approved = (None if self.approved is None and other.approved is None
                    else (self.approved or ZERO) + (other.approved or ZERO))
        return Figures(self.planned + other.planned, approved, self.overrides + other.overrides,
                       self.committed + other.committed, self.open_committed + other.open_committed,
                       self.actual + other.actual)


def roll_up(items: Iterable[tuple[str, Figures]]) -> dict[str, Figures]:
    """Figures summed per key (e.g. per category), keys in first-seen order."""
    out: dict[str, Figures] = {}
    for key, figures in items:
        out[key] = out[key] + figures if key in out else figures
    return out
