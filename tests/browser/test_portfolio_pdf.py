"""A large portfolio's PDF is made in the background (issue 20): its status page updates in place
while the export runs, says when the file is ready, passes axe, and the file downloads; without
JavaScript the page reloads itself to the same end."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from portfolios import pdf_exports
from portfolios.models import PortfolioExport
from portfolios.tests.factories import complete_application, ensure_criteria
from schools.tests.factories import LeadFactory

from .axe import assert_accessible
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def large_portfolio(settings):
    """An application of 8 evidence links, with anything over 4 counted as large."""
    settings.PORTFOLIO_PDF_INLINE_MAX_ITEMS = 4
    ensure_criteria()
    lead = LeadFactory(school__name="Hillside Primary")
    return lead, complete_application(lead)


def test_the_status_page_follows_the_export_and_offers_the_file(page, large_portfolio):
    lead, application = large_portfolio
    sign_in(page, lead.user.email)
    # Asked for but not yet started by a worker (eager tasks would make it at once).
    export = PortfolioExport.objects.create(
        application=application, requested_by=lead.user, items_total=8, criteria_total=8
    )
    page.goto(f"/portfolio/applications/{application.pk}/")
    page.get_by_role("link", name="The portfolio PDF is being made: see how far it has got").click()

    expect(page.get_by_role("heading", name="Portfolio PDF")).to_be_visible()
    expect(page.get_by_text("Waiting for the background worker")).to_be_visible()
    expect(page.get_by_label("Progress")).to_have_attribute("value", "0")
    assert_accessible(page)
    url = page.url

    assert pdf_exports.portfolio_export_build(export_id=export.pk)

    # The page updates in place (no reload): the announcement and the download appear.
    expect(page.get_by_role("heading", name="Your PDF is ready")).to_be_visible(timeout=20_000)
    expect(page.get_by_role("status")).to_have_text("Your PDF is ready.")
    assert page.url == url
    assert_accessible(page)
    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download the portfolio (PDF").click()
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF")


def test_without_javascript_the_page_reloads_itself_until_ready(browser, live_server, large_portfolio):
    lead, application = large_portfolio
    context = browser.new_context(base_url=live_server.url, locale="en-GB", java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, lead.user.email, check_accessibility=False)
        export = PortfolioExport.objects.create(
            application=application, requested_by=lead.user, items_total=8, criteria_total=8
        )
        page.goto(f"/portfolio/applications/{application.pk}/portfolio-pdf/{export.pk}/")
        expect(page.get_by_text("8 evidence links across 8 criteria to lay out")).to_be_visible()

        assert pdf_exports.portfolio_export_build(export_id=export.pk)

        expect(page.get_by_role("heading", name="Your PDF is ready")).to_be_visible(timeout=20_000)
    finally:
        context.close()


def test_a_failed_export_explains_and_offers_a_retry(page, large_portfolio):
    lead, application = large_portfolio
    sign_in(page, lead.user.email, check_accessibility=False)
    export = PortfolioExport.objects.create(
        application=application, requested_by=lead.user, status=PortfolioExport.Status.FAILED, error="Boom"
    )
    page.goto(f"/portfolio/applications/{application.pk}/portfolio-pdf/{export.pk}/")
    expect(page.get_by_role("heading", name="The PDF could not be made")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Try again").click()  # eager: made before the page answers

    expect(page.get_by_role("heading", name="Your PDF is ready")).to_be_visible()
