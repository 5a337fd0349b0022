"""Erasure on request: anonymise a person where no legal reason to keep their details applies,
and explain, when refusing or when some records stay, why."""

from accreditation.errors import Refusal
from accreditation.models import User
from portfolios.models import Application
from schools.models import Membership
from validation.models import Decision, GroupMember, Review

from .schedule import person_anonymise

IN_REVIEW = [
    Application.State.SUBMITTED,
    Application.State.SCHEDULED,
    Application.State.UNDER_REVIEW,
    Application.State.FURTHER_INFORMATION,
]


def erasure_refusals(user: User) -> list[str]:
    """Why the portal cannot anonymise `user` now (empty when it can)."""
    problems = []
    if user.anonymised_at:
        problems.append("This person has already been anonymised.")
    if user.is_superuser:
        problems.append("Support staff accounts are closed by the support team, not from this page.")
    lead_of = Membership.objects.filter(user=user, role=Membership.Role.LEAD, is_active=True).select_related("school")
    for membership in lead_of:
        school = membership.school
        if Application.objects.filter(school=school, state__in=IN_REVIEW).exists():
            problems.append(
                f"{user} is the SLT lead of {school.name}, whose application is being reviewed: "
                "the school must name another SLT lead first (from its team page)."
            )
    return problems


def what_stays(user: User) -> list[str]:
    """What is kept after anonymising, and why, in words for the person who asked."""
    kept = [
        "The account row stays, named only by its role, so the records this person touched still read true.",
        "The audit trail keeps what was done and when, with the person's name and email replaced.",
    ]
    if Review.objects.filter(member__user=user).exists() or GroupMember.objects.filter(user=user).exists():
        kept.append(
            'Reviews and recommendations they wrote stay, attributed to "a member of the validating group": '
            "they are part of the record of how an award was decided (public task)."
        )
    if Decision.objects.filter(recorded_by=user).exists():
        kept.append('Decisions they recorded stay, attributed to "a member of the validating group".')
    if Application.objects.filter(submitted_by=user).exists():
        kept.append("Applications they submitted stay: they belong to the school, not to the person.")
    return kept


def person_erase(*, user: User, by: User, reason: str) -> User:
    """Anonymise `user` on request (see schedule.person_anonymise), unless a rule refuses it."""
    problems = erasure_refusals(user)
    if problems:
        raise Refusal(problems)
    reason = (reason or "").strip()
    if not reason:
        raise Refusal("Enter the reason for erasure (for example, the request's reference).")
    return person_anonymise(user=user, by=by, reason=f"Erasure on request: {reason[:200]}")
