"""The eligibility engine over the five default framework rules, overrides and rule edits."""

import datetime

import pytest

from accreditation.models import AuditEvent
from accreditation.tests.factories import AdminFactory
from schools import eligibility, services
from schools.models import EligibilityRule, School
from schools.tests.factories import LeadFactory, SchoolFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 6, 1)


def rule(framework):
    return EligibilityRule.objects.get(framework=framework)


def test_five_default_rules_are_installed_by_migration():
    rules = {r.framework: r for r in EligibilityRule.objects.all()}
    assert set(rules) == {"ofsted-2009", "ofsted-2012", "ofsted-2015", "ofsted-2019", "ofsted-2025"}
    assert rules["ofsted-2009"].judgement == "The extent to which pupils feel safe"
    assert rules["ofsted-2012"].judgement == "Behaviour and safety of pupils"
    assert rules["ofsted-2015"].judgement == "Personal development, behaviour and welfare"
    assert rules["ofsted-2019"].judgement == "Behaviour and attitudes"
    assert rules["ofsted-2025"].judgement == "Attendance and behaviour"
    assert rules["ofsted-2025"].records_safeguarding


@pytest.mark.parametrize(
    "framework, judgement, safeguarding, expected",
    [
        ("ofsted-2009", "1", "", School.Eligibility.MET),
        ("ofsted-2009", "2", "", School.Eligibility.MET),
        ("ofsted-2009", "3", "", School.Eligibility.NOT_MET),
        ("ofsted-2012", "2", "", School.Eligibility.MET),
        ("ofsted-2012", "3", "", School.Eligibility.NOT_MET),
        ("ofsted-2015", "1", "", School.Eligibility.MET),
        ("ofsted-2015", "4", "", School.Eligibility.NOT_MET),
        ("ofsted-2019", "2", "", School.Eligibility.MET),
        ("ofsted-2019", "3", "", School.Eligibility.NOT_MET),
        ("ofsted-2025", "exceptional", "met", School.Eligibility.MET),
        ("ofsted-2025", "strong", "met", School.Eligibility.MET),
        ("ofsted-2025", "expected", "met", School.Eligibility.MET),
        ("ofsted-2025", "needs_attention", "met", School.Eligibility.NOT_MET),
        ("ofsted-2025", "urgent_improvement", "met", School.Eligibility.NOT_MET),
        ("ofsted-2025", "exceptional", "not_met", School.Eligibility.NOT_MET),
    ],
)
def test_each_framework_is_judged_by_its_rule(framework, judgement, safeguarding, expected):
    result = eligibility.judge(rule=rule(framework), judgement=judgement, safeguarding=safeguarding)
    assert result.eligibility == expected
    assert rule(framework).name in result.reason


def test_reason_names_the_judgement_and_what_is_required():
    result = eligibility.judge(rule=rule("ofsted-2012"), judgement="3", safeguarding="")
    assert result.reason == (
        "The most recent inspection (Ofsted 2012 framework) judged “Behaviour and safety of pupils” "
        "Requires improvement. The scheme requires Outstanding or Good."
    )


@pytest.mark.parametrize(
    "day, framework",
    [
        (datetime.date(2010, 5, 1), "ofsted-2009"),
        (datetime.date(2013, 5, 1), "ofsted-2012"),
        (datetime.date(2016, 5, 1), "ofsted-2015"),
        (datetime.date(2023, 5, 1), "ofsted-2019"),
        (datetime.date(2025, 11, 10), "ofsted-2025"),
    ],
)
def test_framework_in_force_on_a_date(day, framework):
    assert eligibility.rule_in_force(day).framework == framework


def test_report_card_grade_against_the_2012_framework_is_named():
    problems = eligibility.inspection_problems(
        rule=rule("ofsted-2012"),
        inspected_on=datetime.date(2013, 3, 1),
        judgement="strong",
        safeguarding="",
        today=TODAY,
    )
    assert problems == {
        "judgement": "The Ofsted 2012 framework judged “Behaviour and safety of pupils” as one of: Outstanding, Good, "
        "Requires improvement, Inadequate. Select a judgement that framework uses"
    }


def test_future_date_and_wrong_framework_for_the_date():
    problems = eligibility.inspection_problems(
        rule=rule("ofsted-2019"), inspected_on=datetime.date(2026, 7, 1), judgement="2", safeguarding="", today=TODAY
    )
    assert problems["inspected_on"] == "The date of the inspection must be today or in the past"
    problems = eligibility.inspection_problems(
        rule=rule("ofsted-2019"), inspected_on=datetime.date(2013, 7, 1), judgement="2", safeguarding="", today=TODAY
    )
    assert problems["rule"].startswith("An inspection on 1 July 2013 was under the Ofsted 2012 framework")
    problems = eligibility.inspection_problems(
        rule=rule("ofsted-2025"),
        inspected_on=datetime.date(2026, 1, 5),
        judgement="strong",
        safeguarding="",
        today=TODAY,
    )
    assert problems["safeguarding"].startswith("Select whether safeguarding was met")


def test_a_school_cannot_record_its_own_inspection(client):
    lead = LeadFactory(school__eligibility=School.Eligibility.NOT_MET)
    with pytest.raises(services.NotAllowed):
        services.inspection_record(
            school=lead.school,
            actor=lead.user,
            inspected_on=datetime.date(2023, 5, 1),
            rule=rule("ofsted-2019"),
            judgement="1",
        )
    from accreditation.tests.helpers import login

    login(client, lead.user)
    response = client.post(
        f"/schools/{lead.school.urn}/inspections/new/",
        {"inspected_on": "2023-05-01", "inspection_rule": rule("ofsted-2019").pk, "inspection_judgement": "1"},
    )
    assert response.status_code == 403
    lead.school.refresh_from_db()
    assert lead.school.eligibility == School.Eligibility.NOT_MET
    assert not lead.school.inspections.exists()


def test_most_recent_inspection_decides_and_is_stored_on_the_school():
    lead = LeadFactory(school__eligibility=School.Eligibility.UNKNOWN)
    school = lead.school
    admin = AdminFactory()
    services.inspection_record(
        school=school, actor=admin, inspected_on=datetime.date(2023, 5, 1), rule=rule("ofsted-2019"), judgement="2"
    )
    school.refresh_from_db()
    assert school.eligibility == School.Eligibility.MET
    assert school.eligibility_allows_submission
    # An older, worse inspection recorded later does not decide.
    services.inspection_record(
        school=school, actor=admin, inspected_on=datetime.date(2014, 5, 1), rule=rule("ofsted-2012"), judgement="4"
    )
    school.refresh_from_db()
    assert school.eligibility == School.Eligibility.MET
    services.inspection_record(
        school=school,
        actor=admin,
        inspected_on=datetime.date(2026, 1, 20),
        rule=rule("ofsted-2025"),
        judgement="strong",
        safeguarding="not_met",
    )
    school.refresh_from_db()
    assert school.eligibility == School.Eligibility.NOT_MET
    assert "safeguarding not met" in school.eligibility_reason
    assert not school.eligibility_allows_submission
    assert AuditEvent.objects.filter(action="school.eligibility_judged", target_id=str(school.pk)).count() == 2


def test_admin_override_with_reason_then_removed():
    admin = AdminFactory()
    school = SchoolFactory(eligibility=School.Eligibility.UNKNOWN)
    services.inspection_record(
        school=school, actor=admin, inspected_on=datetime.date(2023, 5, 1), rule=rule("ofsted-2019"), judgement="3"
    )
    school.refresh_from_db()
    assert school.eligibility == School.Eligibility.NOT_MET
    with pytest.raises(services.SchoolError, match="Enter the reason"):
        services.school_eligibility_override(school=school, actor=admin, reason="  ")
    services.school_eligibility_override(
        school=school, actor=admin, reason="Monitoring visit in 2025 found behaviour good."
    )
    school.refresh_from_db()
    assert school.eligibility == School.Eligibility.OVERRIDDEN and school.eligibility_allows_submission
    assert "Monitoring visit in 2025" in school.eligibility_reason
    event = AuditEvent.objects.get(action="school.eligibility_overridden")
    assert event.summary == "Monitoring visit in 2025 found behaviour good." and event.actor == admin
    services.school_eligibility_override_remove(school=school, actor=admin)
    school.refresh_from_db()
    assert school.eligibility == School.Eligibility.NOT_MET


def test_only_admins_override():
    lead = LeadFactory()
    with pytest.raises(services.NotAllowed):
        services.school_eligibility_override(school=lead.school, actor=lead.user, reason="Because")


def test_editing_a_rule_judges_its_schools_again():
    admin = AdminFactory()
    school = SchoolFactory(eligibility=School.Eligibility.UNKNOWN)
    services.inspection_record(
        school=school, actor=admin, inspected_on=datetime.date(2023, 5, 1), rule=rule("ofsted-2019"), judgement="3"
    )
    services.eligibility_rule_update(rule=rule("ofsted-2019"), actor=admin, passing_values=["1", "2", "3"])
    school.refresh_from_db()
    assert school.eligibility == School.Eligibility.MET
    assert AuditEvent.objects.filter(action="eligibility_rule.updated").exists()


def test_a_school_asks_for_a_correction_and_an_admin_rejects_or_accepts_it(
    client, django_capture_on_commit_callbacks, mailoutbox
):
    from accreditation.models import OutboxMessage
    from accreditation.tests.helpers import login
    from schools.models import InspectionCorrection

    lead = LeadFactory(school__eligibility=School.Eligibility.NOT_MET, school__name="St Mary's & St John's")
    school = lead.school
    login(client, lead.user)
    assert "ask for a correction" in client.get(f"/schools/{school.urn}/").content.decode()
    url = f"/schools/{school.urn}/inspections/correction/"
    response = client.post(url, {"reason": ""})
    assert "Enter what is wrong with the inspection data" in response.content.decode()
    assert not InspectionCorrection.objects.exists()
    client.post(url, {"reason": "Our 2024 inspection judged behaviour good (2), not 3. Report: ofsted.gov.uk/x"})
    correction = InspectionCorrection.objects.get()
    assert correction.status == InspectionCorrection.Status.OPEN and correction.requested_by == lead.user
    assert AuditEvent.objects.filter(action="inspection.correction_requested").exists()
    requested = OutboxMessage.objects.get(template="inspection_correction_requested")
    assert requested.subject == "St Mary's & St John's asks for a correction of its inspection data"
    # A second request while one is open is refused; the school's eligibility is unchanged.
    response = client.post(url, {"reason": "Again"})
    assert "already asked for a correction" in response.content.decode()
    school.refresh_from_db()
    assert school.eligibility == School.Eligibility.NOT_MET and not school.inspections.exists()

    admin = AdminFactory()
    login(client, admin)
    decide = f"/inspection-corrections/{correction.pk}/"
    assert "St Mary&#x27;s &amp; St John&#x27;s" in client.get("/inspection-corrections/").content.decode()
    response = client.post(decide, {"decision": "reject", "note": ""})
    assert "Enter the reason for rejecting the request" in response.content.decode()
    client.post(decide, {"decision": "reject", "note": "The report on Ofsted's site says 3 (requires improvement)."})
    correction.refresh_from_db()
    assert correction.status == InspectionCorrection.Status.REJECTED and correction.decided_by == admin
    decided = OutboxMessage.objects.get(template="inspection_correction_decided")
    assert decided.to == [lead.user.email] and "says 3 (requires improvement)" in decided.body_text
    assert AuditEvent.objects.filter(action="inspection.correction_rejected", actor=admin).exists()
    assert client.post(decide, {"decision": "accept"}).status_code == 200  # already decided: refused

    # A new request, accepted: the admin is sent on to record the corrected inspection.
    login(client, lead.user)
    client.post(url, {"reason": "A monitoring visit in 2026 found behaviour good."})
    second = InspectionCorrection.objects.filter(status="open").get()
    login(client, admin)
    response = client.post(f"/inspection-corrections/{second.pk}/", {"decision": "accept", "note": ""})
    assert response.url == f"/schools/{school.urn}/inspections/new/"
    assert AuditEvent.objects.filter(action="inspection.correction_accepted").exists()
