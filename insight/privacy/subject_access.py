"""Subject access: everything the portal holds about one person, as a ZIP with a readable summary
(HTML) and the same data as JSON. The insight app reads every app, so the whole answer is put
together here; each section reads only rows that are about the person (their account, what they
did, what was sent to them), never another person's record."""

import io
import json
import zipfile
from datetime import date, datetime

from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from accreditation import audit
from accreditation.models import AuditEvent, OutboxMessage, User, UserSession
from portfolios.models import Application, EvidenceItem
from portfolios.training.privacy import bookings_for_email
from schools.models import Membership
from schools.privacy import registrations_for_email
from validation.models import Conflict, Decision, GroupMember, Review

MAX_MATCHES = 50


def people_matching(query: str) -> list[User]:
    """Accounts whose email is `query` (any case) or whose name contains it."""
    query = (query or "").strip()[:254]
    if not query:
        return []
    condition = Q(email__iexact=query)
    if "@" not in query:
        for part in query.split()[:3]:
            condition |= Q(first_name__icontains=part) | Q(last_name__icontains=part)
    return list(User.objects.filter(condition).order_by("last_name", "first_name", "email")[:MAX_MATCHES])


def _when(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _rows(queryset, fields):
    return [{label: _when(getter(obj)) for label, getter in fields.items()} for obj in queryset]


def collect(*, email: str, user: User | None = None) -> dict:
    """Every section of the answer for the person with `email` (or the account `user`). Sections
    about an account are empty when there is none; emails and registrations are found by address."""
    user = user or User.objects.filter(email__iexact=email).first()
    email = user.email if user else email.strip()
    data = {"subject": email, "produced_at": _when(timezone.now()), "account": None}
    if user:
        data["account"] = {
            "email": user.email,
            "first name": user.first_name,
            "last name": user.last_name,
            "job title": user.job_title,
            "phone": user.phone,
            "active": user.is_active,
            "H&W admin": user.is_hw_admin,
            "joined": _when(user.date_joined),
            "last signed in": _when(user.last_login),
            "deactivated": _when(user.deactivated_at),
            "anonymised": _when(user.anonymised_at),
        }
        data["school roles"] = _rows(
            Membership.objects.filter(user=user).select_related("school"),
            {
                "school": lambda m: m.school.name,
                "URN": lambda m: m.school.urn,
                "role": lambda m: m.get_role_display(),
                "active": lambda m: m.is_active,
                "since": lambda m: m.created_at,
            },
        )
        data["validating group"] = _rows(
            GroupMember.objects.filter(user=user).select_related("team"),
            {"team": lambda g: g.team.name, "active": lambda g: g.is_active},
        )
        data["conflicts of interest declared"] = _rows(
            Conflict.objects.filter(member__user=user).select_related("school"),
            {
                "school": lambda c: c.school.name,
                "kind": lambda c: c.get_kind_display(),
                "details": lambda c: c.details,
                "declared": lambda c: c.declared_at,
                "withdrawn": lambda c: c.withdrawn_at,
            },
        )
        data["reviews written"] = [
            {
                "school": review.agenda_item.application.school.name,
                "meeting": _when(review.agenda_item.meeting.date),
                "recommendation": review.get_recommendation_display(),
                "overall comment": review.comment,
                "submitted": _when(review.submitted_at),
                "criteria": "; ".join(
                    f"Criterion {j.criterion.number}: {j.get_judgement_display() or 'not judged'}"
                    + (f" ({j.comment})" if j.comment else "")
                    for j in review.judgements.all()
                ),
            }
            for review in Review.objects.filter(member__user=user)
            .select_related("agenda_item__application__school", "agenda_item__meeting")
            .prefetch_related("judgements__criterion")
        ]
        data["decisions recorded"] = _rows(
            Decision.objects.filter(recorded_by=user).select_related("application__school", "meeting"),
            {
                "school": lambda d: d.application.school.name,
                "meeting": lambda d: d.meeting.date,
                "outcome": lambda d: d.get_outcome_display(),
            },
        )
        data["declarations made"] = _rows(
            Application.objects.filter(submitted_by=user).select_related("school"),
            {
                "school": lambda a: a.school.name,
                "submitted": lambda a: a.submitted_at,
                "declaration": lambda a: a.declaration,
                "equality duty declaration": lambda a: a.equality_declaration,
            },
        )
        data["evidence uploaded"] = _rows(
            EvidenceItem.objects.filter(uploaded_by=user)
            .select_related("school")
            .only("title", "school__name", "uploaded_at"),
            {"school": lambda e: e.school.name, "title": lambda e: e.title, "added": lambda e: e.uploaded_at},
        )
        data["things they did (audit trail)"] = _rows(
            AuditEvent.objects.filter(actor=user).order_by("created_at"),
            {
                "when": lambda e: e.created_at,
                "action": lambda e: e.action,
                "about": lambda e: e.target_label,
                "summary": lambda e: e.summary,
                "network address": lambda e: e.ip_address,
            },
        )
        data["sign-in sessions"] = _rows(
            UserSession.objects.filter(user=user),
            {
                "signed in": lambda s: s.created_at,
                "last seen": lambda s: s.last_seen,
                "network address": lambda s: s.ip_address,
                "browser": lambda s: s.user_agent,
            },
        )
    data["emails sent to them"] = _rows(
        [m for m in OutboxMessage.objects.filter(to__icontains=email) if email.lower() in (a.lower() for a in m.to)],
        {
            "written": lambda m: m.created_at,
            "subject": lambda m: m.subject,
            "status": lambda m: m.get_status_display(),
            "sent": lambda m: m.sent_at,
            "text": lambda m: m.body_text,
        },
    )
    data["registrations sent"] = _rows(
        registrations_for_email(email),
        {
            "school": lambda r: r.school_name,
            "URN": lambda r: r.urn,
            "name": lambda r: r.lead_name,
            "role": lambda r: r.lead_role,
            "email": lambda r: r.lead_email,
            "phone": lambda r: r.lead_phone,
            "sent": lambda r: r.submitted_at,
            "status": lambda r: r.get_status_display(),
        },
    )
    data["training places booked"] = _rows(
        bookings_for_email(email),
        {
            "course": lambda b: b.course.title,
            "date": lambda b: b.course.runs_on,
            "school": lambda b: b.school.name,
            "name": lambda b: b.attendee_name,
            "email": lambda b: b.attendee_email,
            "status": lambda b: b.get_status_display(),
            "booked": lambda b: b.created_at,
        },
    )
    return data


def record_search(*, query: str, matches: int, by: User) -> None:
    """The request is audited: who searched, for what, and how many accounts matched."""
    audit.record(
        actor=by,
        action="subject_access.searched",
        summary=f"Subject access search: {matches} account(s) matched",
        data={"query": query[:254], "matches": matches},
    )


def subject_access_zip(*, email: str, user: User | None, by: User) -> tuple[str, bytes]:
    """Build the ZIP (summary.html and data.json) for the person and audit the download.
    Returns (file name, bytes)."""
    data = collect(email=email, user=user)
    summary = render_to_string("insight/privacy/subject_access_summary.html", {"data": data})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("summary.html", summary)
        archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False, default=str))
    audit.record(
        actor=by,
        action="subject_access.downloaded",
        target=user,
        summary="Subject access download",
        data={"subject": data["subject"], "account": bool(data["account"])},
    )
    stamp = timezone.localdate().isoformat()
    return f"subject-access-{user.pk if user else 'no-account'}-{stamp}.zip", buffer.getvalue()
