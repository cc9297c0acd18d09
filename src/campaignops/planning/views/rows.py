"""One task row of the plan table as HTML.

Built in Python like the admin's change-list rows (`django.contrib.admin.templatetags.admin_list.
items_for_result`): the plan page draws hundreds of rows and the template engine spends about
100 µs on each, this function about 20 µs. The columns follow the table head in
`templates/planning/plan.html` (phase · time window · owner · core task · completion standard ·
resource needs · risk plan · notes · status · channel · deliverables · actions); every value is
escaped here. The same function draws the row of the full page and of the htmx fragments.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowTexts:
    """The row's fixed words in the current language, escaped once per response."""

    not_user: str
    edit: str
    more: str

    @classmethod
    def current(cls) -> RowTexts:
        return cls(escape(_("Not a user yet")), escape(_("Edit")), escape(_("More")))


def _owner(t, texts: RowTexts) -> str:
    if t.owner_id:
        return escape(t.owner_label)
    if t.owner_name:
        return (f'<span class="owner-unmatched" title="{texts.not_user}">{escape(t.owner_name)}'
                f'<i class="bi bi-person-exclamation" aria-label="{texts.not_user}"></i></span>')
    return ""


def _status(t, editable: bool) -> str:
    status, label = escape(t.status), escape(t.status_label)
    if editable:
        return f'<button type="button" class="badge st st-{status} js-st" aria-haspopup="menu">{label}</button>'
    return f'<span class="badge st st-{status}">{label}</span>'


def _actions(t, texts: RowTexts) -> str:
    return (f'<td class="c-act"><a class="btn-icon js-edit" href="{t.url}edit/" title="{texts.edit}">'
            f'<i class="bi bi-pencil"></i></a><button type="button" class="btn-icon js-more" title="{texts.more}" '
            f'aria-haspopup="menu"><i class="bi bi-three-dots-vertical"></i></button></td>')


def row_html(t, *, editable: bool, texts: RowTexts) -> SafeString:
    """The `<tr>` of task `t` (labelled by `Lookups.label`: owner_label, status_label,
    channel_label, progress, url). Editors get the edit affordances and the row's URL and version
    for plan.js; viewers get none of them."""
    data = f' data-u="{t.url}" data-v="{t.version}"' if editable else ""
    deliverables = (f'<span class="deliv">{t.progress}</span> ' if t.progress else "") + escape(t.deliverable)
    return mark_safe(
        f'<tr id="t{t.pk}" class="task-row"{data}>'
        f'<td class="c-phase">{escape(t.phase.name)}</td>'
        f'<td class="c-when" data-f="start_date"><span>{t.start_date.isoformat()}</span> '
        f'<span>~ {t.end_date.isoformat()}</span></td>'
        f'<td class="c-owner" data-f="owner">{_owner(t, texts)}</td>'
        f'<td class="c-title" data-f="title">{escape(t.title)}</td>'
        f'<td class="c-text" data-f="completion_standard">{escape(t.completion_standard)}</td>'
        f'<td class="c-text" data-f="resource_needs">{escape(t.resource_needs)}</td>'
        f'<td class="c-text" data-f="risk_plan">{escape(t.risk_plan)}</td>'
        f'<td class="c-text" data-f="notes">{escape(t.notes)}</td>'
        f'<td class="c-status">{_status(t, editable)}</td>'
        f'<td class="c-channel" data-f="channel">{escape(t.channel_label)}</td>'
        f'<td class="c-deliv" data-f="deliverables_done">{deliverables}</td>'
        f'{_actions(t, texts) if editable else ""}</tr>\n'
    )
