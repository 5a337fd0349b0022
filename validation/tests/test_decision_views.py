"""The pages of agendas, reviews, meetings, feedback, certificates and the public register."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accreditation.tests.helpers import login
from portfolios import services as portfolio_services
from portfolios.tests.factories import complete_application
from schools.tests.factories import LeadFactory, MembershipFactory, SchoolFactory
from validation import services
from validation.models import AgendaItem, Attendance, Award, Decision, Meeting, Review

from .factories import ConflictFactory, MeetingFactory
from .helpers import LONDON, at, decide, review_all  # noqa: F401

pytestmark = pytest.mark.django_db


def test_reviewer_reads_the_portfolio_and_downloads_evidence_safely(client, world):
    review = world["item"].reviews.select_related("member__user").first()
    login(client, review.member.user)
    page = client.get(reverse("validation:review", args=[review.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Review: Hillside Primary" in body and "We meet criterion 3." in body and "Policy" in body
    url = reverse("validation:review_evidence", args=[review.pk, world["file"].pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    pdf = client.get(reverse("validation:review_portfolio_pdf", args=[review.pk]))
    assert pdf.content.startswith(b"%PDF")
    home = client.get("/")
    assert "Review Hillside Primary" in home.content.decode()


def test_a_conflicted_validator_gets_404_on_review_and_evidence(client, world):
    review = world["item"].reviews.select_related("member__user").first()
    ConflictFactory(member=review.member, school=world["lead"].school)
    login(client, review.member.user)
    assert client.get(reverse("validation:review", args=[review.pk])).status_code == 404
    assert client.get(reverse("validation:review_evidence", args=[review.pk, world["file"].pk])).status_code == 404
    assert client.get(reverse("validation:review_evidence_zip", args=[review.pk])).status_code == 404
    assert "Hillside Primary" not in client.get("/").content.decode()


def test_an_unassigned_validator_gets_404(client, world):
    review = world["item"].reviews.first()
    other = next(m for m in world["members"] if not Review.objects.filter(member=m).exists())
    login(client, other.user)
    assert client.get(reverse("validation:review", args=[review.pk])).status_code == 404
    assert client.get(reverse("validation:review_evidence", args=[review.pk, world["file"].pk])).status_code == 404


def test_review_form_saves_a_draft_and_refuses_an_incomplete_submission(client, world):
    review = world["item"].reviews.select_related("member__user").first()
    login(client, review.member.user)
    url = reverse("validation:review", args=[review.pk])
    response = client.post(url, {"judgement_1": "met", "save_draft": "1"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.saved_at and not review.is_submitted
    response = client.post(url, {"judgement_1": "not_yet_met", "submit_review": "1"})
    body = response.content.decode()
    assert "Explain your judgement on criterion 1" in body and "Select a judgement for criterion 2" in body
    assert "govuk-error-summary" in body
    review.refresh_from_db()
    assert not review.is_submitted and review.judgements.get(criterion__number=1).judgement == "met"


def test_meeting_page_shows_recommendations_side_by_side_and_decision_needs_quorum(client, world):
    item, admin = world["item"], world["admin"]
    review_all(item, "accredit")
    login(client, admin)
    page = client.get(reverse("validation:meeting", args=[item.meeting_id])).content.decode()
    assert page.count("Accredit") >= 2 and "Not quorate" in page
    world["clock"].move_to(at(date(2026, 10, 7)), tick=False)
    login(client, admin)
    data = {"outcome": "accredited", "strengths": "Strong pupil voice", "areas_for_future": "Parents"}
    response = client.post(reverse("validation:decision", args=[item.pk]), data)
    assert "Not quorate" in response.content.decode() and not Decision.objects.exists()
    client.post(reverse("validation:attendance", args=[item.meeting_id]), {"members": [m.pk for m in world["members"]]})
    assert Attendance.objects.count() == 3
    response = client.post(reverse("validation:decision", args=[item.pk]), data)
    assert response.status_code == 302 and Decision.objects.get().outcome == "accredited"
    response = client.post(reverse("validation:decision", args=[item.pk]), data | {"outcome": "not_accredited"})
    assert "already recorded" in response.content.decode() and Decision.objects.count() == 1
    minutes = client.get(reverse("validation:minutes", args=[item.meeting_id]))
    assert minutes.content.startswith(b"%PDF")


def test_further_information_form_needs_criteria_text_and_date(client, world):
    login(client, world["admin"])
    response = client.post(reverse("validation:decision", args=[world["item"].pk]), {"outcome": "further_information"})
    body = response.content.decode()
    for message in (
        "Select the criteria that need further information",
        "Enter what further information is needed",
        "Enter the date the further information is needed by",
        "Enter the strengths of the application",
        "Enter the areas for future consideration",
    ):
        assert message in body


def test_a_conflicted_member_cannot_open_the_decision_page(client, world):
    member = world["members"][0]
    ConflictFactory(member=member, school=world["lead"].school)
    login(client, member.user)
    assert client.get(reverse("validation:decision", args=[world["item"].pk])).status_code == 404


def test_release_and_certificate_and_verification(client, world, django_capture_on_commit_callbacks):
    item, admin, lead = world["item"], world["admin"], world["lead"]
    world["clock"].move_to(at(date(2026, 10, 7)), tick=False)
    services.attendance_record(meeting=item.meeting, members=world["members"], by=admin)
    decision = decide(item, admin, outcome="accredited")
    login(client, admin)
    preview = client.get(reverse("validation:feedback", args=[decision.pk])).content.decode()
    assert "Decision: Accredited" in preview
    client.post(
        reverse("validation:feedback", args=[decision.pk]),
        {
            "letter_opening": "Congratulations, Hillside!",
            "strengths": "S",
            "areas_for_future": "A",
            "letter_closing": "Regards",
        },
    )
    assert client.get(reverse("validation:feedback_release", args=[decision.pk])).status_code == 405
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("validation:feedback_release", args=[decision.pk]))
    assert mail.outbox[0].to == [lead.user.email] and "Congratulations, Hillside!" not in mail.outbox[0].subject
    award = Award.objects.get()
    login(client, lead.user)
    home = client.get("/").content.decode()
    assert "Download your certificate" in home
    certificate = client.get(reverse("validation:certificate", args=[award.pk]))
    assert certificate.content.startswith(b"%PDF")
    letter = client.get(reverse("validation:feedback_letter", args=[decision.pk]))
    assert b"".join(letter.streaming_content).startswith(b"%PDF")
    login(client, LeadFactory().user)
    assert client.get(reverse("validation:certificate", args=[award.pk])).status_code == 404
    assert client.get(reverse("validation:feedback_letter", args=[decision.pk])).status_code == 404
    client.logout()
    page = client.get(reverse("validation:verify", args=[award.verification_code]))
    assert page.status_code == 200 and "Accreditation current" in page.content.decode()
    code = award.verification_code
    forged_code = code[:-1] + ("y" if code.endswith("x") else "x")  # never the real code by chance
    forged = client.get(reverse("validation:verify", args=[forged_code]))
    assert forged.status_code == 404 and "Certificate not found" in forged.content.decode()


def test_public_register_searches_and_drops_lapsed_and_expired_awards(client):
    def award(name, town, urn, awarded_on, status=Award.Status.CURRENT):
        school = SchoolFactory(name=name, town=town, urn=urn)
        meeting = MeetingFactory(date=awarded_on, submission_cutoff=awarded_on - timedelta(days=21))
        lead = MembershipFactory(school=school, role="lead")
        application = complete_application(lead)
        item = AgendaItem.objects.create(meeting=meeting, application=application, submitted_at=timezone.now())
        decision = Decision.objects.create(
            agenda_item=item,
            meeting=meeting,
            application=application,
            outcome="accredited",
            strengths="s",
            areas_for_future="a",
        )
        return Award.objects.create(
            school=school,
            application=application,
            decision=decision,
            awarded_on=awarded_on,
            expires_on=services.award_expiry(awarded_on),
            status=status,
            verification_code=f"code{urn}",
        )

    today = timezone.localdate()
    award("Oakfield Primary", "St Albans", 111111, today - timedelta(days=100))
    award("Riverside Academy", "Watford", 222222, today - timedelta(days=200))
    award("Lapsed School", "Watford", 333333, today - timedelta(days=300), status=Award.Status.LAPSED)
    award("Expired School", "Watford", 444444, today - timedelta(days=3 * 366))
    body = client.get(reverse("validation:register")).content.decode()
    assert "Oakfield Primary" in body and "Riverside Academy" in body
    assert "Lapsed School" not in body and "Expired School" not in body
    body = client.get(reverse("validation:register"), {"q": "watford"}).content.decode()
    assert "Riverside Academy" in body and "Oakfield Primary" not in body
    body = client.get(reverse("validation:register"), {"q": "111111"}).content.decode()
    assert "Oakfield Primary" in body and "Riverside" not in body
    assert "No accredited school matches" in client.get(reverse("validation:register"), {"q": "zzz"}).content.decode()


def test_move_page_refuses_a_full_meeting_with_a_message(client, world):
    item = world["item"]
    full = MeetingFactory(date=date(2026, 11, 25), submission_cutoff=date(2026, 11, 4), capacity=1)
    other = complete_application(LeadFactory())
    AgendaItem.objects.create(meeting=full, application=other, submitted_at=timezone.now())
    login(client, world["admin"])
    page = client.get(reverse("validation:agenda_move", args=[item.pk]))
    assert full not in page.context["form"].fields["meeting"].queryset  # only meetings with room are offered
    response = client.post(reverse("validation:agenda_move", args=[item.pk]), {"meeting": full.pk})
    body = response.content.decode()
    assert "govuk-error-summary" in body and "Select a meeting from the list" in body
    item.refresh_from_db()
    assert item.meeting == world["meeting"]


def test_admin_places_waiting_applications_and_validators_cannot(client, world):
    lead = LeadFactory(school__name="Second School")
    application = complete_application(lead)
    portfolio_services.application_submit(
        application=application, actor=lead.user, declaration=True, equality_declaration=True
    )
    login(client, world["members"][0].user)
    assert client.post(reverse("validation:agenda_place_waiting")).status_code == 403
    login(client, world["admin"])
    response = client.post(reverse("validation:agenda_place_waiting"), follow=True)
    assert "Second School is on the agenda" in response.content.decode()
    assert AgendaItem.objects.filter(application=application, meeting=world["meeting"]).exists()
    assert Meeting.objects.count() == 1


def test_the_meeting_page_is_served_from_the_cache_until_its_agenda_changes(client, world):
    """Issue 20: the meeting page is cached under its agenda's version (validation.page_versions)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    item, admin = world["item"], world["admin"]
    login(client, admin)
    url = reverse("validation:meeting", args=[item.meeting_id])
    client.get(url)
    drawn = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as served:
        assert client.get(url).content.decode() == drawn
    assert not any("validation_review" in q["sql"] for q in served.captured_queries)
    assert "Not yet submitted" in drawn and "Not yet recorded" in drawn  # the reviews; the attendance
    review_all(item, "accredit")  # each reviewer's review: a change to the school on the agenda
    page = client.get(url).content.decode()
    assert "Not yet submitted" not in page and page.count("Accredit") >= 2
    Attendance.objects.create(meeting_id=item.meeting_id, member=world["members"][0])  # no school: everyone's
    assert "Not yet recorded" not in client.get(url).content.decode()
    other = MeetingFactory(date=item.meeting.date + timedelta(days=60))
    AgendaItem.objects.filter(pk=item.pk).update(meeting=other)  # moved away, with no signal at all
    assert "Hillside Primary" not in client.get(url).content.decode()


def test_an_application_submitted_elsewhere_shows_on_a_cached_meeting_page(client, world):
    """The meeting page counts the applications waiting for a meeting: a school not on the agenda
    submitting changes it at once (the version holds the county's newest change)."""
    login(client, world["admin"])
    url = reverse("validation:meeting", args=[world["item"].meeting_id])
    client.get(url)
    assert "waiting)" not in client.get(url).content.decode()
    lead = LeadFactory(school__name="Brookside Academy")
    application = complete_application(lead)
    portfolio_services.application_submit(
        application=application, actor=lead.user, declaration=True, equality_declaration=True
    )
    assert "Place submitted applications (1 waiting)" in client.get(url).content.decode()


def test_a_validator_who_may_no_longer_run_meetings_is_refused_a_cached_page(client, world):
    item, member = world["item"], world["members"][0]
    login(client, member.user)
    url = reverse("validation:meeting", args=[item.meeting_id])
    client.get(url)
    assert client.get(url).status_code == 200
    member.is_active = False
    member.save()
    assert client.get(url).status_code == 403
