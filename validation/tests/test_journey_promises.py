"""Issue 15's promises in the pages: the decision form shows the reviews side by side with GOV.UK
errors; home pages say what to do next for each state and role; the way in links registration."""

import re
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accreditation.tests.helpers import login
from schools.tests.factories import LeadFactory
from validation import services
from validation.models import Award, Decision

from .helpers import at, review_all

pytestmark = pytest.mark.django_db


def test_decision_form_shows_each_reviewers_judgement_per_criterion(client, world):
    item = world["item"]
    review = item.reviews.select_related("member__user").first()
    # A name that HTML escapes (factory names sometimes do too): the page shows it escaped.
    review.member.user.last_name = "O'Brien"
    review.member.user.save(update_fields=["last_name"])
    criteria = {r.criterion_id: ("met", "") for r in item.application.responses.all()}
    third = item.application.responses.get(criterion__number=3).criterion_id
    criteria[third] = ("not_yet_met", "No record of staff training this year.")
    services.review_save(
        review=review,
        by=review.member.user,
        judgements=criteria,
        recommendation="further_information",
        comment="Mostly there.",
        submit=True,
    )
    world["clock"].move_to(at(date(2026, 10, 7)), tick=False)
    login(client, world["admin"])
    body = client.get(reverse("validation:decision", args=[item.pk])).content.decode()
    table = body[body.index('id="judgements"') :]
    assert "Reviewers&#x27; judgements by criterion" in table or "Reviewers' judgements by criterion" in table
    assert escape(review.member.user.get_full_name()) in table
    assert "O&#x27;Brien" in table
    assert "Not yet met" in table and "No record of staff training this year." in table
    assert table.count("Not judged") == 8  # the second reviewer has not started


def test_a_refused_decision_uses_the_error_summary_and_changes_nothing(client, world):
    item = world["item"]
    login(client, world["admin"])  # the meeting is on 7 October; today is 1 September
    response = client.post(
        reverse("validation:decision", args=[item.pk]),
        {"outcome": "accredited", "strengths": "Good.", "areas_for_future": "More."},
    )
    body = response.content.decode()
    summary = re.search(r'<div class="govuk-error-summary".*?</div>\s*</div>', body, re.S).group(0)
    assert "Decisions are recorded at the meeting" in summary
    assert not item.application.decisions.exists()


def test_hint_dates_are_computed(client, world):
    login(client, world["admin"])
    body = client.get(reverse("validation:decision", args=[world["item"].pk])).content.decode()
    example = timezone.localdate() + relativedelta(days=42)
    assert f"For example, {example.day} {example.month} {example.year}" in body


def test_school_home_says_what_to_do_next_and_admins_see_no_school_text(client, world):
    login(client, world["lead"].user)
    body = client.get(reverse("home")).content.decode()
    assert "Next step:" in body and "7 October 2026" in body
    fresh = LeadFactory(school__name="Newcomer Primary")
    login(client, fresh.user)
    assert "start your application" in client.get(reverse("home")).content.decode()
    login(client, world["admin"])
    admin_home = client.get(reverse("home")).content.decode()
    assert "Your school" not in admin_home and "Next step: </strong>start your application" not in admin_home
    page = client.get(reverse("portfolios:school", args=[world["lead"].school.pk])).content.decode()
    assert "Your school was accredited" not in page


def test_school_home_names_an_expiring_award(client, world):
    from portfolios.models import Application
    from validation.models import Decision

    school = world["lead"].school
    application = Application.objects.get(pk=world["item"].application_id)
    decision = Decision.objects.create(
        agenda_item=world["item"],
        meeting=world["meeting"],
        application=application,
        outcome="accredited",
        strengths="s",
        areas_for_future="a",
    )
    today = timezone.localdate()
    Award.objects.create(
        school=school,
        application=application,
        decision=decision,
        awarded_on=today - relativedelta(years=3, months=-2),
        expires_on=today + relativedelta(months=2),
        verification_code="x" * 20,
    )
    login(client, world["lead"].user)
    body = client.get(reverse("home")).content.decode()
    assert "Start your renewal" in body


def test_sign_in_links_to_registration_and_back_links_sit_in_main(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("schools:register_find")}"' in body
    main = body[body.index("<main") :]
    assert "govuk-back-link" not in body[: body.index("<main")] or "govuk-back-link" in main


def test_validators_keep_their_past_reviews_with_outcomes(client, world):
    item = world["item"]
    review_all(item, "accredit")
    world["clock"].move_to(at(date(2026, 10, 7)), tick=False)
    services.attendance_record(meeting=world["meeting"], members=world["members"], by=world["admin"])
    services.decision_record(
        item=item, outcome="accredited", strengths="Good.", areas_for_future="More.", by=world["admin"]
    )
    reviewer = item.reviews.select_related("member__user").first().member.user
    login(client, reviewer)
    body = client.get(reverse("validation:reviews")).content.decode()
    past = body[body.index("Your past reviews") :]
    assert "Hillside Primary" in past and "7 October 2026" in past
    assert "Accredit" in past and "Accredited (feedback not yet released)" in past


def test_further_information_reminders_14_and_3_days_before_then_overdue_to_the_team(
    client, world, django_capture_on_commit_callbacks
):
    from django.core import mail

    from validation import further_information

    item = world["item"]
    review_all(item)
    world["clock"].move_to(at(date(2026, 10, 7)), tick=False)
    services.attendance_record(meeting=world["meeting"], members=world["members"], by=world["admin"])
    decision = services.decision_record(
        item=item,
        outcome="further_information",
        strengths="Good.",
        areas_for_future="More.",
        criteria_numbers=[3],
        information_needed="Staff training records.",
        information_due_on=date(2026, 11, 20),
        by=world["admin"],
    )
    services.decision_release(decision=decision, by=world["admin"])
    lead = world["lead"].user.email

    def run(day):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            further_information.further_information_reminders_send(as_of=day)
        return mail.outbox

    assert run(date(2026, 11, 5)) == []  # 15 days before: nothing yet
    (first,) = run(date(2026, 11, 6))
    assert lead in first.to and "Staff training records." in first.body and "in 14 days" in first.subject
    assert run(date(2026, 11, 7)) == []  # once per window
    (second,) = run(date(2026, 11, 18))  # a missed run on the 17th still sends the 3-day reminder
    assert "in 2 days" in second.subject
    (overdue,) = run(date(2026, 11, 21))
    assert lead not in overdue.to and "Overdue" in overdue.subject
    assert run(date(2026, 11, 22)) == []
    world["clock"].move_to(at(date(2026, 11, 22)), tick=False)
    login(client, world["admin"])
    admin_home = client.get(reverse("home")).content.decode()
    # The overdue row links to the decision's page, where the admin can set a new date or list it anyway.
    feedback = reverse("validation:feedback", args=[Decision.objects.get().pk])
    assert f'<a class="govuk-link" href="{feedback}">Hillside Primary</a>: due 20 November 2026' in admin_home
    login(client, world["lead"].user)
    home = client.get(reverse("home")).content.decode()
    assert "Further information was due by 20 November 2026" in home and "Staff training records." in home
