"""Numbers on the dashboard: grouped thousands, two decimals for rates and money, a dash for nothing."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def num(value, places=None):
    """1234567 → "1,234,567"; 4.5 → "4.50" (or `places` decimals); None → "—"."""
    if value is None or value == "":
        return "—"
    value = Decimal(value)
    if places is None:
        places = 0 if value == value.to_integral_value() else 2
    # Grouped by thousands with a comma in both languages (Chinese reports write 433,500 too).
    return f"{value.quantize(Decimal(1).scaleb(-int(places))):,.{int(places)}f}"


@register.filter
def pct(value):
    """A percentage with one decimal and a % sign (— for none)."""
    return "—" if value is None else f"{num(value, 1)} %"


@register.filter
def bar(value):
    """A percentage for a <progress> bar, capped to 0–100."""
    if value is None:
        return 0
    return max(0, min(100, int(Decimal(value))))
