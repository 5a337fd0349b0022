"""Reads with rules: a school user's own school, the register, the admin queue, the welcome pack."""

from django.conf import settings
from django.db.models import Q
from django.http import Http404

from accreditation.compiled import CompiledQuery, attnames
from accreditation.permissions import is_hw_admin

from . import working
from .models import Membership, Registration, School, WelcomePackResource


def memberships_for_user(user) -> list[Membership]:
    """The person's active memberships, one per school, by school name. One query, cached on the
    user object (the navigation, the switcher and every permission read the same list)."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_school_memberships"):
        user._school_memberships = [_membership(row) for row in _MEMBERSHIPS.rows(user.pk)]
    return user._school_memberships


# Read on every signed-in request, so compiled to SQL once (accreditation.compiled, issue 20): the
# ORM spent about 0.9 ms building this query each time, the database 0.1 ms answering it.
_MEMBERSHIP_FIELDS = attnames(Membership)
_SCHOOL_FIELDS = attnames(School)
_MEMBERSHIPS = CompiledQuery(
    lambda user_id: (
        Membership.objects.filter(user_id=user_id, is_active=True, user__is_active=True)
        .order_by("school__name", "school_id")
        .values_list(*_MEMBERSHIP_FIELDS, *(f"school__{name}" for name in _SCHOOL_FIELDS))
    )
)


def _membership(row) -> Membership:
    """A membership with its school, as `select_related("school")` would load it."""
    split = len(_MEMBERSHIP_FIELDS)
    membership = Membership.from_db("default", _MEMBERSHIP_FIELDS, row[:split])
    membership.school = School.from_db("default", _SCHOOL_FIELDS, row[split:])
    return membership


def membership_for_user(user) -> Membership | None:
    """The membership of the school the person is working as, or None.

    A person in one school works as that school. A person in several works as the school chosen
    in the session (`schools.working`), or the first by name until they choose. Every
    school-scoped read and permission compares the school it is given with this one, so nothing
    one school holds is visible while working as another.
    """
    memberships = memberships_for_user(user)
    if not memberships:
        return None
    chosen = working.chosen_school_id(user)
    return next((m for m in memberships if m.school_id == chosen), memberships[0])


def membership_in(user, school_id) -> Membership | None:
    """The person's active membership of the school with this id (working as it or not)."""
    return next((m for m in memberships_for_user(user) if m.school_id == int(school_id)), None)


def school_for_user(user):
    """The school the person is working as, or None."""
    membership = membership_for_user(user)
    return membership.school if membership else None


def school_for_viewer(user, urn) -> School:
    """The school with `urn` if `user` may see it: admins any school, school users their own. Else 404."""
    if is_hw_admin(user):
        school = School.objects.filter(urn=urn).first()
    else:
        own = school_for_user(user)
        school = own if own is not None and own.urn == int(urn) else None
    if school is None:
        raise Http404("No such school")
    return school


def team_member(school, membership_id) -> Membership:
    """A membership of `school` (active or not); another school's answers 404."""
    membership = Membership.objects.select_related("user").filter(school=school, pk=membership_id).first()
    if membership is None:
        raise Http404("No such team member")
    return membership


def team_for_school(school):
    return Membership.objects.filter(school=school).select_related("user").order_by("-is_active", "role", "user__email")


def our_schools():
    """Schools in the council's own local authorities (settings.LOCAL_AUTHORITY_CODES): the
    register import loads all of England, the scheme and its figures are about these."""
    return School.objects.filter(la_code__in=settings.LOCAL_AUTHORITY_CODES)


def lead_emails(school) -> list[str]:
    """The addresses of the school's active SLT lead (empty when it has none)."""
    return list(
        Membership.objects.filter(
            school=school, role=Membership.Role.LEAD, is_active=True, user__is_active=True
        ).values_list("user__email", flat=True)
    )


def register_search(query: str, limit: int = 25):
    """Schools in the register whose name contains `query`, the authority's open schools first."""
    schools = list(School.objects.filter(name__icontains=query.strip(), from_register=True)[: limit * 4])
    ours = set(settings.LOCAL_AUTHORITY_CODES)
    schools.sort(key=lambda s: (s.la_code not in ours, not s.is_open, s.name))
    return schools[:limit]


def registration_refusal(*, urn: int, school: School | None, named: bool = True) -> str | None:
    """Why a school cannot register now, in words for the person registering; None if it can.

    `named=False` words it for a row that already shows the school's name and URN ("This school ...").
    """
    contact = f"the Health & Wellbeing team at {settings.HW_TEAM_EMAIL}"
    if school is not None:
        subject = f"{school.name} (URN {urn})" if named else "This school"
        if not school.is_open:
            return (
                f"{subject} is shown as “{school.status}” in the register of schools. "
                f"Only open schools can join the scheme. If this is wrong, contact {contact}."
            )
        if school.la_code not in settings.LOCAL_AUTHORITY_CODES:
            where = school.la_name or f"local authority {school.la_code}"
            return f"{subject} is in {where}. The scheme is open only to schools in {settings.COUNCIL_NAME}'s area."
    if Registration.objects.filter(urn=urn, status=Registration.Status.PENDING).exists():
        subject = f"URN {urn}" if named else "this school"
        return (
            f"A registration for {subject} is already waiting for a decision. "
            f"To ask about it or change it, contact {contact}."
        )
    already = Registration.objects.filter(urn=urn, status=Registration.Status.APPROVED).exists() or (
        Membership.objects.filter(school__urn=urn, is_active=True).exists()
    )
    if already:
        subject = f"URN {urn}" if named else "This school"
        return (
            f"{subject} is already registered with the scheme. Ask your school's SLT lead to invite you, "
            f"or contact {contact}."
        )
    return None


def registrations_for_queue(*, status="pending", query="", entered_by_hand=None):
    registrations = Registration.objects.select_related("school", "inspection_rule", "decided_by")
    if status in Registration.Status.values:
        registrations = registrations.filter(status=status)
    if entered_by_hand is not None:
        registrations = registrations.filter(entered_by_hand=entered_by_hand)
    query = query.strip()
    if query:
        match = Q(school_name__icontains=query) | Q(lead_name__icontains=query) | Q(lead_email__icontains=query)
        if query.isdigit():
            match |= Q(urn=int(query))
        registrations = registrations.filter(match)
    return registrations.order_by("submitted_at") if status == "pending" else registrations


def schools_for_admin(*, query=""):
    """Schools in the scheme: an approved registration or an active team (pending ones are in the queue)."""
    in_scheme = Q(memberships__is_active=True) | Q(registrations__status=Registration.Status.APPROVED)
    schools = School.objects.filter(in_scheme).distinct()
    query = query.strip()
    if query:
        schools = schools.filter(Q(name__icontains=query) | (Q(urn=int(query)) if query.isdigit() else Q(pk=None)))
    return schools.order_by("name")


def welcome_pack(*, active_only=True):
    resources = WelcomePackResource.objects.all()
    return resources.filter(is_active=True) if active_only else resources


def welcome_pack_resource_for_download(user, resource_id) -> WelcomePackResource:
    """A welcome pack file the person may download: admins any, school users the active ones."""
    resources = WelcomePackResource.objects.exclude(file="")
    if not is_hw_admin(user):
        if membership_for_user(user) is None:
            raise Http404("No such resource")
        resources = resources.filter(is_active=True)
    resource = resources.filter(pk=resource_id).first()
    if resource is None:
        raise Http404("No such resource")
    return resource
