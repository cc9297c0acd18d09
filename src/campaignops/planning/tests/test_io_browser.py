"""The Excel round trip in a real browser: from the plan's toolbar, upload an edited export, read
the preview, apply it and find the changed row on the plan page."""

import pytest
from playwright.sync_api import expect

from campaignops.planning.io.export import export_plan
from campaignops.planning.models import Task

from .io_files import edit_xlsx

pytestmark = pytest.mark.browser
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.django_db(transaction=True)
def test_lead_imports_an_edited_export_and_sees_the_change_on_the_plan(page_as, demo):
    task = Task.objects.get(campaign=demo, title="直播带货、线下快闪店")
    data = edit_xlsx(export_plan(campaign=demo, lang="en"), {"G4": "人流不足：联合周边商场发券，并加开一场直播"})
    page = page_as("lead")
    page.goto(page.url_for(f"/campaigns/{demo.pk}/plan/"))
    page.locator(".plan-io a[href$='/plan/import/']").click()
    page.wait_for_url(f"**/campaigns/{demo.pk}/plan/import/")
    page.set_input_files("input[type=file]", files=[{"name": "plan.xlsx", "mimeType": XLSX, "buffer": data}])
    page.get_by_role("button", name="Preview the changes").click()
    page.wait_for_url(f"**/campaigns/{demo.pk}/plan/import/preview/")
    expect(page.locator("[data-count=changed]")).to_have_text("Changed: 1")
    expect(page.locator("[data-count=unchanged]")).to_have_text("Unchanged: 4")
    row = page.locator("tr.io-row-changed[data-row='4']")
    expect(row.locator(".io-changes")).to_contain_text("线下人流不足：联合周边商场发优惠券 → 人流不足：联合周边商场发券，并加开一场直播")
    page.locator("#io-apply").click()
    page.wait_for_url(f"**/campaigns/{demo.pk}/plan/")
    expect(page.locator(".alert-success")).to_contain_text("The plan was imported.")
    expect(page.locator(f"#t{task.pk} td[data-f=risk_plan]")).to_have_text("人流不足：联合周边商场发券，并加开一场直播")
    task.refresh_from_db()
    assert (task.risk_plan, task.version) == ("人流不足：联合周边商场发券，并加开一场直播", 2)
