"""The stand-up's task lines as HTML, built in Python like the plan's rows (`planning/views/rows.py`):
a 500-task campaign lists hundreds of them and the template engine spends about ten times longer
on each. Every value is escaped here; the markup matches `templates/risks/standup.html`."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext


@dataclass(frozen=True)
class LineTexts:
    """The lines' fixed words in the current language (escaped once per response)."""

    marked_delayed: str
    new: str
    statuses: dict[str, str]

    @classmethod
    def current(cls, statuses: dict[str, str]) -> LineTexts:
        return cls(escape(_("marked delayed")), escape(pgettext("stand-up: a task created since the last stand-up", "new")),
                   {k: escape(v) for k, v in statuses.items()})


def _main(t, texts: LineTexts) -> str:
    return (f'<a class="su-title" href="{t.plan_url}">{escape(t.title)}</a> '
            f'<span class="badge status-{t.status}">{texts.statuses.get(t.status, escape(t.status))}</span> '
            f'<span class="su-meta">{escape(t.phase.name)} · {escape(t.owner_label or "—")} · '
            f'{t.start_date:%m-%d} ~ {t.end_date:%m-%d}</span>')


def task_line(t, texts: LineTexts) -> SafeString:
    return mark_safe(f'<li class="su-item" data-task="{t.pk}">{_main(t, texts)}</li>')


def overdue_line(t, texts: LineTexts) -> SafeString:
    late = (escape(ngettext("%(days)s day late", "%(days)s days late", t.days_late) % {"days": t.days_late})
            if t.days_late else texts.marked_delayed)
    return mark_safe(f'<li class="su-item" data-task="{t.pk}">{_main(t, texts)} <span class="su-late">{late}</span></li>')


def _update(u, texts: LineTexts) -> str:
    status = texts.statuses.get(u.status, escape(u.status))
    if u.automatic:
        text = escape(_("Automatically marked %(status)s") % {"status": texts.statuses.get(u.status, u.status)})
        return f'<div class="su-update small"><i class="bi bi-robot" aria-hidden="true"></i> {text}</div>'
    from campaignops.accounts.models import display_name

    note = f" — {escape(u.note)}" if u.note else ""
    return (f'<div class="su-update small"><i class="bi bi-chat-left-text" aria-hidden="true"></i> '
            f'{escape(display_name(u.author) or "—")}: {status}, {u.percent_complete}%{note}</div>')


def changed_line(t, texts: LineTexts) -> SafeString:
    new = f' <span class="badge text-bg-info">{texts.new}</span>' if t.is_new else ""
    updates = "".join(_update(u, texts) for u in t.updates)
    return mark_safe(f'<li class="su-item" data-task="{t.pk}">{_main(t, texts)}{new}{updates}</li>')


def joined(parts) -> SafeString:
    """Lines already escaped, as one piece of HTML (one template variable instead of hundreds)."""
    return mark_safe("".join(parts))
