"""Plan endpoints (phases, tasks, templates, plan export/import)."""

from ninja import Router

router = Router(tags=["plan"])
