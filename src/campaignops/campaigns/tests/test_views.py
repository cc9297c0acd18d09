"""Campaign pages: exact content, pinned query counts, access (404 / 403), htmx fragments, conflicts."""

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model

from campaignops.campaigns.models import Campaign, Channel, KpiTarget, Membership
from campaignops.core.models import AuditEntry
from campaignops.planning.models import Phase, PlanTemplate, Task
from campaignops.planning.services import campaign_create_from_template

HX = {"HTTP_HX_REQUEST": "true"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Rows(HTMLParser):
    """Text of every table row (cell by cell) inside the element with a given id."""

    def __init__(self, within: str | None):
        super().__init__()
        self.within, self.stack, self.inside_at = within, [], None
        self.rows, self.row, self.cell = [], None, None

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        self.stack.append(tag)
        if self.inside_at is None and (self.within is None or dict(attrs).get("id") == self.within):
            self.inside_at = len(self.stack)
        if self.inside_at is None:
            return
        if tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in VOID or not self.stack:
            return
        if self.inside_at is not None:
            if tag in ("td", "th") and self.cell is not None and self.row is not None:
                self.row.append(" ".join("".join(self.cell).split()))
                self.cell = None
            elif tag == "tr" and self.row is not None:
                self.rows.append(self.row)
                self.row = None
        if self.inside_at == len(self.stack):
            self.inside_at = None
        self.stack.pop()

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def rows(response, within: str | None = None) -> list[list[str]]:
    parser = _Rows(within)
    parser.feed(response.content.decode())
    return [r for r in parser.rows if r]


def text(response) -> str:
    body = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(body.split())


# ---- list -----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_list_shows_the_demo_with_its_figures(demo, client_as):
    response = client_as("lead").get("/campaigns/")
    assert response.status_code == 200
    assert rows(response, "campaign-results")[1:] == [[
        demo.name, "Product launch", "2024-06-01 ~ 2024-06-30 30 days", "Draft", "王芳 Wang Fang", "0% 0/5",
        "Xiaohongshu Douyin Pop-up store",
    ]]
    assert f'href="/campaigns/{demo.pk}/"' in response.content.decode()
    assert 'href="/campaigns/new/"' in response.content.decode()


@pytest.mark.django_db
def test_list_filters_by_status_and_search_and_answers_htmx_with_the_fragment(demo, users, client_as):
    lead = client_as("lead")
    campaign_create_from_template(template=PlanTemplate.objects.get(language="en"), actor=users["lead"],
                                  name="Autumn tea launch", start_date=dt.date(2026, 9, 1), status="running")
    names = lambda r: re.findall(r'campaign-name-cell"><a [^>]+>([^<]+)</a>', r.content.decode())  # noqa: E731
    assert names(lead.get("/campaigns/")) == ["Autumn tea launch", demo.name]
    assert names(lead.get("/campaigns/?status=running")) == ["Autumn tea launch"]
    assert names(lead.get("/campaigns/?q=TEA")) == ["Autumn tea launch"]
    assert names(lead.get("/campaigns/?q=summer")) == ["Autumn tea launch", demo.name]  # the theme matches too
    assert names(lead.get("/campaigns/?q=夏日")) == [demo.name]
    empty = lead.get("/campaigns/?status=closed")
    assert "No campaign matches these filters." in text(empty)
    fragment = lead.get("/campaigns/?status=running", **HX)
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="campaign-results">') and "<html" not in body
    assert names(fragment) == ["Autumn tea launch"]
    status_buttons = text(lead.get("/campaigns/"))
    assert "All 2 Draft 1 Confirmed 0 Running 1 Reviewing 0 Closed 0" in status_buttons


@pytest.mark.django_db
def test_list_shows_only_visible_campaigns_and_explains_the_empty_state(demo, client_as):
    response = client_as("outsider").get("/campaigns/")
    assert demo.name not in response.content.decode()
    assert "You are not on any campaign yet" in text(response)
    assert 'href="/campaigns/new/"' in response.content.decode()


def _grow(users, n: int) -> None:
    """More campaigns (each with 5 phases and tasks) and more tasks on each."""
    template = PlanTemplate.objects.get(language="en")
    for i in range(n):
        c = campaign_create_from_template(template=template, actor=users["lead"], name=f"Grown {i}",
                                          start_date=dt.date(2026, 3, 2) + dt.timedelta(days=7 * i))
        c.channels.set(Channel.objects.filter(code__in=["douyin", "weibo", "offline-store"]))
        Membership.objects.create(campaign=c, user=users["viewer"], role="viewer")
        phase = c.phases.first()
        for j in range(3):
            Task.objects.create(campaign=c, phase=phase, title=f"extra {j}", start_date=phase.start_date,
                                end_date=phase.end_date, status="done")


LIST_QUERIES = 5  # session, user, campaigns with counts and lead, their channels, status counts


@pytest.mark.django_db
def test_list_query_count_is_pinned_and_constant(demo, users, client_as, django_assert_num_queries):
    lead = client_as("lead")
    lead.get("/campaigns/")  # the profile language middleware caches nothing: warm nothing up
    with django_assert_num_queries(LIST_QUERIES + 1):  # + the profile's language (no cookie)
        lead.get("/campaigns/")
    _grow(users, 4)
    with django_assert_num_queries(LIST_QUERIES + 1):
        response = lead.get("/campaigns/")
    assert len(rows(response, "campaign-results")) == 1 + 5
    assert ["Grown 3 Summer Cool Season new product experience day", "Product launch", "2026-03-23 ~ 2026-04-17 26 days", "Draft", "王芳 Wang Fang",
            "38% 3/8", "Douyin Weibo Offline store"] in rows(response, "campaign-results")


# ---- overview -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_overview_shows_the_demo_goal_targets_scope_team_phases_and_progress(demo, client_as):
    response = client_as("lead").get(f"/campaigns/{demo.pk}/")
    assert response.status_code == 200
    page = text(response)
    assert "3天内通过小红书种草+抖音直播，实现新品A曝光量50万+、线上预售转化率5%" in page
    assert rows(response, "kpis") == [
        ["Metric", "Label", "Channel", "Target", "Unit", "Direction", "Due", "Actions"],
        ["Impressions", "曝光量 / exposures", "All", "500,000", "count", "Higher is better", "2024-06-17",
         "Edit 曝光量 / exposures Delete 曝光量 / exposures"],
        ["Conversion rate", "线上预售转化率 / online pre-sale conversion", "All", "5", "%", "Higher is better",
         "2024-06-17", "Edit 线上预售转化率 / online pre-sale conversion Delete 线上预售转化率 / online pre-sale conversion"],
        ["Live-stream views", "直播观看 / live views", "Douyin", "100,000", "count", "Higher is better", "2024-06-17",
         "Edit 直播观看 / live views Delete 直播观看 / live views"],
        ["Store visitors", "门店到访 / store visitors", "Pop-up store", "500", "count", "Higher is better",
         "2024-06-17", "Edit 门店到访 / store visitors Delete 门店到访 / store visitors"],
        ["Reviews collected", "评价 / reviews", "All", "200", "count", "Higher is better", "2024-06-23",
         "Edit 评价 / reviews Delete 评价 / reviews"],
        ["Complaint rate", "投诉率 / complaint rate", "All", "1", "%", "Lower is better", "2024-06-23",
         "Edit 投诉率 / complaint rate Delete 投诉率 / complaint rate"],
    ]
    assert ("Lead 王芳 Wang Fang · Marketing Head Planning group 张伟 Zhang Wei · Product Head "
            "Execution group 李明 Li Ming · Sales Head Logistics group 赵六 · Logistics Head "
            "Finance 陈静 Chen Jing · Finance Head Viewer 孙丽 Sun Li · Other") in page
    assert "6 members" in page
    assert ("筹备期 2024-06-01 ~ 06-07 5 working days 预热期（线上） 2024-06-08 ~ 06-14 4 working days "
            "爆发期（直播+线下） 2024-06-15 ~ 06-17 1 working day 收尾期 2024-06-18 ~ 06-23 4 working days "
            "复盘期 2024-06-24 ~ 06-30 5 working days") in page
    assert "The period is over" in page
    assert "Online channels Xiaohongshu Douyin Offline channels Pop-up store" in page
    assert "Audience age 18–35 years" in page
    assert "Period 2024-06-01 ~ 06-30 30 days, 19 working days" in page
    assert "0 of 5 tasks done" in page and "5 overdue" in page
    assert "Not started 5 In progress 0 Done 0 Delayed 0 Blocked 0 Cancelled 0" in page
    html = response.content.decode()
    assert f'href="/campaigns/{demo.pk}/plan/"' in html
    assert f'href="/campaigns/{demo.pk}/members/"' in html and f'href="/campaigns/{demo.pk}/settings/"' in html


@pytest.mark.django_db
def test_overview_marks_the_current_phase_and_lays_the_strip_out_proportionally(users, client_as, monkeypatch):
    from campaignops.campaigns import presenters

    c = campaign_create_from_template(template=PlanTemplate.objects.get(language="en"), actor=users["lead"],
                                      name="June", start_date=dt.date(2026, 6, 1))
    monkeypatch.setattr(presenters, "local_today", lambda campaign: dt.date(2026, 6, 9))
    response = client_as("lead").get(f"/campaigns/{c.pk}/")
    html = response.content.decode()
    # 26 days (06-01..06-26): warm-up starts on day 8 and lasts 4 days.
    assert re.search(r'class="phase-seg phase-kind-warm_up phase-state-current" x="26.923" y="0" width="15.385"', html)
    assert re.search(r'class="phase-seg phase-kind-preparation phase-state-past" x="0.000" y="0" width="19.231"', html)
    assert 'class="phase-today" x="32.692"' in html
    assert "Now: Warm-up (online)" in text(response)
    assert re.search(r'is-current" aria-current="step">.*?Warm-up \(online\)', html, re.S)


OVERVIEW_QUERIES = 11  # session, user, profile, campaign, role, channels, targets, members, overrides, phases, tasks


@pytest.mark.django_db
def test_overview_query_count_is_pinned_and_constant(demo, users, client_as, django_assert_num_queries):
    lead = client_as("lead")
    with django_assert_num_queries(OVERVIEW_QUERIES):
        lead.get(f"/campaigns/{demo.pk}/")
    phase = demo.phases.first()
    for i in range(30):
        Task.objects.create(campaign=demo, phase=phase, title=f"t{i}", start_date=phase.start_date,
                            end_date=phase.end_date, status="done" if i % 2 else "in_progress")
    for i in range(10):
        KpiTarget.objects.create(campaign=demo, metric="clicks", target_value=i, unit="count")
    with django_assert_num_queries(OVERVIEW_QUERIES):
        response = lead.get(f"/campaigns/{demo.pk}/")
    assert "15 of 35 tasks done" in text(response)
    assert len(rows(response, "kpis")) == 1 + 16


@pytest.mark.django_db
def test_viewer_sees_no_write_controls_and_the_lead_does(demo, client_as):
    viewer = client_as("viewer").get(f"/campaigns/{demo.pk}/").content.decode()
    lead = client_as("lead").get(f"/campaigns/{demo.pk}/").content.decode()
    for marker in (f"/campaigns/{demo.pk}/kpis/new/", f"/campaigns/{demo.pk}/settings/", "kpis/", "Add target"):
        assert marker in lead
    for marker in (f"/campaigns/{demo.pk}/kpis/new/", f"/campaigns/{demo.pk}/settings/", "/edit/", "Add target"):
        assert marker not in viewer
    members = client_as("viewer").get(f"/campaigns/{demo.pk}/members/").content.decode()
    assert "members/add/" not in members and 'name="role"' not in members and "/remove/" not in members


# ---- access ---------------------------------------------------------------------------------------

def _urls(demo) -> list[tuple[str, str]]:
    """(URL, write method) of every campaign-scoped page and fragment."""
    pk = demo.pk
    target = demo.kpi_targets.order_by("id").first().pk
    member = demo.memberships.get(user__username="sales").pk
    return [
        (f"/campaigns/{pk}/", None), (f"/campaigns/{pk}/kpis/", None), (f"/campaigns/{pk}/members/", None),
        (f"/campaigns/{pk}/settings/", "post"), (f"/campaigns/{pk}/settings/channels/", "post"),
        (f"/campaigns/{pk}/settings/template/", "post"), (f"/campaigns/{pk}/delete/", "post"),
        (f"/campaigns/{pk}/kpis/new/", "post"), (f"/campaigns/{pk}/kpis/{target}/edit/", "post"),
        (f"/campaigns/{pk}/kpis/{target}/delete/", "post"), (f"/campaigns/{pk}/members/add/", "post"),
        (f"/campaigns/{pk}/members/{member}/", "post"), (f"/campaigns/{pk}/members/{member}/remove/", "post"),
    ]


def _snapshot(demo):
    demo.refresh_from_db()
    return (AuditEntry.objects.count(), Campaign.objects.count(), demo.version, KpiTarget.objects.count(),
            Membership.objects.count(), Channel.objects.count(), PlanTemplate.objects.count(),
            list(Membership.objects.order_by("id").values_list("role", "department", "is_department_head")))


@pytest.mark.django_db
def test_non_member_gets_404_on_every_campaign_url_and_fragment(demo, client_as):
    outsider = client_as("outsider")
    before = _snapshot(demo)
    data = {"name": "x", "username": "product", "role": "viewer", "metric": "clicks", "target_value": "1",
            "unit": "count", "direction": "higher", "template_name": "x", "new_channel_name": "x"}
    for url, _method in _urls(demo):
        assert outsider.get(url).status_code == 404, url
        assert outsider.get(url, **HX).status_code == 404, url
        assert outsider.post(url, data).status_code == 404, url
        assert outsider.post(url, data, **HX).status_code == 404, url
    assert outsider.get("/campaigns/999999/").status_code == 404
    assert _snapshot(demo) == before


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["viewer", "product"])
def test_members_without_manage_get_403_on_every_write_and_nothing_changes(demo, client_as, who):
    client = client_as(who)
    before = _snapshot(demo)
    data = {"name": "x", "username": "outsider", "role": "viewer", "metric": "clicks", "target_value": "1",
            "unit": "count", "direction": "higher", "template_name": "x", "new_channel_name": "x"}
    for url, method in _urls(demo):
        if method is None:
            assert client.get(url).status_code == 200, url
            assert client.post(url, data).status_code == 405, url
        else:
            assert client.post(url, data).status_code == 403, url
            assert client.post(url, data, **HX).status_code == 403, url
    for url in (f"/campaigns/{demo.pk}/settings/", f"/campaigns/{demo.pk}/delete/", f"/campaigns/{demo.pk}/kpis/new/"):
        assert client.get(url).status_code == 403, url
    assert _snapshot(demo) == before


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(demo, client):
    for url in ("/campaigns/", "/campaigns/new/", f"/campaigns/{demo.pk}/", f"/campaigns/{demo.pk}/settings/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url


# ---- create -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_new_campaign_preselects_the_seed_template_in_the_users_language(demo, client_as):
    en = client_as("lead").get("/campaigns/new/").content.decode()
    zh = client_as("lead").get("/campaigns/new/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    en_tpl = PlanTemplate.objects.get(language="en")
    zh_tpl = PlanTemplate.objects.get(language="zh-hans")
    assert f'<option value="{en_tpl.pk}" selected>' in en
    assert f'<option value="{zh_tpl.pk}" selected>' in zh
    assert '<option value="CN" selected>' in en and '<option value="CNY" selected>' in en
    assert 'value="Asia/Shanghai"' in en


@pytest.mark.django_db
def test_create_from_the_seed_template_lays_phases_on_chinese_working_days(demo, users, client_as):
    lead = client_as("lead")
    template = PlanTemplate.objects.get(language="en")
    response = lead.post("/campaigns/new/", {"name": "Summer 2026", "start_date": "2026-06-01",
                                              "template": template.pk, "country": "CN", "currency": "CNY",
                                              "time_zone": "Asia/Shanghai"}, follow=True)
    campaign = Campaign.objects.get(name="Summer 2026")
    assert response.redirect_chain == [(f"/campaigns/{campaign.pk}/", 302)]
    assert list(campaign.phases.order_by("order").values_list("start_date", "end_date")) == [
        (dt.date(2026, 6, 1), dt.date(2026, 6, 5)), (dt.date(2026, 6, 8), dt.date(2026, 6, 11)),
        (dt.date(2026, 6, 12), dt.date(2026, 6, 12)), (dt.date(2026, 6, 15), dt.date(2026, 6, 18)),
        (dt.date(2026, 6, 22), dt.date(2026, 6, 26))]
    assert ("“Summer 2026” is created from “Summer Cool Season launch (seed template)”: 2026-06-01 ~ 06-26, "
            "19 working days (China (mainland) calendar), 5 phases.") in text(response)
    assert (campaign.lead, campaign.kind, campaign.currency) == (users["lead"], "product_launch", "CNY")
    assert list(campaign.memberships.values_list("user__username", "role")) == [("lead", "lead")]


@pytest.mark.django_db
def test_create_says_when_the_holiday_calendar_has_no_data_for_a_year(demo, client_as, monkeypatch):
    from campaignops.planning.domain import workdays

    monkeypatch.setattr(workdays, "covered_until", lambda country: 2026)
    response = client_as("lead").post("/campaigns/new/", {
        "name": "Spring 2027", "start_date": "2027-03-01", "template": "", "end_date": "2027-03-12",
        "kind": "trade_show", "country": "CN", "currency": "CNY", "time_zone": "Asia/Shanghai"}, follow=True)
    page = text(response)
    assert "“Spring 2027” is created: 2027-03-01 ~ 03-12, 10 working days" in page
    assert "The holiday calendar has no data for 2027 yet: only weekends were skipped in those years." in page
    assert Campaign.objects.get(name="Spring 2027").kind == "trade_show"


@pytest.mark.django_db
def test_create_refuses_bad_input_with_messages_by_the_fields_and_writes_nothing(demo, client_as):
    before = (Campaign.objects.count(), AuditEntry.objects.count())
    lead = client_as("lead")
    response = lead.post("/campaigns/new/", {"name": "", "start_date": "2026-06-01", "template": "",
                                              "country": "CN", "currency": "CNY", "time_zone": "Mars/Base"})
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'id="id_name_error">This field is required\.', html)
    assert re.search(r'id="id_end_date_error">A blank campaign needs an end date\.', html)
    assert re.search(r'id="id_time_zone_error">Unknown time zone: use a name such as Asia/Shanghai\.', html)
    response = lead.post("/campaigns/new/", {"name": "X", "start_date": "2026-06-10", "template": "",
                                              "end_date": "2026-06-01", "country": "CN", "currency": "CNY",
                                              "time_zone": "Asia/Shanghai"})
    assert "The end date must be on or after the start date." in text(response)
    assert (Campaign.objects.count(), AuditEntry.objects.count()) == before


# ---- settings -----------------------------------------------------------------------------------

def _settings_data(campaign, **changes) -> dict:
    data = {
        "version": campaign.version, "name": campaign.name, "kind": campaign.kind, "theme": campaign.theme,
        "goal_statement": campaign.goal_statement, "status": campaign.status,
        "start_date": campaign.start_date.isoformat(), "end_date": campaign.end_date.isoformat(),
        "currency": campaign.currency, "time_zone": campaign.time_zone, "country": campaign.country,
        "lead": campaign.lead_id, "channels": [c.pk for c in campaign.channels.all()],
        "audience_age_min": campaign.audience_age_min or "", "audience_age_max": campaign.audience_age_max or "",
        "audience_regions": campaign.audience_regions, "audience_habits": campaign.audience_habits,
        "new_channel_name": "", "new_channel_online": "1",
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_settings_saves_general_fields_period_status_channels_and_audience(demo, users, client_as):
    lead = client_as("lead")
    page = lead.get(f"/campaigns/{demo.pk}/settings/").content.decode()
    assert f'name="version" value="{demo.version}"' in page
    assert 'value="2024-06-01"' in page and '<option value="draft" selected>' in page
    weibo = Channel.objects.get(code="weibo")
    response = lead.post(f"/campaigns/{demo.pk}/settings/", _settings_data(
        demo, status="running", end_date="2024-07-05", channels=[weibo.pk], audience_age_max="40",
        lead=users["sales"].pk, currency="USD"))
    assert response.status_code == 302 and response["Location"] == f"/campaigns/{demo.pk}/settings/"
    demo.refresh_from_db()
    assert (demo.status, demo.end_date, demo.audience_age_max, demo.lead, demo.currency, demo.version) == (
        "running", dt.date(2024, 7, 5), 40, users["sales"], "USD", 2)
    assert list(demo.channels.values_list("code", flat=True)) == ["weibo"]
    audit = AuditEntry.objects.filter(action="campaign.update").get()
    assert audit.changes["status"] == ["draft", "running"] and audit.actor == users["lead"]


@pytest.mark.django_db
def test_settings_refuses_invalid_input_next_to_the_field(demo, client_as):
    lead = client_as("lead")
    response = lead.post(f"/campaigns/{demo.pk}/settings/", _settings_data(
        demo, audience_age_min="40", audience_age_max="20", name=""))
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'id="id_name_error">This field is required\.', html)
    demo.refresh_from_db()
    assert (demo.audience_age_min, demo.version) == (18, 1)


@pytest.mark.django_db
def test_settings_with_a_stale_version_keeps_what_the_user_typed_and_writes_nothing(demo, users, client_as):
    from campaignops.campaigns.services import campaign_update

    lead = client_as("lead")
    stale = _settings_data(demo, name="My new name", status="running")
    campaign_update(campaign=Campaign.objects.get(pk=demo.pk), actor=users["lead"], version=1, theme="Theirs")
    response = lead.post(f"/campaigns/{demo.pk}/settings/", stale)
    assert response.status_code == 409
    page = text(response)
    assert "Someone else saved this campaign while you were editing" in page
    assert "Fields that differ from what is stored now: Name, Theme, Status" in page
    html = response.content.decode()
    assert 'value="My new name"' in html and '<option value="running" selected>' in html
    assert 'name="version" value="2"' in html
    demo.refresh_from_db()
    assert (demo.name, demo.theme, demo.status, demo.version) == (
        "夏日清凉季新品体验日 · Summer Cool Season new product experience day", "Theirs", "draft", 2)
    resubmit = lead.post(f"/campaigns/{demo.pk}/settings/", {**stale, "version": 2})
    assert resubmit.status_code == 302
    demo.refresh_from_db()
    assert (demo.name, demo.status, demo.version) == ("My new name", "running", 3)


@pytest.mark.django_db
def test_custom_channel_is_added_inline_and_ticked_keeping_the_other_ticks(demo, client_as):
    lead = client_as("lead")
    douyin = Channel.objects.get(code="douyin")
    response = lead.post(f"/campaigns/{demo.pk}/settings/channels/",
                         {"channels": [douyin.pk], "new_channel_name": "视频号", "new_channel_online": "1"}, **HX)
    assert response.status_code == 200
    channel = Channel.objects.get(name_zh="视频号")
    assert (channel.code, channel.online, channel.builtin) == ("custom", True, False)
    html = response.content.decode()
    assert html.lstrip().startswith('<fieldset id="channels"')
    checked = set(re.findall(r'value="(\d+)" id="channel-\d+" checked', html))
    assert checked == {str(douyin.pk), str(channel.pk)}
    again = lead.post(f"/campaigns/{demo.pk}/settings/channels/", {"new_channel_name": "视频号"}, **HX)
    assert Channel.objects.filter(name_zh="视频号").count() == 1 and again.status_code == 200
    empty = lead.post(f"/campaigns/{demo.pk}/settings/channels/", {"new_channel_name": " "}, **HX)
    assert "Type the channel&#x27;s name first." in empty.content.decode()
    assert list(demo.channels.values_list("code", flat=True)) == ["xiaohongshu", "douyin", "pop-up"]


@pytest.mark.django_db
def test_a_custom_channel_typed_in_the_settings_is_kept_on_save(demo, client_as):
    lead = client_as("lead")
    response = lead.post(f"/campaigns/{demo.pk}/settings/", _settings_data(
        demo, new_channel_name="Mall atrium", new_channel_online="0"))
    assert response.status_code == 302
    assert list(demo.channels.order_by("sort", "code").values_list("code", "online")) == [
        ("xiaohongshu", True), ("douyin", True), ("pop-up", False), ("custom-mall-atrium", False)]


@pytest.mark.django_db
def test_save_as_template_and_duplicate_name(demo, client_as):
    lead = client_as("lead")
    response = lead.post(f"/campaigns/{demo.pk}/settings/template/", {"template_name": "Summer recipe"}, **HX)
    assert "Saved as the template “Summer recipe”." in text(response)
    template = PlanTemplate.objects.get(name="Summer recipe")
    assert (template.source_campaign_id, template.phases.count(), template.builtin) == (demo.pk, 5, False)
    again = lead.post(f"/campaigns/{demo.pk}/settings/template/", {"template_name": "Summer recipe"}, **HX)
    assert re.search(r'id="id_template_name_error">A template with this name already exists\.',
                     again.content.decode())
    assert PlanTemplate.objects.filter(name="Summer recipe").count() == 1


@pytest.mark.django_db
def test_delete_asks_for_confirmation_then_deletes(demo, client_as):
    lead = client_as("lead")
    page = text(lead.get(f"/campaigns/{demo.pk}/delete/"))
    assert "5 phases 5 tasks 6 KPI targets 6 members" in page
    assert Campaign.objects.filter(pk=demo.pk).exists()
    response = lead.post(f"/campaigns/{demo.pk}/delete/", follow=True)
    assert response.redirect_chain == [("/campaigns/", 302)]
    assert not Campaign.objects.filter(pk=demo.pk).exists()
    assert not Task.objects.filter(campaign_id=demo.pk).exists() and not Phase.objects.filter(campaign_id=demo.pk).exists()
    assert "and its plan are deleted." in text(response)


# ---- KPI targets --------------------------------------------------------------------------------

def _kpi_data(**changes) -> dict:
    data = {"metric": "gmv", "label": "Tmall GMV", "channel": Channel.objects.get(code="tmall").pk,
            "target_value": "1200000", "unit": "money", "direction": "higher", "due_date": "2024-06-30"}
    data.update(changes)
    return data


@pytest.mark.django_db
def test_kpi_target_is_added_in_place_with_htmx(demo, client_as):
    lead = client_as("lead")
    form = lead.get(f"/campaigns/{demo.pk}/kpis/new/", **HX)
    assert form.content.decode().lstrip().startswith('<section id="kpis"') and 'name="metric"' in form.content.decode()
    response = lead.post(f"/campaigns/{demo.pk}/kpis/new/", _kpi_data(), **HX)
    assert response.status_code == 200
    assert rows(response, "kpis")[-1] == ["GMV (revenue)", "Tmall GMV", "Tmall", "1,200,000", "CNY",
                                          "Higher is better", "2024-06-30", "Edit Tmall GMV Delete Tmall GMV"]
    assert "The KPI target is added." in text(response)
    target = demo.kpi_targets.get(label="Tmall GMV")
    assert (target.target_value, target.unit, target.channel.code) == (Decimal("1200000"), "money", "tmall")


@pytest.mark.django_db
def test_kpi_target_validation_messages_sit_next_to_the_fields(demo, client_as):
    lead = client_as("lead")
    before = KpiTarget.objects.count()
    response = lead.post(f"/campaigns/{demo.pk}/kpis/new/", _kpi_data(metric="", target_value="lots"), **HX)
    html = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'id="id_metric_error">This field is required\.', html)
    assert re.search(r'id="id_target_value_error">Enter a number\.', html)
    assert 'value="Tmall GMV"' in html  # what the user typed is kept
    assert KpiTarget.objects.count() == before


@pytest.mark.django_db
def test_kpi_target_edit_and_stale_version(demo, users, client_as):
    from campaignops.campaigns.services import kpi_target_update

    lead = client_as("lead")
    target = demo.kpi_targets.get(metric="impressions")
    form = lead.get(f"/campaigns/{demo.pk}/kpis/{target.pk}/edit/", **HX).content.decode()
    assert 'value="500000"' in form and 'name="version" value="1"' in form
    kpi_target_update(target=KpiTarget.objects.get(pk=target.pk), actor=users["lead"], version=1,
                      target_value=Decimal("600000"))
    stale = lead.post(f"/campaigns/{demo.pk}/kpis/{target.pk}/edit/",
                      _kpi_data(metric="impressions", label="exposures", target_value="700000", version=1), **HX)
    assert "Someone else changed this target while you were editing." in text(stale)
    assert 'value="700000"' in stale.content.decode() and 'name="version" value="2"' in stale.content.decode()
    target.refresh_from_db()
    assert (target.target_value, target.label, target.version) == (Decimal("600000"), "曝光量 / exposures", 2)
    saved = lead.post(f"/campaigns/{demo.pk}/kpis/{target.pk}/edit/",
                      _kpi_data(metric="impressions", label="exposures", target_value="700000", version=2), **HX)
    assert "The KPI target is saved." in text(saved)
    target.refresh_from_db()
    assert (target.target_value, target.label, target.version) == (Decimal("700000"), "exposures", 3)


@pytest.mark.django_db
def test_kpi_target_delete_and_other_campaigns_targets_are_404(demo, users, client_as):
    lead = client_as("lead")
    target = demo.kpi_targets.get(metric="reviews")
    response = lead.post(f"/campaigns/{demo.pk}/kpis/{target.pk}/delete/", **HX)
    assert "The KPI target is deleted." in text(response)
    assert len(rows(response, "kpis")) == 1 + 5 and not KpiTarget.objects.filter(pk=target.pk).exists()
    other = campaign_create_from_template(template=PlanTemplate.objects.get(language="en"), actor=users["lead"],
                                          name="Other", start_date=dt.date(2026, 6, 1))
    foreign = KpiTarget.objects.create(campaign=other, metric="clicks", target_value=1)
    assert lead.post(f"/campaigns/{demo.pk}/kpis/{foreign.pk}/delete/").status_code == 404
    assert lead.get(f"/campaigns/{demo.pk}/kpis/{foreign.pk}/edit/").status_code == 404


# ---- members ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_members_page_lists_roles_departments_and_heads(demo, client_as):
    response = client_as("viewer").get(f"/campaigns/{demo.pk}/members/")
    assert [r[:4] for r in rows(response, "members")] == [
        ["Name", "Role", "Department", "Head of department"],
        ["王芳 Wang Fang @lead", "Lead", "Marketing", "Head"],
        ["张伟 Zhang Wei @product", "Planning group", "Product", "Head"],
        ["李明 Li Ming @sales", "Execution group", "Sales", "Head"],
        ["赵六 @logistics", "Logistics group", "Logistics", "Head"],
        ["陈静 Chen Jing @finance", "Finance", "Finance", "Head"],
        ["孙丽 Sun Li @viewer", "Viewer", "Other", "—"],
    ]


@pytest.mark.django_db
def test_add_member_by_user_name_with_clear_errors(demo, users, client_as):
    lead = client_as("lead")
    get_user_model().objects.create_user(username="zhou", password="x")
    unknown = lead.post(f"/campaigns/{demo.pk}/members/add/", {"username": "nobody", "role": "execution"}, **HX)
    assert re.search(r'id="id_username_error">No user is called “nobody”\.', unknown.content.decode())
    already = lead.post(f"/campaigns/{demo.pk}/members/add/", {"username": "sales", "role": "execution"}, **HX)
    assert re.search(r'id="id_username_error">李明 Li Ming is already a member of this campaign\.',
                     already.content.decode())
    assert demo.memberships.count() == 6
    added = lead.post(f"/campaigns/{demo.pk}/members/add/",
                      {"username": "ZHOU", "role": "planning", "department": "marketing"}, **HX)
    assert "zhou joined the team as Planning group." in text(added)
    m = demo.memberships.get(user__username="zhou")
    assert (m.role, m.department, m.is_department_head) == ("planning", "marketing", False)
    assert client_as("outsider").get(f"/campaigns/{demo.pk}/").status_code == 404


@pytest.mark.django_db
def test_change_role_inline_and_keep_one_lead(demo, users, client_as):
    lead = client_as("lead")
    sales = demo.memberships.get(user__username="sales")
    response = lead.post(f"/campaigns/{demo.pk}/members/{sales.pk}/",
                         {"role": "viewer", "department": "sales", "is_department_head": "on"}, **HX)
    assert "李明 Li Ming is updated." in text(response)
    sales.refresh_from_db()
    assert (sales.role, sales.department, sales.is_department_head) == ("viewer", "sales", True)
    me = demo.memberships.get(user__username="lead")
    refused = lead.post(f"/campaigns/{demo.pk}/members/{me.pk}/", {"role": "planning", "department": "marketing"},
                        **HX)
    assert "A campaign needs at least one lead: make someone else lead first." in text(refused)
    me.refresh_from_db()
    assert me.role == "lead"
    cannot = lead.post(f"/campaigns/{demo.pk}/members/{me.pk}/remove/", **HX)
    assert "A campaign needs at least one lead" in text(cannot) and demo.memberships.filter(pk=me.pk).exists()


@pytest.mark.django_db
def test_remove_member(demo, users, client_as):
    lead = client_as("lead")
    viewer = demo.memberships.get(user__username="viewer")
    response = lead.post(f"/campaigns/{demo.pk}/members/{viewer.pk}/remove/", **HX)
    assert "孙丽 Sun Li left the team." in text(response)
    assert len(rows(response, "members")) == 1 + 5
    assert client_as("viewer").get(f"/campaigns/{demo.pk}/").status_code == 404


MEMBERS_QUERIES = 6  # session, user, profile, campaign, role, members with their users and profiles


@pytest.mark.django_db
def test_members_page_query_count_is_pinned_and_constant(demo, client_as, django_assert_num_queries):
    lead = client_as("lead")
    with django_assert_num_queries(MEMBERS_QUERIES):
        lead.get(f"/campaigns/{demo.pk}/members/")
    User = get_user_model()
    for i in range(12):
        Membership.objects.create(campaign=demo, user=User.objects.create(username=f"extra{i}"), role="viewer")
    with django_assert_num_queries(MEMBERS_QUERIES):
        response = lead.get(f"/campaigns/{demo.pk}/members/")
    assert len(rows(response, "members")) == 1 + 18


@pytest.mark.django_db
def test_a_lead_who_removes_themselves_is_sent_back_to_the_list(demo, users, client_as):
    lead = client_as("lead")
    demo.memberships.filter(user__username="product").update(role="lead")
    me = demo.memberships.get(user__username="lead")
    response = lead.post(f"/campaigns/{demo.pk}/members/{me.pk}/remove/", **HX)
    assert (response.status_code, response["HX-Redirect"]) == (204, "/campaigns/")
    assert lead.get(f"/campaigns/{demo.pk}/").status_code == 404


# ---- the pure layout of the phase strip -----------------------------------------------------------

def test_window_labels_follow_the_seed_format():
    from campaignops.campaigns.domain.timeline import window_label

    assert window_label(dt.date(2026, 6, 1), dt.date(2026, 6, 5)) == "2026-06-01 ~ 06-05"
    assert window_label(dt.date(2026, 6, 12), dt.date(2026, 6, 12)) == "2026-06-12"
    assert window_label(dt.date(2026, 12, 28), dt.date(2027, 1, 5)) == "2026-12-28 ~ 2027-01-05"


def test_phase_strip_states_and_a_phase_outside_the_period_widens_the_strip():
    from campaignops.campaigns.domain.timeline import Span, percent, phase_strip

    period = Span(dt.date(2026, 6, 1), dt.date(2026, 6, 10))
    phases = [Span(dt.date(2026, 6, 1), dt.date(2026, 6, 5)), Span(dt.date(2026, 6, 6), dt.date(2026, 6, 20))]
    before = phase_strip(period, phases, dt.date(2026, 5, 1))
    assert (before.state, before.today, [s.state for s in before.segments]) == ("before", None, ["future", "future"])
    during = phase_strip(period, phases, dt.date(2026, 6, 6))
    assert [(s.left, s.width, s.days, s.state) for s in during.segments] == [
        ("0.000", "25.000", 5, "past"), ("25.000", "75.000", 15, "current")]
    assert (during.state, during.today) == ("during", "27.500")
    after = phase_strip(period, [], dt.date(2027, 1, 1))
    assert (after.state, after.segments) == ("after", [])
    assert (percent(3, 8), percent(0, 0), percent(5, 5)) == (38, 0, 100)
