"""Campaign endpoints (campaigns CRUD, scope, KPI targets, members)."""

from ninja import Router

router = Router(tags=["campaigns"])
