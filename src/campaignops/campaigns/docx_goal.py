"""The Goal Confirmation as a Word document (.docx), in the user's language, Chinese text included."""

import io
import re

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from campaignops.accounts.models import display_name
from campaignops.core.documents import use_cjk_font

from .kpis import Metric, Unit
from .selectors import GoalDocument

# Characters XML 1.0 cannot hold (python-docx escapes <, > and & itself).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text) -> str:
    return _XML_ILLEGAL.sub("", str(text or ""))


def _fonts(document) -> None:
    use_cjk_font(document)
    document.styles["Normal"].font.size = Pt(10.5)


def _value(target) -> str:
    number = format(target.target_value.normalize(), "f")
    if target.unit == Unit.PERCENT:
        return f"{number}%"
    return number


def _local(moment, campaign) -> str:
    import zoneinfo

    return date_format(moment.astimezone(zoneinfo.ZoneInfo(campaign.time_zone)), "Y-m-d H:i")


def _table(document, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(_clean(text)).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = _clean(text)


def goal_docx(doc: GoalDocument, smart: dict) -> bytes:
    campaign = doc.campaign
    document = Document()
    _fonts(document)
    title = document.add_heading(_clean(_("Goal Confirmation")), level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(_clean(campaign.name)).alignment = WD_ALIGN_PARAGRAPH.CENTER
    period = f"{campaign.start_date:%Y-%m-%d} ~ {campaign.end_date:%Y-%m-%d}"
    _table(document, [_("Type"), _("Period"), _("Lead"), _("Status")],
           [[campaign.get_kind_display(), period, display_name(campaign.lead),
             campaign.get_status_display()]])

    document.add_heading(_clean(_("Goal")), level=1)
    document.add_paragraph(_clean(campaign.goal_statement or _("No goal statement yet.")))
    verdict = _("SMART check: passes.") if smart["passes"] else _("SMART check: needs work.")
    document.add_paragraph(_clean(verdict)).runs[0].italic = True
    for finding in smart["findings"]:
        document.add_paragraph(_clean(f"{finding['letter']} · {finding['message']}"), style="List Bullet")
    if smart["wording_gaps"]:
        document.add_paragraph(_clean(_("The KPI targets cover these, but the goal sentence itself does not:")))
        for finding in smart["wording_gaps"]:
            document.add_paragraph(_clean(f"{finding['letter']} · {finding['message']}"), style="List Bullet")
    if smart["rewrite"]:
        document.add_paragraph(_clean(_("Suggested wording: %(text)s") % {"text": smart["rewrite"]}))

    document.add_heading(_clean(_("KPI targets")), level=1)
    _table(document, [_("Metric"), _("Label"), _("Channel"), _("Target"), _("Direction"), _("Due date")],
           [[Metric(t.metric).label if t.metric in Metric.values else t.metric, t.label,
             t.channel.name if t.channel_id else _("All channels"), _value(t), t.get_direction_display(),
             f"{t.due_date:%Y-%m-%d}" if t.due_date else ""] for t in doc.targets])

    document.add_heading(_clean(_("Scope")), level=1)
    online = ", ".join(c.name for c in doc.channels if c.online) or "—"
    offline = ", ".join(c.name for c in doc.channels if not c.online) or "—"
    ages = "—"
    if campaign.audience_age_min is not None or campaign.audience_age_max is not None:
        ages = f"{campaign.audience_age_min or ''}–{campaign.audience_age_max or ''}"
    _table(document, [_("Scope"), _("Value")], [
        [_("Online channels"), online], [_("Offline channels"), offline], [_("Audience age"), ages],
        [_("Audience regions"), campaign.audience_regions or "—"],
        [_("Audience consumption habits"), campaign.audience_habits or "—"]])

    document.add_heading(_clean(_("Signatures")), level=1)
    rows = []
    for row in doc.signers:
        sig = row.signature
        rows.append([row.name, row.department, _local(sig.signed_at, campaign) if sig else _("Not signed yet"),
                     sig.fingerprint[:16] if sig else ""])
    _table(document, [_("Signer"), _("Department"), _("Signed at"), _("Fingerprint")], rows)
    document.add_paragraph(_clean(_("Fingerprint of this content (SHA-256): %(fingerprint)s")
                                  % {"fingerprint": doc.fingerprint}))
    if doc.history:
        document.add_heading(_clean(_("Voided signatures")), level=2)
        _table(document, [_("Signer"), _("Signed at"), _("Voided at"), _("Reason")],
               [[s.signer_name, _local(s.signed_at, campaign),
                 _local(s.voided_at, campaign) if s.voided_at else "",
                 " ".join(filter(None, [s.get_void_reason_display(), s.void_detail]))] for s in doc.history])
    footer = _("Exported %(when)s") % {"when": _local(timezone.now(), campaign)}
    document.sections[0].footer.paragraphs[0].text = _clean(footer)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
