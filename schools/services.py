"""Writes with rules for schools: registration and its decision, eligibility, the welcome pack
and the school's own team. Each function checks who may act, writes an audit entry and queues any
email through accreditation.notifications (delivered after commit)."""

import mimetypes
import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accreditation import audit, notifications
from accreditation import services as accreditation_services
from accreditation.errors import Refusal
from accreditation.permissions import is_hw_admin, second_factor_mandatory
from accreditation.services import invitation_send

from . import eligibility, permissions, selectors
from .models import (
    EligibilityRule,
    Inspection,
    InspectionCorrection,
    Membership,
    Registration,
    School,
    WelcomePackResource,
)

User = get_user_model()

# Welcome pack files are attached while they fit in this many bytes together; bigger packs are
# sent as links to the download page (sign-in needed), so no email bounces for its size.
WELCOME_PACK_ATTACH_LIMIT = 10 * 1024 * 1024


class SchoolError(Refusal):
    """An action that cannot be done; the message says why, for the person who tried."""


class NotAllowed(SchoolError):
    pass


def _require(allowed: bool, message="You cannot do that.") -> None:
    if not allowed:
        raise NotAllowed(message)


def _split_name(name):
    first, _, last = name.strip().partition(" ")
    return first, last


# --- Registration ---------------------------------------------------------------------------


@transaction.atomic
def registration_submit(*, school: School | None, details: dict) -> Registration:
    """Record a registration from the public form and email the SLT lead and the H&W team.

    `school` is the register's school, or None when the school was entered by hand (then
    `details` carries urn, school_name, school_address and school_postcode). Refuses a closed
    school, one outside the authority, and a URN already registered or waiting.
    """
    urn = school.urn if school is not None else details["urn"]
    if not 100_000 <= int(urn) <= 999_999:
        raise SchoolError("Enter a URN of 6 digits from 100000, like 117083")
    refusal = selectors.registration_refusal(urn=urn, school=school)
    if refusal:
        raise SchoolError(refusal)
    rule = details["inspection_rule"]
    problems = eligibility.inspection_problems(
        rule=rule,
        inspected_on=details["inspected_on"],
        judgement=details["inspection_judgement"],
        safeguarding=details["inspection_safeguarding"],
        today=timezone.localdate(),
    )
    if problems:
        raise SchoolError(" ".join(problems.values()))
    fields = {
        key: details.get(key, "")
        for key in (
            "lead_name",
            "lead_role",
            "lead_email",
            "lead_phone",
            "head_teacher",
            "governor_name",
            "school_address",
            "school_postcode",
            "inspection_judgement",
            "inspection_safeguarding",
        )
    }
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                school=school,
                urn=urn,
                school_name=school.name if school is not None else details["school_name"],
                entered_by_hand=school is None,
                equality_declaration=bool(details.get("equality_declaration")),
                inspected_on=details["inspected_on"],
                inspection_rule=rule,
                **fields,
            )
    except IntegrityError as error:
        # Two people registering the same school at once: the constraint keeps one.
        raise SchoolError(selectors.registration_refusal(urn=urn, school=school) or "Try again.") from error
    context = {"registration": registration, "queue_link": settings.SITE_URL + reverse("schools:registration_queue")}
    notifications.send(to=registration.lead_email, template="registration_received", context=context)
    notifications.send(to=settings.HW_TEAM_EMAIL, template="registration_submitted", context=context)
    audit.record(
        actor=None,
        action="registration.submitted",
        target=registration,
        summary=f"{registration.school_name} ({urn}) by {registration.lead_email}",
        data={"entered_by_hand": registration.entered_by_hand},
    )
    return registration


def registration_judgement(registration: Registration):
    """What the eligibility engine makes of the inspection given on a registration."""
    if registration.inspection_rule is None:
        return eligibility.Judgement(School.Eligibility.UNKNOWN, "No inspection was given.")
    return eligibility.judge(
        rule=registration.inspection_rule,
        judgement=registration.inspection_judgement,
        safeguarding=registration.inspection_safeguarding,
    )


def _lock_pending(registration) -> Registration:
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.PENDING:
        raise SchoolError(f"This registration has already been {registration.get_status_display().lower()}.")
    return registration


def _tell_added_to_team(*, user, school, actor, inviter: str, is_lead: bool, has_account: bool, invitation_purpose):
    """Someone who already signs in (here or for another school) is told they were added; anyone
    else gets the set-password invitation."""
    if has_account:
        notifications.send(
            to=user.email,
            template="team_added",
            context={
                "user": user,
                "school": school,
                "inviter": inviter,
                "is_lead": is_lead,
                "home_link": settings.SITE_URL + reverse("home"),
            },
        )
    else:
        invitation_send(user=user, created_by=actor, purpose=invitation_purpose)


@transaction.atomic
def registration_approve(*, registration: Registration, actor, details_confirmed: bool = False) -> Registration:
    """Approve a pending registration: create (or update) the school, the SLT lead's account and
    lead membership, record the inspection and its eligibility, then email the set-password
    invitation and the welcome pack. All or nothing.

    A school entered by hand is not in the register: the admin must confirm its details (name,
    address, that it is open and in our authority) first (`details_confirmed`)."""
    _require(is_hw_admin(actor), "Only the Health & Wellbeing team can approve registrations.")
    registration = _lock_pending(registration)
    if registration.entered_by_hand and registration.school is None and not details_confirmed:
        raise SchoolError(
            "This school is not in the register: confirm you have checked its name, address, that it is open "
            "and in our local authority before approving."
        )
    refusal = _approval_refusal(registration)
    if refusal:
        raise SchoolError(refusal)
    school = registration.school
    if school is None:
        school = School.objects.filter(urn=registration.urn).first() or School(
            urn=registration.urn,
            name=registration.school_name,
            la_code=settings.LOCAL_AUTHORITY_CODES[0],
            from_register=False,
            street=registration.school_address[:200],
            postcode=registration.school_postcode,
            status="Open",
        )
    school.head_teacher = registration.head_teacher
    school.governor_name = registration.governor_name
    school.save()

    user = User.objects.filter(email__iexact=registration.lead_email).first()
    first, last = _split_name(registration.lead_name)
    if user is None:
        user = User.objects.create_user(
            email=registration.lead_email,
            first_name=first,
            last_name=last,
            job_title=registration.lead_role,
            phone=registration.lead_phone,
        )
    else:
        user.is_active = True
        user.save(update_fields=["is_active"])
    Membership.objects.update_or_create(
        user=user, school=school, defaults={"role": Membership.Role.LEAD, "is_active": True}
    )
    if registration.inspection_rule is not None:
        Inspection.objects.create(
            school=school,
            inspected_on=registration.inspected_on,
            rule=registration.inspection_rule,
            judgement=registration.inspection_judgement,
            safeguarding=registration.inspection_safeguarding,
            recorded_by=actor,
        )
    school_eligibility_refresh(school=school, actor=actor, clear_override=True)

    registration.school = school
    registration.status = Registration.Status.APPROVED
    registration.decided_at = timezone.now()
    registration.decided_by = actor
    registration.save()
    _tell_added_to_team(
        user=user,
        school=school,
        actor=actor,
        inviter="The Health & Wellbeing team",
        is_lead=True,
        has_account=user.has_usable_password() and user.last_login is not None,
        invitation_purpose=f"The registration of {school.name} for the anti-bullying accreditation scheme has been "
        "approved, with you as the school's SLT lead.",
    )
    welcome_pack_send(school=school, to=user.email, actor=actor)
    audit.record(
        actor=actor,
        action="registration.approved",
        target=registration,
        summary=school.name + (" (not in the register: details confirmed by hand)" if details_confirmed else ""),
    )
    return registration


def _approval_refusal(registration) -> str | None:
    existing = User.objects.filter(email__iexact=registration.lead_email).first()
    if existing is not None and (existing.is_staff or second_factor_mandatory(existing)):
        return (
            f"{registration.lead_email} is the email address of a Health & Wellbeing, validating group or support "
            "account, which cannot also lead a school: ask the school for another email address for its SLT lead."
        )
    # Someone already in another school's team (the head of a federation registering its second
    # school) keeps their account and becomes this school's lead too.
    school = registration.school or School.objects.filter(urn=registration.urn).first()
    if school is not None and Membership.objects.filter(school=school, is_active=True).exists():
        return f"{school.name} already has a team in the portal. Reject this registration and tell the school why."
    return None


@transaction.atomic
def registration_reject(*, registration: Registration, actor, reason: str) -> Registration:
    """Reject a pending registration and email the reason to the SLT lead named on it."""
    _require(is_hw_admin(actor), "Only the Health & Wellbeing team can reject registrations.")
    if not reason.strip():
        raise SchoolError("Enter the reason for rejecting the registration")
    registration = _lock_pending(registration)
    registration.status = Registration.Status.REJECTED
    registration.decided_at = timezone.now()
    registration.decided_by = actor
    registration.decision_reason = reason.strip()
    registration.save()
    notifications.send(
        to=registration.lead_email, template="registration_rejected", context={"registration": registration}
    )
    audit.record(actor=actor, action="registration.rejected", target=registration, summary=registration.decision_reason)
    return registration


# --- Eligibility ----------------------------------------------------------------------------


def school_eligibility_refresh(*, school: School, actor=None, clear_override=False) -> School:
    """Judge the school's most recent inspection and store the result on the school. An admin's
    override stands until a newer inspection is recorded (`clear_override`) or it is removed."""
    if school.eligibility == School.Eligibility.OVERRIDDEN and not clear_override:
        return school
    result = eligibility.judge_school(school)
    if (school.eligibility, school.eligibility_reason) != (result.eligibility, result.reason):
        before = school.eligibility
        school.eligibility, school.eligibility_reason = result.eligibility, result.reason
        school.save(update_fields=["eligibility", "eligibility_reason"])
        audit.record(
            actor=actor,
            action="school.eligibility_judged",
            target=school,
            summary=result.reason,
            data={"from": before, "to": result.eligibility},
        )
    return school


@transaction.atomic
def inspection_record(
    *, school: School, actor, inspected_on, rule: EligibilityRule, judgement, safeguarding=""
) -> Inspection:
    """Record an Ofsted inspection for the school (an H&W admin only: a school asks for a correction)
    and judge eligibility again from the most recent inspection. Writes an audit entry."""
    _require(
        permissions.can_record_inspection(actor),
        "Only the Health & Wellbeing team can record inspections. Ask them for a correction instead.",
    )
    problems = eligibility.inspection_problems(
        rule=rule, inspected_on=inspected_on, judgement=judgement, safeguarding=safeguarding, today=timezone.localdate()
    )
    if problems:
        raise SchoolError(" ".join(problems.values()))
    school = School.objects.select_for_update().get(pk=school.pk)
    inspection = Inspection.objects.create(
        school=school,
        inspected_on=inspected_on,
        rule=rule,
        judgement=judgement,
        safeguarding=safeguarding if rule.records_safeguarding else safeguarding or "",
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        action="inspection.recorded",
        target=school,
        summary=f"{rule.name}, {inspected_on:%d-%m-%Y}: {inspection.judgement_label}",
    )
    latest = school.inspections.order_by("-inspected_on", "-recorded_at", "-id").first()
    school_eligibility_refresh(school=school, actor=actor, clear_override=latest.pk == inspection.pk)
    return inspection


@transaction.atomic
def inspection_correction_request(*, school: School, actor, reason: str) -> InspectionCorrection:
    """The school's SLT lead asks the H&W team to correct the school's inspection data, saying
    what is wrong. One open request at a time. Writes an audit entry and emails the H&W team."""
    _require(
        permissions.can_request_inspection_correction(actor, school),
        "Only the school's SLT lead can ask for a correction of its inspection data.",
    )
    reason = (reason or "").strip()
    if not reason:
        raise SchoolError("Enter what is wrong with the inspection data and what it should say")
    school = School.objects.select_for_update().get(pk=school.pk)
    if school.inspection_corrections.filter(status=InspectionCorrection.Status.OPEN).exists():
        raise SchoolError(
            "Your school has already asked for a correction. The Health & Wellbeing team will answer it first."
        )
    correction = InspectionCorrection.objects.create(school=school, requested_by=actor, reason=reason[:4000])
    audit.record(actor=actor, action="inspection.correction_requested", target=correction, summary=reason[:300])
    notifications.send(
        to=settings.HW_TEAM_EMAIL,
        template="inspection_correction_requested",
        context={
            "school": school,
            "correction": correction,
            "person": actor,
            "link": f"{settings.SITE_URL}{reverse('schools:inspection_correction_decide', args=[correction.pk])}",
        },
    )
    return correction


@transaction.atomic
def inspection_correction_decide(
    *, correction: InspectionCorrection, actor, accept: bool, note: str = ""
) -> InspectionCorrection:
    """An H&W admin accepts (then records the corrected inspection) or rejects (with a reason) a
    school's correction request. Writes an audit entry and emails the person who asked."""
    _require(is_hw_admin(actor), "Only the Health & Wellbeing team can decide correction requests.")
    correction = InspectionCorrection.objects.select_for_update().select_related("school").get(pk=correction.pk)
    if correction.status != InspectionCorrection.Status.OPEN:
        raise SchoolError(f"This request has already been {correction.get_status_display().lower()}.")
    note = (note or "").strip()
    if not accept and not note:
        raise SchoolError("Enter the reason for rejecting the request: the school will read it")
    Status = InspectionCorrection.Status
    correction.status = Status.ACCEPTED if accept else Status.REJECTED
    correction.decided_by, correction.decided_at, correction.decision_note = actor, timezone.now(), note[:4000]
    correction.save()
    audit.record(
        actor=actor,
        action=f"inspection.correction_{correction.status}",
        target=correction,
        summary=note[:300] or correction.get_status_display(),
    )
    if correction.requested_by and correction.requested_by.is_active:
        notifications.send(
            to=correction.requested_by.email,
            template="inspection_correction_decided",
            context={
                "user": correction.requested_by,
                "school": correction.school,
                "correction": correction,
                "link": f"{settings.SITE_URL}{correction.school.get_absolute_url()}",
            },
        )
    return correction


@transaction.atomic
def school_eligibility_override(*, school: School, actor, reason: str) -> School:
    """An admin makes the school eligible whatever its inspection says, with a recorded reason."""
    _require(is_hw_admin(actor), "Only the Health & Wellbeing team can override eligibility.")
    if not reason.strip():
        raise SchoolError("Enter the reason for overriding eligibility")
    school = School.objects.select_for_update().get(pk=school.pk)
    before = school.eligibility
    school.eligibility = School.Eligibility.OVERRIDDEN
    school.eligibility_reason = f"The Health & Wellbeing team made the school eligible: {reason.strip()}"
    school.save(update_fields=["eligibility", "eligibility_reason"])
    audit.record(
        actor=actor,
        action="school.eligibility_overridden",
        target=school,
        summary=reason.strip(),
        data={"from": before, "to": school.eligibility},
    )
    return school


@transaction.atomic
def school_eligibility_override_remove(*, school: School, actor) -> School:
    """An admin removes an override; the most recent inspection decides again."""
    _require(is_hw_admin(actor), "Only the Health & Wellbeing team can change eligibility.")
    school = School.objects.select_for_update().get(pk=school.pk)
    if school.eligibility != School.Eligibility.OVERRIDDEN:
        raise SchoolError("The school's eligibility is not overridden.")
    audit.record(actor=actor, action="school.eligibility_override_removed", target=school)
    return school_eligibility_refresh(school=school, actor=actor, clear_override=True)


@transaction.atomic
def eligibility_rule_update(*, rule: EligibilityRule, actor, **changes) -> EligibilityRule:
    """An admin edits a framework's rule; every school judged under it is judged again."""
    _require(is_hw_admin(actor), "Only the Health & Wellbeing team can edit eligibility rules.")
    before = {key: str(getattr(rule, key)) for key in changes}
    for key, value in changes.items():
        setattr(rule, key, value)
    rule.updated_at = timezone.now()
    rule.save()
    audit.record(
        actor=actor,
        action="eligibility_rule.updated",
        target=rule,
        data={"before": before, "after": {key: str(value) for key, value in changes.items()}},
    )
    for school in School.objects.filter(inspections__rule=rule).distinct():
        school_eligibility_refresh(school=school, actor=actor)
    return rule


# --- Welcome pack ---------------------------------------------------------------------------


@transaction.atomic
def welcome_pack_resource_save(
    *,
    actor,
    resource: WelcomePackResource | None = None,
    title,
    description="",
    upload=None,
    url="",
    is_active=True,
    position=0,
) -> WelcomePackResource:
    """Add a welcome pack resource (a file stored privately, or a link) or change one."""
    _require(is_hw_admin(actor), "Only the Health & Wellbeing team can change the welcome pack.")
    creating = resource is None
    resource = resource or WelcomePackResource()
    old_file = resource.file.name if resource.file else ""
    resource.title, resource.description, resource.is_active, resource.position = (
        title,
        description,
        is_active,
        position,
    )
    if upload is not None:
        resource.file.save(os.path.basename(upload.name), upload, save=False)
        resource.file_name = os.path.basename(upload.name)[:255]
        resource.content_type = mimetypes.guess_type(upload.name)[0] or "application/octet-stream"
        resource.size = upload.size
        resource.url = ""
    elif url:
        resource.url, resource.file, resource.file_name, resource.size = url, "", "", 0
    resource.save()
    if old_file and old_file != resource.file.name:
        transaction.on_commit(lambda: default_storage.delete(old_file))
    audit.record(actor=actor, action="welcome_pack.added" if creating else "welcome_pack.changed", target=resource)
    return resource


@transaction.atomic
def welcome_pack_resource_delete(*, actor, resource: WelcomePackResource) -> None:
    """Remove a resource and, once committed, its stored file."""
    _require(is_hw_admin(actor), "Only the Health & Wellbeing team can change the welcome pack.")
    name = resource.file.name if resource.file else ""
    audit.record(actor=actor, action="welcome_pack.removed", target=resource)
    resource.delete()
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def welcome_pack_send(*, school: School, to, actor) -> None:
    """Email the active welcome pack to `to`: links, and files attached while they fit (all are
    also linked on the download page, which needs signing in)."""
    _require(is_hw_admin(actor), "Only the Health & Wellbeing team can send the welcome pack.")
    resources = list(selectors.welcome_pack())
    attachments, total = [], 0
    for resource in resources:
        if resource.is_file and total + resource.size <= WELCOME_PACK_ATTACH_LIMIT:
            total += resource.size
            attachments.append(
                {
                    "name": resource.file_name or os.path.basename(resource.file.name),
                    "path": resource.file.name,
                    "content_type": resource.content_type,
                }
            )
    items = [
        {
            "resource": resource,
            "link": resource.url
            or settings.SITE_URL + reverse("schools:welcome_pack_download", kwargs={"resource_id": resource.pk}),
            "attached": resource.is_file and any(a["path"] == resource.file.name for a in attachments),
        }
        for resource in resources
    ]
    notifications.send(
        to=to,
        template="welcome_pack",
        context={"school": school, "items": items, "home_link": settings.SITE_URL + reverse("home")},
        attachments=attachments,
    )
    audit.record(
        actor=actor, action="welcome_pack.sent", target=school, summary=str(to), data={"resources": len(items)}
    )


# --- The school's team ----------------------------------------------------------------------


@transaction.atomic
def member_invite(*, school: School, actor, email: str, first_name: str, last_name: str, job_title="") -> Membership:
    """Add a colleague to the school's team as a contributor.

    A new person gets an account and a set-password link. Someone who already works for another
    school (a trust's central staff, a federation's head) keeps their account and password: they
    are emailed that they have been added (`team_added`) and switch between their schools in the
    portal. Someone deactivated from this school is made active again. Refused, with the reason:
    anyone another app refuses for this school (a validator with an open conflict of interest with
    it), and accounts outside every school's team (admins, validators, support staff).
    """
    _require(
        permissions.can_manage_team(actor, school), "Only the school's SLT lead or an admin can invite colleagues."
    )
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    membership = Membership.objects.filter(user=user, school=school).first() if user else None
    if membership is not None and membership.is_active and user.is_active:
        raise SchoolError(f"{email} is already in your school's team.")
    if user is not None:
        refusal = permissions.team_join_refusal(user, school)
        if refusal:
            raise SchoolError(refusal)
        in_a_team = Membership.objects.filter(user=user).exists()
        if user.is_hw_admin or user.is_staff or not in_a_team:
            # An account outside any school (an admin's, a validator's, support staff's) is never taken over.
            raise SchoolError(
                f"{email} already has an account on the portal that is not part of a school's team, so it cannot be "
                f"added here. Contact the Health & Wellbeing team at {settings.HW_TEAM_EMAIL}."
            )
    elsewhere = Membership.objects.filter(user=user, is_active=True).exclude(school=school).exists() if user else False
    if user is None:
        user = User.objects.create_user(email=email, first_name=first_name, last_name=last_name, job_title=job_title)
    elif not user.is_active:
        # A former colleague coming back (deactivated when they left their only school).
        user.is_active = True
        user.save(update_fields=["is_active"])
    if membership is None:
        membership = Membership.objects.create(user=user, school=school, role=Membership.Role.CONTRIBUTOR)
    else:
        membership.is_active, membership.role = True, Membership.Role.CONTRIBUTOR
        membership.save(update_fields=["is_active", "role"])
    inviter = actor.get_full_name() or actor.email
    _tell_added_to_team(
        user=user,
        school=school,
        actor=actor,
        inviter=inviter,
        is_lead=False,
        has_account=user.has_usable_password() and (elsewhere or user.last_login is not None),
        invitation_purpose=f"{inviter} has invited you to help build {school.name}'s anti-bullying accreditation "
        "portfolio.",
    )
    audit.record(
        actor=actor,
        action="team.invited",
        target=membership,
        summary=email + (" (already works for another school)" if elsewhere else ""),
    )
    return membership


@transaction.atomic
def lead_hand_over(*, school: School, actor, membership: Membership) -> Membership:
    """Make an active colleague the school's SLT lead; the current lead becomes a contributor.
    Emails the new lead."""
    _require(
        permissions.can_manage_team(actor, school),
        "Only the school's SLT lead or an admin can hand over the lead role.",
    )
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if membership.school_id != school.pk or not membership.is_active or not membership.user.is_active:
        raise SchoolError("Choose an active member of the school's team to be the SLT lead.")
    if membership.role == Membership.Role.LEAD:
        raise SchoolError(f"{membership.user} is already the SLT lead.")
    current = (
        Membership.objects.select_for_update().filter(school=school, role=Membership.Role.LEAD, is_active=True).first()
    )
    if current is not None:
        current.role = Membership.Role.CONTRIBUTOR
        current.save(update_fields=["role"])
    membership.role = Membership.Role.LEAD
    membership.save(update_fields=["role"])
    notifications.send(
        to=membership.user.email,
        template="lead_handed_over",
        context={
            "school": school,
            "new_lead": membership.user,
            "previous_lead": current.user if current else None,
            "home_link": settings.SITE_URL + reverse("home"),
        },
    )
    audit.record(
        actor=actor,
        action="team.lead_handed_over",
        target=membership,
        summary=f"{current.user.email if current else 'nobody'} -> {membership.user.email}",
    )
    return membership


@transaction.atomic
def member_deactivate(*, school: School, actor, membership: Membership) -> Membership:
    """Take a person off the school's team and deactivate their account, which signs them out
    everywhere at their next request. Someone still in another school's team keeps their account
    and loses this school only. The SLT lead must hand over the role first."""
    _require(
        permissions.can_manage_team(actor, school), "Only the school's SLT lead or an admin can deactivate accounts."
    )
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    if membership.school_id != school.pk:
        raise SchoolError("That person is not in this school's team.")
    if not membership.is_active:
        raise SchoolError(f"{membership.user}'s account is already deactivated.")
    if membership.role == Membership.Role.LEAD:
        raise SchoolError("The SLT lead's account cannot be deactivated. Hand the lead role to a colleague first.")
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    user = membership.user
    works_elsewhere = Membership.objects.filter(user=user, is_active=True).exclude(pk=membership.pk).exists()
    if not user.is_hw_admin and not user.is_staff and not works_elsewhere:
        # An inactive user is refused by the authentication backend on their next request, so
        # every session they hold ends; their open invitation links stop working too.
        accreditation_services.user_deactivate(user=user, actor=actor, reason=f"Taken off {school.name}'s team")
    audit.record(actor=actor, action="team.deactivated", target=membership, summary=user.email)
    return membership


@transaction.atomic
def school_details_update(*, school: School, actor, head_teacher: str, governor_name: str) -> School:
    """Keep the head teacher and the named governor for anti-bullying current."""
    _require(
        permissions.can_manage_team(actor, school), "Only the school's SLT lead or an admin can change these details."
    )
    school = School.objects.select_for_update().get(pk=school.pk)
    before = {"head_teacher": school.head_teacher, "governor_name": school.governor_name}
    school.head_teacher, school.governor_name = head_teacher, governor_name
    school.save(update_fields=["head_teacher", "governor_name"])
    audit.record(
        actor=actor,
        action="school.details_updated",
        target=school,
        data={"before": before, "after": {"head_teacher": head_teacher, "governor_name": governor_name}},
    )
    return school
