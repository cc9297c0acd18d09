"""Plan export/import endpoints."""

from ninja import Router

router = Router(tags=["plan import/export"])
