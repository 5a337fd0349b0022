"""Steps of the journeys that more than one browser test walks, using only what a person sees."""

import re
from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from portfolios.models import Application, EvidenceItem
from portfolios.tests.factories import pdf_bytes

from .axe import assert_accessible

# Big enough that, throttled, the upload takes a couple of seconds and the bar is seen moving.
LARGE_PDF = pdf_bytes("Anti-bullying policy 2025") + b"%" + b"0" * (3 * 1024 * 1024)


def fill_date(page, field, day):
    page.locator(f"#id_{field}_0").fill(str(day.day))
    page.locator(f"#id_{field}_1").fill(str(day.month))
    page.locator(f"#id_{field}_2").fill(str(day.year))


def build_and_submit_portfolio(page, school_name):
    """From the school's home page: upload one large file with the progress bar for all 8
    criteria, start the first application, write each self-evaluation, and submit."""
    page.get_by_role("link", name="Portfolio", exact=True).click()
    expect(page.get_by_role("heading", name="Portfolio", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Go to the evidence library").click()
    expect(page.get_by_role("heading", name="Evidence library")).to_be_visible()
    assert_accessible(page)

    # One large file for all 8 criteria, with the progress bar (upload throttled to ~1.5 MB/s).
    page.get_by_role("link", name="Upload files").click()
    expect(page.get_by_role("heading", name="Upload evidence files")).to_be_visible()
    expect(page.locator("body")).to_have_class(re.compile(r"\bgovuk-frontend-supported\b"))
    assert_accessible(page)
    page.get_by_label("Files").set_input_files(
        [{"name": "Anti-bullying policy.pdf", "mimeType": "application/pdf", "buffer": LARGE_PDF}]
    )
    page.get_by_label("Title (optional)").fill("Anti-bullying policy and impact review")
    page.get_by_label("Description").fill("Our policy, reviewed with pupils, staff, parents and governors.")
    fill_date(page, "produced_on", timezone.localdate() - timedelta(days=20))
    page.get_by_label("Impact").fill("Reported bullying fell by a third; pupils say they know who to tell.")
    for box in page.locator("input[name=criteria]").all():
        box.check()
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 1_500_000},
    )
    page.get_by_role("button", name="Upload").click()
    progress = page.locator("progress#upload-progress")
    expect(progress).to_be_visible()
    expect(progress).not_to_have_attribute("value", "0")
    expect(page.get_by_text("1 file added to your evidence library")).to_be_visible(timeout=30_000)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    item = EvidenceItem.objects.get(school__name=school_name)
    assert item.size == len(LARGE_PDF)
    assert item.criteria.count() == 8
    assert_accessible(page)

    # Start the application and write a self-evaluation for each criterion.
    page.get_by_role("link", name=school_name).click()
    page.get_by_role("button", name="Start an application").click()
    expect(page.get_by_role("heading", name="First application")).to_be_visible()
    assert_accessible(page)
    for number in range(1, 9):
        page.get_by_role("link", name=re.compile(rf"^{number}\. ")).click()
        expect(page.get_by_text(f"Criterion {number} of 8")).to_be_visible()
        if number == 1:
            assert_accessible(page)
        page.get_by_label("Self-evaluation").fill(f"How we meet criterion {number}, and the difference it made.")
        page.get_by_label(re.compile("Anti-bullying policy and impact review")).check()
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_text(f"Criterion {number} saved")).to_be_visible()
    expect(page.get_by_text("Every criterion is ready.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Check your answers and submit").click()
    expect(page.get_by_role("heading", name="Check your answers before submitting")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Submit application").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Confirm the declaration")
    assert_accessible(page)
    page.get_by_label(re.compile("information in this portfolio is accurate")).check()
    page.get_by_label(re.compile("public sector equality duties")).check()
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_text("Application submitted.")).to_be_visible()
    assert_accessible(page)
    assert Application.objects.get(school__name=school_name).state == Application.State.SUBMITTED


def fill_date_iso(page, name, iso):
    """Type a date into a GOV.UK date input (day, month and year boxes), as a person would."""
    year, month, day = iso.split("-")
    page.locator(f"#id_{name}_0").fill(str(int(day)))
    page.locator(f"#id_{name}_1").fill(str(int(month)))
    page.locator(f"#id_{name}_2").fill(year)


def release(page, opening):
    page.goto("/")
    page.get_by_role("link", name=re.compile(r"^Hillside Primary: ")).click()
    expect(page.get_by_role("heading", name="Feedback letter: Hillside Primary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Opening").fill(opening)
    page.get_by_role("button", name="Save wording").click()
    expect(page.locator("#letter-preview")).to_contain_text(opening)
    page.get_by_role("button", name="Release the feedback").click()
    expect(page.get_by_text(re.compile("Feedback released to Hillside Primary"))).to_be_visible()
    assert_accessible(page)
