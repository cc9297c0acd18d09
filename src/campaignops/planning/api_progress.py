"""Plan progress endpoints."""

from ninja import Router

router = Router(tags=["progress"])
