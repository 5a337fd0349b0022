"""The validating group: members, teams and conflicts of interest."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from accreditation import audit, notifications
from accreditation.errors import Refusal
from accreditation.models import User
from accreditation.services import invitation_send

from .. import permissions
from ..models import (
    Conflict,
    GroupMember,
    Team,
)

# The group -----------------------------------------------------------------------------------


@transaction.atomic
def member_invite(
    *, email: str, first_name: str, last_name: str, job_title: str = "", team: Team, invited_by: User
) -> GroupMember:
    """Add a person to the validating group in `team`.

    A new person gets an account and a set-password invitation; someone who already has an account
    (an admin, say) is told by email that they have joined. Refuses a person already in the group.
    """
    if not permissions.can_manage_group(invited_by):
        raise PermissionDenied
    if not team.is_active:
        raise Refusal(f"The team {team.name} is no longer in use. Select another team.")
    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    if user is not None and GroupMember.objects.filter(user=user).exists():
        raise Refusal(f"{email} is already a member of the validating group.")
    if user is not None and not user.is_active:
        raise Refusal(f"The account for {email} has been deactivated. Reactivate it first.")
    created = user is None
    if created:
        user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name, job_title=job_title)
    member = GroupMember.objects.create(user=user, team=team)
    audit.record(
        actor=invited_by,
        action="group_member.invited",
        target=member,
        summary=f"Joined the validating group for {team.name}",
        data={"team": team.slug, "new_account": created},
    )
    purpose = f"The Health & Wellbeing team has invited you to join the validating group, for {team.name}."
    if created or not user.has_usable_password():
        invitation_send(user=user, created_by=invited_by, purpose=purpose)
    else:
        notifications.send(to=user.email, template="validator_added", context={"user": user, "team": team})
    return member


@transaction.atomic
def member_change_team(*, member: GroupMember, team: Team, by: User) -> GroupMember:
    """Move a member to another (active) team."""
    if not permissions.can_manage_group(by):
        raise PermissionDenied
    if not team.is_active:
        raise Refusal(f"The team {team.name} is no longer in use. Select another team.")
    member = GroupMember.objects.select_for_update().select_related("team").get(pk=member.pk)
    if member.team_id == team.pk:
        return member
    previous = member.team
    member.team = team
    member.save(update_fields=["team"])
    audit.record(
        actor=by,
        action="group_member.team_changed",
        target=member,
        summary=f"Moved from {previous.name} to {team.name}",
        data={"from": previous.slug, "to": team.slug},
    )
    return member


@transaction.atomic
def member_set_active(*, member: GroupMember, active: bool, by: User) -> GroupMember:
    """Deactivate a member (they stop seeing group work and their calendar stops) or reactivate
    them. Their account and their conflicts stay: one person may also be an admin."""
    if not permissions.can_manage_group(by):
        raise PermissionDenied
    member = GroupMember.objects.select_for_update().select_related("user", "team").get(pk=member.pk)
    if member.is_active == active:
        raise Refusal(f"{member.user} is already {'an active' if active else 'a deactivated'} member of the group.")
    if active and not member.team.is_active:
        raise Refusal(f"Their team, {member.team.name}, is no longer in use. Move them to another team first.")
    member.is_active = active
    member.save(update_fields=["is_active"])
    audit.record(
        actor=by,
        action="group_member.reactivated" if active else "group_member.deactivated",
        target=member,
        summary=f"{'Reactivated' if active else 'Deactivated'} in the validating group",
    )
    return member


def _unique_slug(name: str, exclude_pk=None) -> str:
    base = slugify(name)[:50] or "team"
    slug, n = base, 2
    while Team.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _check_team_name(name: str, exclude_pk=None) -> str:
    name = " ".join(name.split())
    if not name:
        raise Refusal("Enter the team's name")
    if Team.objects.filter(name__iexact=name).exclude(pk=exclude_pk).exists():
        raise Refusal(f"There is already a team called {name}")
    return name


@transaction.atomic
def team_create(*, name: str, by: User) -> Team:
    """Add a team the group draws members from."""
    if not permissions.can_manage_group(by):
        raise PermissionDenied
    name = _check_team_name(name)
    team = Team.objects.create(name=name, slug=_unique_slug(name))
    audit.record(actor=by, action="team.created", target=team, summary=name)
    return team


@transaction.atomic
def team_rename(*, team: Team, name: str, by: User) -> Team:
    """Rename a team; its members stay in it. The slug stays, so links and data keep working."""
    if not permissions.can_manage_group(by):
        raise PermissionDenied
    name = _check_team_name(name, exclude_pk=team.pk)
    previous = team.name
    if previous == name:
        return team
    team.name = name
    team.save(update_fields=["name"])
    audit.record(actor=by, action="team.renamed", target=team, summary=f"Renamed from {previous} to {name}")
    return team


@transaction.atomic
def team_set_active(*, team: Team, active: bool, by: User) -> Team:
    """Stop offering a team for new members (its members stay until moved), or bring it back."""
    if not permissions.can_manage_group(by):
        raise PermissionDenied
    team = Team.objects.select_for_update().get(pk=team.pk)
    if team.is_active == active:
        raise Refusal(f"{team.name} is already {'in use' if active else 'out of use'}.")
    team.is_active = active
    team.save(update_fields=["is_active"])
    audit.record(actor=by, action="team.reactivated" if active else "team.deactivated", target=team)
    return team


# Conflicts of interest -----------------------------------------------------------------------


@transaction.atomic
def conflict_declare(*, member: GroupMember, school, kind: str, details: str = "", by: User) -> Conflict:
    """Record that `member` has an interest in `school`; from now on they are kept away from its
    application. An admin may declare on a member's behalf."""
    if not permissions.can_declare_conflict(by, member):
        raise PermissionDenied
    if kind not in Conflict.Kind.values:
        raise Refusal("Select the kind of interest")
    details = details.strip()
    if kind == Conflict.Kind.OTHER and not details:
        raise Refusal("Describe the interest")
    GroupMember.objects.select_for_update().get(pk=member.pk)
    if Conflict.objects.filter(member=member, school=school, withdrawn_at__isnull=True).exists():
        raise Refusal(f"A conflict of interest with {school.name} is already declared.")
    conflict = Conflict.objects.create(member=member, school=school, kind=kind, details=details, declared_by=by)
    audit.record(
        actor=by,
        action="conflict.declared",
        target=conflict,
        summary=f"{member.user} declared: {conflict.get_kind_display()}, {school.name}",
        data={"member": member.pk, "school": school.urn, "kind": kind},
    )
    return conflict


@transaction.atomic
def conflict_withdraw(*, conflict: Conflict, by: User) -> Conflict:
    """Close a declared conflict (the person no longer has the interest). The record stays."""
    conflict = Conflict.objects.select_for_update().select_related("member__user", "school").get(pk=conflict.pk)
    if not conflict.is_open:
        raise Refusal("This conflict of interest has already been withdrawn.")
    if not permissions.can_withdraw_conflict(by, conflict):
        raise PermissionDenied
    conflict.withdrawn_at = timezone.now()
    conflict.withdrawn_by = by
    conflict.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit.record(
        actor=by,
        action="conflict.withdrawn",
        target=conflict,
        summary=f"{conflict.member.user} withdrew: {conflict.get_kind_display()}, {conflict.school.name}",
    )
    return conflict
