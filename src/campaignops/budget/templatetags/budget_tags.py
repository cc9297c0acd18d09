"""`{% load budget_tags %}`: amounts with thousands separators, people's names, level badges."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def money(value, empty: str = "—") -> str:
    """12000 -> '12,000.00' (two decimals, grouped); None -> '—'."""
    if value is None or value == "":
        return empty
    return f"{Decimal(value):,.2f}"


@register.filter
def person(user, empty: str = "—") -> str:
    from campaignops.accounts.models import display_name

    return display_name(user) if user is not None else empty


@register.filter
def category_label(code: str) -> str:
    """A budget category code in the user's language."""
    from ..models import BudgetCategory

    return str(dict(BudgetCategory.choices).get(code, code))
