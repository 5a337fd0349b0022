"""A school lead builds a complete portfolio in Chromium, submits it and downloads the exports."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from portfolios.tests.factories import ensure_criteria
from schools.tests.factories import LeadFactory

from .axe import assert_accessible
from .helpers import sign_in
from .steps import LARGE_PDF, build_and_submit_portfolio

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_lead_builds_submits_and_downloads_a_complete_portfolio(page):
    ensure_criteria()
    lead = LeadFactory(school__name="Hillside Primary")
    sign_in(page, lead.user.email)
    expect(page.get_by_role("heading", name="Your work")).to_be_visible()
    assert_accessible(page)

    build_and_submit_portfolio(page, lead.school.name)

    with page.expect_download() as pdf:
        page.get_by_role("link", name="Download the portfolio (PDF)").click()
    assert Path(pdf.value.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download() as archive:
        page.get_by_role("link", name="Download the evidence files (ZIP)").click()
    import zipfile

    with zipfile.ZipFile(archive.value.path()) as opened:
        names = opened.namelist()
        assert names[0] == "index.csv"
        assert opened.read(names[1]) == LARGE_PDF
