from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "campaignops.risks"
    label = "risks"
    verbose_name = _("Risks, issues and adjustments")

    def ready(self) -> None:
        from campaignops.planning import hooks

        from .services import risks_from_plan

        def plan_risks(*, campaign, tasks, actor) -> None:
            """The risk plans of rows added from a template or an import become risks."""
            risks_from_plan(campaign=campaign, actor=actor, tasks=tasks)

        hooks.on_rows_added(plan_risks)
