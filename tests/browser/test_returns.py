"""Termly returns in Chromium: a school makes three terms' returns (one mistake first), the H&W
team sees the trends with small counts suppressed, and the lead adds the summary to criterion 8."""

import pytest
from playwright.sync_api import expect

from accreditation.tests.factories import AdminFactory
from portfolios.models import EvidenceItem
from portfolios.tests.factories import ensure_criteria
from schools.models import IncidentReturn, ReturnVersion
from schools.returns.tests.factories import ensure_incident_types, past_terms, submit
from schools.tests.factories import LeadFactory

from .axe import assert_accessible
from .helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TYPES = ["racist", "religious", "sexist-sexual", "homophobic-biphobic-transphobic", "disability-sen"]
TYPES += ["appearance", "cyberbullying", "other"]
YEARS = ["R", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6"]


def fill_return(page, *, total, racist, types, years, outcomes, commentary=""):
    page.get_by_label("Total number of bullying incidents this term").fill(str(total))
    page.get_by_label("Number of racist incidents this term").fill(str(racist))
    for slug in TYPES:
        page.locator(f"#id_type_{slug}").fill(str(types.get(slug, 0)))
    for code in YEARS:
        page.locator(f"#id_year_{code}").fill(str(years.get(code, 0)))
    for code in ("resolved", "ongoing", "referred"):
        page.locator(f"#id_outcome_{code}").fill(str(outcomes.get(code, 0)))
    page.get_by_label("Commentary (optional)").fill(commentary)


def test_school_returns_three_terms_admin_sees_suppressed_trends_lead_adds_summary(page):
    ensure_criteria()
    ensure_incident_types()
    terms = past_terms(3)
    lead = LeadFactory(school__name="Hillside Primary", school__district="East Herts")
    # Another school's return for the first term, so the authority's figures span two schools.
    other = LeadFactory(school__name="Valley Primary", school__district="Dacorum")
    submit(other.school, terms[0], other.user, total=9, racist=1, types={"racist": 1, "other": 8})

    sign_in(page, lead.user.email)
    page.get_by_role("link", name="Incident returns").first.click()
    expect(page.get_by_role("heading", name="Termly incident returns")).to_be_visible()
    assert_accessible(page)

    for index, term in enumerate(terms):
        page.get_by_role("link", name=f"Make the return for the {term}").click()
        expect(page.get_by_role("heading", name=f"Termly return for the {term}")).to_be_visible()
        if index == 0:
            assert_accessible(page)
            # Year groups add up to 10, not 12: the page says which breakdown is off and by how much.
            fill_return(
                page, total=12, racist=3, types={"racist": 3, "cyberbullying": 9}, years={"Y5": 4, "Y6": 6},
                outcomes={"resolved": 10, "referred": 2}, commentary="More online unkindness after a falling out.",
            )  # fmt: skip
            page.get_by_role("button", name="Submit return").click()
            summary = page.locator(".govuk-error-summary")
            expect(summary).to_contain_text("The numbers by year group add up to 10, which is 2 fewer than the total")
            assert_accessible(page)
            expect(page.locator("#id_year_Y6")).to_have_value("6")  # nothing lost
            page.locator("#id_year_Y6").fill("8")
        else:
            fill_return(
                page, total=6 + index, racist=index, types={"racist": index, "other": 6}, years={"Y4": 6 + index},
                outcomes={"resolved": 6 + index}, commentary=f"Term {index + 1}.",
            )  # fmt: skip
        page.get_by_role("button", name="Submit return").click()
        expect(page.get_by_text(f"Return for the {term} submitted")).to_be_visible()
        if index == 0:
            expect(page.locator(".govuk-summary-list")).to_contain_text("12")
            assert_accessible(page)
        page.get_by_role("link", name="Back to your returns").click()

    assert IncidentReturn.objects.filter(school=lead.school).count() == 3
    first = ReturnVersion.objects.get(incident_return__school=lead.school, incident_return__term=terms[0])
    assert (first.total_incidents, first.counts_for("year")["Y6"]) == (12, 8)
    # The school's own trend is exact: its 3 racist incidents are shown as 3.
    expect(page.get_by_role("heading", name="Your trend")).to_be_visible()
    expect(page.locator("svg.trend-chart")).to_be_visible()
    assert_accessible(page)

    # Criterion 8: the lead adds the summary from the portfolio's evidence library.
    page.get_by_role("link", name="Portfolio", exact=True).click()
    page.get_by_role("link", name="Go to the evidence library").click()
    page.get_by_role("link", name="Add a summary of termly returns").click()
    expect(page.get_by_role("heading", name="Add a summary of your termly returns")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Add the summary to criterion 8").click()
    expect(page.get_by_text("added to your evidence library for criterion 8")).to_be_visible()
    assert_accessible(page)
    item = EvidenceItem.objects.get(school=lead.school)
    assert [c.number for c in item.criteria.all()] == [8] and item.content_type == "application/pdf"

    # The H&W team sees the authority's trends: small counts as "<5".
    page.context.clear_cookies()
    admin = AdminFactory()
    sign_in(page, admin.email)
    page.get_by_role("link", name="Incident returns").click()
    expect(page.get_by_role("heading", name="Termly incident returns")).to_be_visible()
    table = page.locator("table.app-table--compact")
    racist_row = table.locator("tr", has=page.get_by_role("rowheader", name="Racist", exact=True))
    expect(racist_row).to_contain_text("<5")
    expect(table.locator("tr", has=page.get_by_role("rowheader", name="Cyberbullying"))).to_contain_text("9")
    expect(page.locator("svg.trend-chart")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Show by").select_option("school")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("rowheader", name="Hillside Primary")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Late returns").click()
    expect(page.get_by_role("heading", name="Late returns")).to_be_visible()
    assert_accessible(page)
