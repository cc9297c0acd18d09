from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LessonsConfig(AppConfig):
    name = "campaignops.lessons"
    label = "lessons"
    verbose_name = _("Lessons learned")

    def ready(self) -> None:
        from campaignops.planning import hooks

        from .services import lessons_apply_to_template, suggestions_for_rows

        def plan_lessons(*, campaign, tasks, actor) -> None:
            """Rows added from a template or an import get the lessons that concern them."""
            suggestions_for_rows(campaign=campaign, tasks=tasks, actor=actor)

        def template_lessons(*, campaign, template, actor) -> None:
            """A campaign saved as a template takes its lessons along, in the rows they concern."""
            lessons_apply_to_template(campaign=campaign, template=template, actor=actor)

        hooks.on_rows_added(plan_lessons)
        hooks.on_template_saved(template_lessons)
