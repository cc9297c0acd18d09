"""Risks, contingencies, issues, strategy adjustments and stand-up endpoints."""

from ninja import Router

router = Router(tags=["risks"])
