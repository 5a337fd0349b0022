"""The school's team, its details, the welcome pack pages and who may see what."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from accreditation.models import AuditEvent, Invitation, User
from accreditation.tests.factories import TEST_PASSWORD, AdminFactory, UserFactory
from schools.models import EligibilityRule, Membership, School, WelcomePackResource
from schools.tests.factories import LeadFactory, MembershipFactory, SchoolFactory

try:
    from accreditation.tests.helpers import login
except ImportError:  # before two-factor sign-in lands, signing in is one step

    def login(client, user):
        client.force_login(user)
        return client


pytestmark = pytest.mark.django_db


@pytest.fixture
def lead(client):
    lead = LeadFactory(school__urn=117083, school__name="Abbots Langley School")
    login(client, lead.user)
    return lead


def test_school_user_sees_own_school_and_404_for_another(client, lead):
    other = SchoolFactory(urn=117099)
    assert client.get("/school/").url == "/schools/117083/"
    page = client.get("/schools/117083/").content.decode()
    assert "Abbots Langley School" in page and "Invite a colleague" in page
    assert client.get("/schools/117099/").status_code == 404
    assert client.get(f"/schools/{other.urn}/team/invite/").status_code == 404


def test_contributor_cannot_manage_the_team(client):
    member = MembershipFactory(school__urn=117083)
    login(client, member.user)
    assert "Invite a colleague" not in client.get("/schools/117083/").content.decode()
    assert client.get("/schools/117083/team/invite/").status_code == 403
    assert client.post("/schools/117083/details/", {"head_teacher": "X", "governor_name": "Y"}).status_code == 403


def test_lead_invites_a_colleague(client, lead, django_capture_on_commit_callbacks):
    data = {
        "first_name": "Cara",
        "last_name": "Colleague",
        "job_title": "PSHE lead",
        "email": "Cara@School.example.org",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/schools/117083/team/invite/", data)
    assert response.url == "/schools/117083/"
    user = User.objects.get(email="cara@school.example.org")
    membership = Membership.objects.get(user=user)
    assert membership.school == lead.school and membership.role == Membership.Role.CONTRIBUTOR
    (message,) = mail.outbox
    assert message.to == ["cara@school.example.org"] and "Abbots Langley School" in message.body
    assert "/accounts/invitation/" in message.body or "invitation" in message.body
    response = client.post("/schools/117083/team/invite/", data)
    assert response.context["form"].non_field_errors() == ["cara@school.example.org is already in your school's team."]


def test_invite_bad_input(client, lead):
    other = MembershipFactory(user__email="taken@example.org")
    response = client.post(
        "/schools/117083/team/invite/", {"first_name": "<script>", "last_name": "", "email": "taken@example.org"}
    )
    errors = response.context["form"].errors
    assert errors["first_name"] == ["Remove the < and > characters: HTML and scripts are not accepted"]
    assert errors["last_name"] == ["Enter their last name"]
    admin = AdminFactory(email="hw.admin@herts.example.org")
    response = client.post(
        "/schools/117083/team/invite/", {"first_name": "T", "last_name": "K", "email": "hw.admin@herts.example.org"}
    )
    assert "not part of a school's team" in response.context["form"].non_field_errors()[0]
    assert not Membership.objects.filter(user=admin).exists()
    assert Membership.objects.get(user=other.user).school == other.school


def test_hand_over_the_lead_role(client, lead, django_capture_on_commit_callbacks):
    colleague = MembershipFactory(school=lead.school, user__email="new.lead@example.org")
    assert client.get(f"/schools/117083/team/{colleague.pk}/make-lead/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/schools/117083/team/{colleague.pk}/make-lead/")
    assert response.url == "/"
    lead.refresh_from_db()
    colleague.refresh_from_db()
    assert colleague.role == Membership.Role.LEAD and lead.role == Membership.Role.CONTRIBUTOR
    assert mail.outbox[0].to == ["new.lead@example.org"]
    assert "You are now the SLT lead for Abbots Langley School" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action="team.lead_handed_over").exists()
    # The former lead can no longer manage the team.
    assert client.get("/schools/117083/team/invite/").status_code == 403


def test_another_schools_member_cannot_be_made_lead(client, lead):
    stranger = MembershipFactory()
    assert client.post(f"/schools/117083/team/{stranger.pk}/make-lead/").status_code == 404
    stranger.refresh_from_db()
    assert stranger.role == Membership.Role.CONTRIBUTOR


def test_deactivation_ends_the_persons_sessions(client, lead):
    colleague = MembershipFactory(school=lead.school)
    from django.test import Client

    their_browser = Client()
    login(their_browser, colleague.user)
    assert their_browser.get("/").status_code == 200
    response = client.post(f"/schools/117083/team/{colleague.pk}/deactivate/")
    assert response.url == "/schools/117083/"
    colleague.refresh_from_db()
    colleague.user.refresh_from_db()
    assert not colleague.is_active and not colleague.user.is_active
    # Their existing session is refused on the very next request: Django's ModelBackend does not
    # return inactive users, so they are anonymous and sent to sign in.
    response = their_browser.get("/")
    assert response.status_code == 302 and "/accounts/" in response.url
    response = Client().post("/accounts/sign-in/", {"username": colleague.user.email, "password": TEST_PASSWORD})
    assert response.status_code == 200 and "_auth_user_id" not in response.wsgi_request.session
    page = client.get("/schools/117083/").content.decode()
    assert "Deactivated" in page


def test_reactivating_a_deactivated_person_never_revives_their_old_session(client, lead):
    from django.contrib.sessions.models import Session
    from django.test import Client

    colleague = MembershipFactory(school=lead.school)
    their_browser = Client()
    login(their_browser, colleague.user)
    old_key = their_browser.session.session_key
    assert their_browser.get("/").status_code == 200
    client.post(f"/schools/117083/team/{colleague.pk}/deactivate/")
    assert not Session.objects.filter(session_key=old_key).exists()
    # An admin (or the Django shell) turns the account back on: the old cookie is still dead.
    type(colleague.user).objects.filter(pk=colleague.user.pk).update(is_active=True)
    response = their_browser.get("/")
    assert response.status_code == 302 and "/accounts/" in response.url
    event = AuditEvent.objects.get(action="user.deactivated")
    assert event.data["sessions"] >= 1


def test_lead_cannot_be_deactivated_and_deactivation_refuses_get(client, lead):
    response = client.post(f"/schools/117083/team/{lead.pk}/deactivate/", follow=True)
    assert "Hand the lead role to a colleague first" in response.content.decode()
    lead.user.refresh_from_db()
    assert lead.user.is_active


def test_deactivated_colleague_can_be_invited_again(client, lead, django_capture_on_commit_callbacks):
    colleague = MembershipFactory(
        school=lead.school, user__email="back@example.org", is_active=False, user__is_active=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/schools/117083/team/invite/", {"first_name": "B", "last_name": "Ack", "email": "back@example.org"}
        )
    colleague.refresh_from_db()
    colleague.user.refresh_from_db()
    assert colleague.is_active and colleague.user.is_active
    assert Invitation.objects.filter(user=colleague.user).exists()


def test_admin_manages_any_schools_team(client):
    school = SchoolFactory(urn=117083)
    colleague = MembershipFactory(school=school)
    login(client, AdminFactory())
    assert "Override eligibility" in client.get("/schools/117083/").content.decode()
    client.post(f"/schools/117083/team/{colleague.pk}/make-lead/")
    colleague.refresh_from_db()
    assert colleague.role == Membership.Role.LEAD


def test_school_details_and_governor_are_kept_current(client, lead):
    response = client.post("/schools/117083/details/", {"head_teacher": "New Head", "governor_name": ""})
    assert response.context["form"].errors["governor_name"] == [
        "Enter the name of the governor who oversees anti-bullying"
    ]
    client.post("/schools/117083/details/", {"head_teacher": "New Head", "governor_name": "Mrs New Governor"})
    school = School.objects.get(urn=117083)
    assert (school.head_teacher, school.governor_name) == ("New Head", "Mrs New Governor")
    assert AuditEvent.objects.get(action="school.details_updated").data["after"]["governor_name"] == "Mrs New Governor"


def test_admin_records_an_inspection(client, lead):
    login(client, AdminFactory())
    rule = EligibilityRule.objects.get(framework="ofsted-2025")
    data = {
        "inspected_on_0": "20",
        "inspected_on_1": "1",
        "inspected_on_2": "2026",
        "inspection_rule": rule.pk,
        "inspection_judgement": "expected",
    }
    response = client.post("/schools/117083/inspections/new/", data)
    assert (
        response.context["form"].errors["inspection_safeguarding"][0].startswith("Select whether safeguarding was met")
    )
    data["inspection_safeguarding"] = "met"
    if datetime.date.today() >= datetime.date(2026, 1, 20):
        client.post("/schools/117083/inspections/new/", data)
        school = School.objects.get(urn=117083)
        assert school.eligibility == School.Eligibility.MET


def test_admin_override_through_the_page(client):
    school = SchoolFactory(urn=117083, eligibility=School.Eligibility.NOT_MET)
    login(client, AdminFactory())
    response = client.post("/schools/117083/eligibility/override/", {"reason": ""})
    assert response.context["form"].errors["reason"] == ["Enter the reason for overriding eligibility"]
    client.post("/schools/117083/eligibility/override/", {"reason": "Recent monitoring visit"})
    school.refresh_from_db()
    assert school.eligibility == School.Eligibility.OVERRIDDEN
    assert "Recent monitoring visit" in client.get("/schools/117083/").content.decode()


# --- Welcome pack ---------------------------------------------------------------------------


def test_admin_adds_a_file_and_a_link_and_downloads_are_checked(client):
    admin = AdminFactory()
    login(client, admin)
    upload = SimpleUploadedFile("booklet.pdf", b"%PDF-1.4 hello", content_type="application/pdf")
    response = client.post(
        "/welcome-pack/new/", {"title": "Booklet", "upload": upload, "position": "1", "is_active": "on"}
    )
    assert response.url == "/welcome-pack/"
    resource = WelcomePackResource.objects.get(title="Booklet")
    assert resource.file_name == "booklet.pdf" and resource.size == 14
    response = client.post("/welcome-pack/new/", {"title": "Neither", "position": "2"})
    assert response.context["form"].errors["upload"] == ["Select a file or enter a link"]
    bad = SimpleUploadedFile("tool.exe", b"MZ", content_type="application/octet-stream")
    response = client.post("/welcome-pack/new/", {"title": "Bad", "upload": bad, "position": "2"})
    assert "must be a PDF" in response.context["form"].errors["upload"][0]
    client.post(
        "/welcome-pack/new/",
        {"title": "Gov guidance", "url": "https://www.gov.uk/bullying", "position": "2", "is_active": "on"},
    )
    assert WelcomePackResource.objects.get(title="Gov guidance").url == "https://www.gov.uk/bullying"

    download = client.get(f"/welcome-pack/{resource.pk}/download/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 hello"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download["Content-Disposition"]

    member = MembershipFactory()
    login(client, member.user)
    assert client.get(f"/welcome-pack/{resource.pk}/download/").status_code == 200
    assert client.get("/welcome-pack/").status_code == 403
    login(client, UserFactory())
    assert client.get(f"/welcome-pack/{resource.pk}/download/").status_code == 404
    client.logout()
    assert client.get(f"/welcome-pack/{resource.pk}/download/").status_code == 302

    login(client, admin)
    client.post(f"/welcome-pack/{resource.pk}/delete/")
    assert not WelcomePackResource.objects.filter(pk=resource.pk).exists()


def test_eligibility_rule_edit_page(client):
    login(client, AdminFactory())
    rule = EligibilityRule.objects.get(framework="ofsted-2019")
    assert "Behaviour and attitudes" in client.get("/eligibility-rules/").content.decode()
    data = {
        "name": rule.name,
        "judgement": rule.judgement,
        "in_force_from_0": "1",
        "in_force_from_1": "9",
        "in_force_from_2": "2019",
        "in_force_until_0": "1",
        "in_force_until_1": "1",
        "in_force_until_2": "2019",
        "passing_values": [],
    }
    response = client.post(f"/eligibility-rules/{rule.pk}/edit/", data)
    errors = response.context["form"].errors
    assert errors["passing_values"] == ["Select at least one judgement that makes a school eligible"]
    assert errors["in_force_until"] == ["The end date must be the same as or after the start date"]
    data.update(in_force_until_2="2025", in_force_until_1="11", in_force_until_0="9", passing_values=["1"])
    assert client.post(f"/eligibility-rules/{rule.pk}/edit/", data).url == "/eligibility-rules/"
    rule.refresh_from_db()
    assert rule.passing_values == ["1"]


def test_nav_links_by_role(client, lead):
    page = client.get("/").content.decode()
    assert 'href="/school/"' in page and 'href="/registrations/"' not in page
    login(client, AdminFactory())
    page = client.get("/").content.decode()
    for link in ("/registrations/", "/scheme-admin/", "/schools/"):
        assert f'href="{link}"' in page
    # The menu stays on one row: the less used admin pages are grouped on "Scheme admin".
    menu = page[page.index('id="navigation"') : page.index("</nav>")]
    for grouped in ("/welcome-pack/", "/eligibility-rules/", "/accounts/people/", "/audit/"):
        assert f'href="{grouped}"' not in menu
    scheme_admin = client.get("/scheme-admin/").content.decode()
    for grouped in ("/welcome-pack/", "/eligibility-rules/", "/accounts/people/", "/audit/"):
        assert f'href="{grouped}"' in scheme_admin


@pytest.mark.parametrize(
    "existing",
    [
        lambda: UserFactory(is_superuser=True, is_staff=True, is_active=False, email="support@example.org"),
        lambda: UserFactory(email="support@example.org"),  # e.g. a validator's account: no school
        lambda: AdminFactory(email="support@example.org"),
    ],
    ids=["deactivated-superuser", "account-outside-any-school", "hw-admin"],
)
def test_a_lead_cannot_take_over_an_account_outside_the_school(existing):
    from schools import services

    lead = LeadFactory()
    person = existing()
    before = (person.is_active, person.first_name, person.last_name)
    with pytest.raises(services.SchoolError, match="not part of a school's team"):
        services.member_invite(
            school=lead.school, actor=lead.user, email="Support@example.org", first_name="X", last_name="Y"
        )
    person.refresh_from_db()
    assert (person.is_active, person.first_name, person.last_name) == before
    assert not Membership.objects.filter(user=person).exists()
    assert not Invitation.objects.filter(user=person).exists()
