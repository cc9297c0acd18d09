"""Plan schedule endpoints."""

from ninja import Router

router = Router(tags=["schedule"])
