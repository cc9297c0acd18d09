"""The zh-Hans catalogue is complete, compiled, up to date, and pages read fully in Chinese."""

import gettext
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.PACKAGE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt, msgid, msgstr(s), flags (small parser, enough for checks)."""
    entries, cur, key = [], None, None
    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if cur is not None:
                entries.append(cur)
            cur, key = None, None
            continue
        if cur is None:
            cur = {"flags": "", "msgctxt": None, "msgid": "", "msgstr": []}
        if line.startswith("#,"):
            cur["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith(("msgctxt", "msgid_plural", "msgid", "msgstr")):
            head, _, rest = line.partition(" ")
            value = eval(rest)  # a quoted C-like string literal
            if head.startswith("msgstr"):
                cur["msgstr"].append(value)
                key = ("msgstr", len(cur["msgstr"]) - 1)
            elif head == "msgid_plural":
                cur["plural"] = value
                key = ("plural", None)
            else:
                cur[head] = value
                key = (head, None)
        elif line.startswith('"'):
            value = eval(line)
            if key[0] == "msgstr":
                cur["msgstr"][key[1]] += value
            else:
                cur[key[0]] += value
    return [e for e in entries if e["msgid"] or e["msgctxt"]]


def test_catalogue_has_no_gaps_and_no_fuzzy_entries():
    entries = parse_po(LOCALE / "django.po")
    assert len(entries) > 500
    gaps = [e["msgid"] for e in entries if not all(e["msgstr"]) or "fuzzy" in e["flags"]]
    assert gaps == []


def test_compiled_catalogue_matches_the_po_file():
    with open(LOCALE / "django.mo", "rb") as fh:
        mo = gettext.GNUTranslations(fh)
    for e in parse_po(LOCALE / "django.po"):
        if "plural" in e:
            continue
        key = f"{e['msgctxt']}\x04{e['msgid']}" if e["msgctxt"] else e["msgid"]
        assert mo._catalog.get(key) == e["msgstr"][0], e["msgid"]


def test_catalogue_is_up_to_date_with_the_source(tmp_path):
    """Every translatable string in the code is in the catalogue (run `make messages` when this fails)."""
    src = Path(settings.PACKAGE_DIR)
    copy = tmp_path / "campaignops"
    shutil.copytree(src, copy, ignore=shutil.ignore_patterns("tests", "static", "__pycache__", "*.mo", "bench"))
    (copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po").unlink()
    subprocess.run([str(Path(settings.BASE_DIR) / ".venv" / "bin" / "campaignops"), "makemessages", "-l", "zh_Hans",
                    "--no-location", "-i", "conftest.py"], cwd=copy, check=True, capture_output=True)
    fresh = {(e["msgctxt"], e["msgid"]) for e in parse_po(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")}
    committed = {(e["msgctxt"], e["msgid"]) for e in parse_po(LOCALE / "django.po")}
    assert sorted(fresh - committed, key=str) == []


class _Text(HTMLParser):
    """Visible text and user-facing attributes of a page (scripts, styles and JSON data excluded)."""

    def __init__(self):
        super().__init__()
        self.skip, self.out = 0, []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code", "pre"):
            self.skip += 1
        for name, value in attrs:
            if name in ("title", "placeholder", "aria-label", "alt", "data-confirm") and value:
                self.out.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code", "pre") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


# Words that stay as they are in a Chinese interface: names, acronyms, file formats.
ALLOWED = {
    "CampaignOps", "English", "KPI", "KPIs", "GMV", "ROAS", "ROI", "NPS", "CTR", "CPC", "CPM", "CVR", "CPA",
    "Excel", "API", "Bearer", "Token", "XLSX", "CSV", "JSON", "OpenAPI", "Meta", "Google", "TikTok", "Asia",
    "Shanghai", "CNY", "UTC", "ClickUp", "Trello", "LibreOffice", "WeCom", "DingTalk", "Feishu", "Swagger",
    "Authorization", "docs", "Docs", "Email", "html", "xlsx", "csv", "KOL", "KOC", "SMART", "Gantt", "PDF", "Word",
    "xls", "ods", "docx", "tsv", "JPEG", "PNG", "SHA-", "UTF-", "Ads", "Total",
    "influencer", "samples", "given",  # a search example and an example metric code (samples_given)
    "AUD", "EUR", "GBP", "HKD", "JPY", "KRW", "MYR", "SGD", "TWD", "USD", "wangfang",
}


def english_words(html: str) -> set[str]:
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.out)
    return {w for w in re.findall(r"[A-Za-z][A-Za-z'’-]{2,}", text) if w not in ALLOWED}


@pytest.mark.django_db
def test_pages_read_fully_in_chinese(client, django_user_model):
    """A campaign made entirely of Chinese data: any English word left on its pages is untranslated UI."""
    import datetime as dt

    from django.urls import get_resolver

    from campaignops.access.tests.test_coverage import GLOBAL_PAGES, build, samples, walk
    from campaignops.accounts.models import Profile
    from campaignops.campaigns.services import channels_ensure_builtin
    from campaignops.planning.models import PlanTemplate
    from campaignops.planning.services import campaign_create_from_template, seed_templates_ensure

    channels_ensure_builtin()
    seed_templates_ensure()
    user = django_user_model.objects.create_user("wangfang", password="x-secret-123", is_staff=True)
    Profile.objects.create(user=user, display_name="王芳", language="zh-hans")
    PlanTemplate.objects.filter(language="en").delete()  # data in English is not UI
    campaign = campaign_create_from_template(template=PlanTemplate.objects.get(language="zh-hans"), actor=user,
                                             name="双十一预热", start_date=dt.date(2026, 6, 1))
    campaign.kpi_targets.create(metric="impressions", label="曝光量", target_value=500000, due_date=dt.date(2026, 6, 12))
    client.force_login(user)
    values = samples(campaign)
    leftovers = {}
    pages = [build(route, values) for route, name in walk(get_resolver())
             if name not in {"logout", "set_language", "home"} and "<" not in route.replace("<int:pk>", "")]
    pages += [f"/campaigns/{campaign.pk}/"]
    for url in sorted(set(pages)):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        words = english_words(response.content.decode())
        if words:
            leftovers[url] = sorted(words)
    assert leftovers == {}
    assert GLOBAL_PAGES  # the same URL walk as the access coverage test
