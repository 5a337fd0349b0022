"""The public registration form, the admin queue, approval and rejection, and every bad input."""

import datetime

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accreditation.models import AuditEvent, Invitation, User
from accreditation.tests.factories import AdminFactory, UserFactory
from schools.models import EligibilityRule, Inspection, Membership, Registration, School, WelcomePackResource
from schools.tests.factories import LeadFactory, RegistrationFactory, SchoolFactory

try:
    from accreditation.tests.helpers import login
except ImportError:  # before two-factor sign-in lands, signing in is one step

    def login(client, user):
        client.force_login(user)
        return client


pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return SchoolFactory(urn=117083, name="Abbots Langley School", eligibility=School.Eligibility.UNKNOWN)


def form_data(**overrides):
    rule = EligibilityRule.objects.get(framework="ofsted-2019")
    data = {
        "lead_name": "Lee Lead",
        "lead_role": "Deputy Head",
        "lead_email": "Lee.Lead@School.example.org",
        "lead_phone": "01923 000 000",
        "head_teacher": "Hana Head",
        "governor_name": "Gus Governor",
        "inspected_on_0": "12",
        "inspected_on_1": "3",
        "inspected_on_2": "2023",
        "inspection_rule": str(rule.pk),
        "inspection_judgement": "2",
        "inspection_safeguarding": "not_recorded",
        "equality_declaration": "on",
    }
    data.update(overrides)
    return data


def errors_of(response):
    return response.context["form"].errors


# --- Finding the school ---------------------------------------------------------------------


def test_find_by_urn_goes_to_the_form(client, school):
    response = client.get("/register/", {"q": "117083"})
    assert response.status_code == 302 and response.url == "/register/117083/"


@pytest.mark.parametrize("query", ["12345", "117083 OR 1=1", "1170834"])
def test_malformed_urns_are_refused(client, school, query):
    response = client.get("/register/", {"q": query})
    assert errors_of(response)["q"] == ["Enter a URN of 6 digits from 100000, like 117083"]
    assert "There is a problem" in response.content.decode()


def test_find_by_name_lists_schools_with_reasons(client, school):
    SchoolFactory(urn=117084, name="Abbots Closed School", status="Closed")
    SchoolFactory(urn=117085, name="Abbots Devon School", la_code=878, la_name="Devon")
    page = client.get("/register/", {"q": "abbots"}).content.decode()
    assert 'href="/register/117083/"' in page
    # Each row already names the school and its URN: the reason does not repeat them.
    assert "This school is shown as “Closed” in the register of schools." in page
    assert "This school is in Devon." in page
    assert 'href="/register/117084/"' not in page


def test_closed_school_is_refused(client):
    SchoolFactory(urn=100004, name="Sherborne Nursery School", status="Closed")
    response = client.get("/register/", {"q": "100004"})
    assert errors_of(response)["q"][0].startswith("Sherborne Nursery School (URN 100004) is shown as “Closed”")
    page = client.get("/register/100004/").content.decode()
    assert "Only open schools can join the scheme." in page
    assert client.post("/register/100004/", form_data()).status_code == 200
    assert not Registration.objects.exists()


def test_school_in_another_authority_is_refused(client):
    SchoolFactory(urn=137666, name="Chudleigh Knighton", la_code=878, la_name="Devon")
    response = client.get("/register/", {"q": "137666"})
    assert (
        "is in Devon. The scheme is open only to schools in Hertfordshire County Council's area."
        in errors_of(response)["q"][0]
    )
    client.post("/register/137666/", form_data())
    assert not Registration.objects.exists()


def test_unknown_urn_points_to_entering_by_hand(client):
    response = client.get("/register/", {"q": "999999"})
    assert "No school with URN 999999 is in the register" in errors_of(response)["q"][0]


# --- Registering ----------------------------------------------------------------------------


def test_registration_is_stored_and_both_sides_are_emailed(client, school, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/register/117083/", form_data())
    assert response.status_code == 302 and response.url == "/register/done/"
    registration = Registration.objects.get()
    assert registration.school == school and not registration.entered_by_hand
    assert registration.lead_email == "lee.lead@school.example.org"
    assert registration.inspected_on == datetime.date(2023, 3, 12)
    assert registration.inspection_judgement == "2" and registration.inspection_safeguarding == ""
    assert registration.equality_declaration
    assert sorted(m.to[0] for m in mail.outbox) == ["healthandwellbeing@example.org", "lee.lead@school.example.org"]
    confirmation = next(m for m in mail.outbox if m.to == ["lee.lead@school.example.org"])
    assert f"REG-{registration.pk}" in confirmation.body
    page = client.get(response.url).content.decode()
    assert f"REG-{registration.pk}" in page


@pytest.mark.parametrize("status", [Registration.Status.PENDING, Registration.Status.APPROVED])
def test_duplicate_registration_names_whom_to_contact(client, school, status):
    RegistrationFactory(urn=117083, school=school, status=status)
    response = client.get("/register/", {"q": "117083"})
    message = errors_of(response)["q"][0]
    assert "URN 117083" in message and "healthandwellbeing@example.org" in message
    page = client.get("/register/117083/").content.decode()
    assert "healthandwellbeing@example.org" in page
    assert Registration.objects.count() == 1


def test_duplicate_caught_at_submission(client, school):
    page = client.get("/register/117083/")
    assert page.status_code == 200
    RegistrationFactory(urn=117083, school=school)  # someone else got there first
    response = client.post("/register/117083/", form_data())
    assert "already waiting for a decision" in response.content.decode()
    assert Registration.objects.count() == 1


def test_script_in_text_fields_is_refused(client, school):
    response = client.post(
        "/register/117083/", form_data(lead_name="<script>alert(1)</script>", governor_name="Gus <b>")
    )
    errors = errors_of(response)
    assert errors["lead_name"] == ["Remove the < and > characters: HTML and scripts are not accepted"]
    assert errors["governor_name"] == ["Remove the < and > characters: HTML and scripts are not accepted"]
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not Registration.objects.exists()


def test_ten_thousand_character_name_is_refused(client, school):
    response = client.post("/register/117083/", form_data(lead_name="x" * 10_000))
    assert errors_of(response)["lead_name"] == ["SLT lead's full name must be 200 characters or fewer"]
    assert not Registration.objects.exists()


def test_inspection_date_in_the_future_is_refused(client, school):
    response = client.post("/register/117083/", form_data(inspected_on_2=str(datetime.date.today().year + 1)))
    assert errors_of(response)["inspected_on"] == ["The date of the inspection must be today or in the past"]


def test_report_card_grade_against_2012_framework_is_refused(client, school):
    rule = EligibilityRule.objects.get(framework="ofsted-2012")
    response = client.post(
        "/register/117083/",
        form_data(inspection_rule=str(rule.pk), inspected_on_2="2013", inspection_judgement="strong"),
    )
    assert errors_of(response)["inspection_judgement"] == [
        "The Ofsted 2012 framework judged “Behaviour and safety of pupils” as one of: Outstanding, Good, "
        "Requires improvement, Inadequate. Select a judgement that framework uses"
    ]
    assert not Registration.objects.exists()


def test_every_missing_field_has_a_message(client, school):
    response = client.post("/register/117083/", {})
    errors = errors_of(response)
    assert errors["lead_name"] == ["Enter the SLT lead's full name"]
    assert errors["lead_email"] == ["Enter the SLT lead's email address"]
    assert errors["inspected_on"] == ["Enter the date of the most recent Ofsted inspection"]
    assert errors["inspection_rule"] == ["Select the inspection framework"]
    assert errors["equality_declaration"] == [
        "Confirm that the school meets its public sector equality duty under the Equality Act 2010"
    ]
    response = client.post("/register/117083/", form_data(lead_phone="call me", lead_email="not-an-email"))
    assert errors_of(response)["lead_phone"] == ["Enter a telephone number, like 01632 960 001 or 07700 900 982"]
    assert errors_of(response)["lead_email"] == ["Enter an email address in the correct format, like name@example.org"]


def test_school_not_in_the_register_entered_by_hand(client):
    data = form_data(
        urn="654321",
        school_name="New Free School",
        school_address="1 High Street\nHertford",
        school_postcode="SG14 1AA",
    )
    assert client.post("/register/by-hand/", data).url == "/register/done/"
    registration = Registration.objects.get()
    assert registration.entered_by_hand and registration.school is None
    assert (registration.urn, registration.school_name) == (654321, "New Free School")


def test_by_hand_refuses_a_bad_urn_or_one_in_the_register(client, school):
    data = form_data(urn="12345", school_name="X", school_address="Y", school_postcode="Z")
    message = ["Enter a URN of 6 digits from 100000, like 117083"]
    assert errors_of(client.post("/register/by-hand/", data))["urn"] == message
    for not_a_urn in ("000000", "099999", "00117083", "１１７０８３"):
        data["urn"] = not_a_urn
        assert errors_of(client.post("/register/by-hand/", data))["urn"] == message, not_a_urn
    data["urn"] = "117083"
    assert "is in the register as Abbots Langley School" in errors_of(client.post("/register/by-hand/", data))["urn"][0]
    assert not Registration.objects.exists()


# --- The admin's queue and decisions ----------------------------------------------------------


def test_queue_is_for_admins_only(client):
    login(client, LeadFactory().user)
    assert client.get("/registrations/").status_code == 403
    client.logout()
    assert client.get("/registrations/").status_code == 302


def test_queue_filters_and_search(client):
    login(client, AdminFactory())
    RegistrationFactory(school_name="Maple Primary", urn=700001)
    RegistrationFactory(school_name="Birch Infants", urn=700002, entered_by_hand=True)
    RegistrationFactory(school_name="Cedar Juniors", urn=700003, status=Registration.Status.REJECTED)
    page = client.get("/registrations/").content.decode()
    assert "Maple Primary" in page and "Birch Infants" in page and "Cedar Juniors" not in page
    page = client.get("/registrations/", {"by_hand": "yes"}).content.decode()
    assert "Birch Infants" in page and "Maple Primary" not in page
    page = client.get("/registrations/", {"q": "700001"}).content.decode()
    assert "Maple Primary" in page and "Birch Infants" not in page
    page = client.get("/registrations/", {"status": "rejected"}).content.decode()
    assert "Cedar Juniors" in page and "Maple Primary" not in page


def pending_registration(school, **kwargs):
    rule = EligibilityRule.objects.get(framework="ofsted-2019")
    return RegistrationFactory(
        school=school,
        urn=school.urn if school else 654321,
        school_name=school.name if school else "New Free School",
        lead_name="Lee Lead",
        lead_email="lee@school.example.org",
        inspected_on=datetime.date(2023, 3, 12),
        inspection_rule=rule,
        inspection_judgement="2",
        **kwargs,
    )


def test_approval_creates_everything_and_emails_invitation_and_welcome_pack(
    client, school, django_capture_on_commit_callbacks
):
    admin = AdminFactory()
    resource = WelcomePackResource.objects.create(
        title="Guidance booklet",
        file=default_storage.save("welcome-pack/guide.pdf", ContentFile(b"%PDF-1.4 booklet")),
        file_name="guide.pdf",
        content_type="application/pdf",
        size=16,
    )
    WelcomePackResource.objects.create(title="DfE guidance", url="https://www.gov.uk/bullying")
    registration = pending_registration(school)
    login(client, admin)
    page = client.get(f"/registrations/{registration.pk}/").content.decode()
    assert "Eligible" in page and "Behaviour and attitudes" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/registrations/{registration.pk}/approve/")
    assert response.url == "/registrations/"
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED and registration.decided_by == admin
    lead = User.objects.get(email="lee@school.example.org")
    assert (lead.first_name, lead.last_name, lead.job_title) == ("Lee", "Lead", "Deputy Head")
    assert not lead.has_usable_password()
    assert Membership.objects.get(user=lead).role == Membership.Role.LEAD
    school.refresh_from_db()
    assert school.eligibility == School.Eligibility.MET and school.governor_name == "Gus Governor"
    assert Inspection.objects.get(school=school).judgement == "2"
    assert Invitation.objects.filter(user=lead).count() == 1
    subjects = {m.subject: m for m in mail.outbox}
    assert "Set your password for the Anti-bullying Accreditation portal" in subjects
    pack = subjects["Welcome to the Anti-bullying Accreditation scheme: your welcome pack"]
    assert pack.to == ["lee@school.example.org"]
    assert pack.attachments[0][0] == "guide.pdf" and pack.attachments[0][1] == b"%PDF-1.4 booklet"
    assert "https://www.gov.uk/bullying" in pack.body
    assert f"/welcome-pack/{resource.pk}/download/" in pack.body
    assert AuditEvent.objects.filter(action="registration.approved").exists()


def test_approving_a_hand_entered_school_creates_it(client):
    admin = AdminFactory()
    registration = pending_registration(
        None, entered_by_hand=True, school_address="1 High St", school_postcode="SG14 1AA"
    )
    login(client, admin)
    page = client.get(f"/registrations/{registration.pk}/").content.decode()
    assert "No: entered by hand" in page and "I have checked this school" in page
    # Not confirmed: refused, nothing created.
    response = client.post(f"/registrations/{registration.pk}/approve/", follow=True)
    assert "This school is not in the register: confirm you have checked" in response.content.decode()
    assert not School.objects.filter(urn=654321).exists()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    client.post(f"/registrations/{registration.pk}/approve/", {"details_confirmed": "yes"})
    school = School.objects.get(urn=654321)
    assert not school.from_register and school.la_code == 919 and school.postcode == "SG14 1AA"
    assert school.memberships.get().role == "lead"


def test_approval_is_all_or_nothing(client, school):
    """The lead's email is an H&W admin's account, which cannot lead a school: nothing is created."""
    AdminFactory(email="lee@school.example.org")
    registration = pending_registration(school)
    login(client, AdminFactory())
    response = client.post(f"/registrations/{registration.pk}/approve/", follow=True)
    assert "cannot also lead a school" in response.content.decode()
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    assert not Inspection.objects.exists() and not school.memberships.exists()
    assert not mail.outbox


def test_approval_for_a_lead_of_another_school_adds_a_second_membership(
    client, school, django_capture_on_commit_callbacks
):
    """The head of a federation registers its second school: same account, a lead in each."""
    other = LeadFactory(user__email="lee@school.example.org")
    other.user.last_login = other.user.date_joined
    other.user.save()
    registration = pending_registration(school)
    login(client, AdminFactory())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/registrations/{registration.pk}/approve/")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED
    assert {m.school for m in Membership.objects.filter(user=other.user, role="lead")} == {other.school, school}
    added = [m for m in mail.outbox if m.to == ["lee@school.example.org"] and "added" in m.subject]
    assert added and "Switch school" in added[0].body


def test_approval_twice_is_refused(client, school):
    registration = pending_registration(school)
    login(client, AdminFactory())
    client.post(f"/registrations/{registration.pk}/approve/")
    response = client.post(f"/registrations/{registration.pk}/approve/", follow=True)
    assert "already been approved" in response.content.decode()
    assert Membership.objects.count() == 1


def test_approve_refuses_get_and_non_admins(client, school):
    registration = pending_registration(school)
    login(client, AdminFactory())
    assert client.get(f"/registrations/{registration.pk}/approve/").status_code == 405
    login(client, UserFactory())
    assert client.post(f"/registrations/{registration.pk}/approve/").status_code == 403
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING


def test_rejection_needs_a_reason_and_emails_it(client, school, django_capture_on_commit_callbacks):
    registration = pending_registration(school)
    login(client, AdminFactory())
    response = client.post(f"/registrations/{registration.pk}/reject/", {"reason": ""})
    assert errors_of(response)["reason"] == ["Enter the reason for rejecting the registration"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/registrations/{registration.pk}/reject/", {"reason": "The school is part of another authority's scheme."}
        )
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REJECTED
    assert not User.objects.filter(email="lee@school.example.org").exists()
    (message,) = mail.outbox
    assert message.to == ["lee@school.example.org"]
    assert "The school is part of another authority's scheme." in message.body
    # The school may register again after a rejection.
    assert client.get("/register/", {"q": "117083"}).url == "/register/117083/"


def test_approval_refuses_to_make_an_admin_account_a_school_lead():
    from schools import services

    admin = AdminFactory()
    AdminFactory(email="hw2@example.org")
    school = SchoolFactory()
    registration = RegistrationFactory(school=school, urn=school.urn, lead_email="HW2@example.org")
    with pytest.raises(services.SchoolError, match="cannot also lead a school"):
        services.registration_approve(registration=registration, actor=admin)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    assert not Membership.objects.filter(user__email="hw2@example.org").exists()


def test_public_registrations_are_rate_limited_per_address(client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.REGISTRATIONS_PER_HOUR = 2
    schools = [SchoolFactory() for _ in range(3)]
    for school in schools[:2]:
        assert client.post(f"/register/{school.urn}/", form_data(), REMOTE_ADDR="10.1.1.1").status_code == 302
    refused = client.post(f"/register/{schools[2].urn}/", form_data(), REMOTE_ADDR="10.1.1.1")
    assert "too many registrations from your connection" in refused.content.decode()
    assert Registration.objects.count() == 2
    other_address = client.post(f"/register/{schools[2].urn}/", form_data(), REMOTE_ADDR="10.2.2.2")
    assert other_address.status_code == 302
