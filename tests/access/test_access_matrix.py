"""The role-by-URL access matrix (issue 8).

Every URL pattern the project defines must appear in MATRIX, so a new view cannot escape it. For
each, seven people try it: anonymous, School A's lead and colleague, School B's lead, a validator
reviewing School A, a validator with a conflict of interest with School A, and an H&W admin.

- Allowed: the response is not a refusal (403, 404, 405) nor a sign-in redirect.
- Anonymous, not allowed: sent to sign in (or 404/405 where the URL is public but the object not).
- Signed in, not allowed: 403 or 404; another school's objects (and a conflicted validator's
  school) answer exactly 404, so their existence does not leak.
- State-changing URLs refuse GET (405); POSTs from people not allowed are refused and change nothing.
- An eighth person is in School A's and School B's teams and works as School B (chosen in the
  session, though A comes first by name): they must be treated exactly like School B's people,
  so nothing School A holds is visible while working as School B (issue 17).
"""

import pytest
from django.test import Client
from django.urls import reverse

from accreditation.models import AuditEvent
from accreditation.tests.helpers import login
from schools.working import SESSION_KEY

from .urls import all_url_names
from .world import START, build

ANON, LEAD, COLL, OTHER, VAL, CONF, ADMIN = ROLES = (
    "anonymous",
    "lead",
    "colleague",
    "other_lead",
    "validator",
    "conflicted",
    "admin",
)
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {ANON}
SCHOOL_A = {LEAD, COLL}
SCHOOL_USERS = {LEAD, COLL, OTHER}
VALIDATORS = {VAL, CONF}
NOBODY = set()
# Not in ROLES (the rules do not name them): they get School B's lead's expectations.
TWO_SCHOOLS = "two_schools"


def url(url_name, **kwargs):
    return lambda w: reverse(url_name, kwargs={k: v(w) if callable(v) else v for k, v in kwargs.items()})


def rule(address, get=NOBODY, post=None, hidden=NOBODY, post_only=False):
    """`get`/`post`: who may; `hidden`: who must get 404; `post_only`: GET answers 405."""
    return {"url": address, "get": get, "post": get if post is None else post, "hidden": hidden, "post_only": post_only}


# School A's objects: School B's lead and the conflicted validator must not learn they exist.
A_HIDDEN = {OTHER, CONF}

MATRIX = {
    # --- core and accounts
    "home": rule(url("home"), get=SIGNED_IN),
    "healthz": rule(url("healthz"), get=EVERYONE, post=NOBODY),
    "insight:audit_trail": rule(url("insight:audit_trail"), get={ADMIN}, post=NOBODY),
    "accounts:login": rule(url("accounts:login"), get=EVERYONE),
    "accounts:logout": rule(url("accounts:logout"), post=EVERYONE, post_only=True),
    "accounts:password_reset": rule(url("accounts:password_reset"), get=EVERYONE),
    "accounts:password_reset_sent": rule(url("accounts:password_reset_sent"), get=EVERYONE),
    "accounts:password_reset_confirm": rule(
        url("accounts:password_reset_confirm", uidb64=lambda w: w.reset_uid, token=lambda w: w.reset_token),
        get=EVERYONE,
    ),
    "accounts:invitation": rule(url("accounts:invitation", token=lambda w: w.invitation_token), get=EVERYONE),
    "accounts:two_factor_setup": rule(url("accounts:two_factor_setup"), get=SIGNED_IN),
    "accounts:two_factor_verify": rule(url("accounts:two_factor_verify"), get=SIGNED_IN),
    "accounts:recovery_codes": rule(url("accounts:recovery_codes"), get=SIGNED_IN),
    "accounts:two_factor_remove": rule(url("accounts:two_factor_remove"), post=SCHOOL_USERS, post_only=True),
    "accounts:security": rule(url("accounts:security"), get=SIGNED_IN),
    "accounts:password_change": rule(url("accounts:password_change"), get=SIGNED_IN),
    "accounts:email_change": rule(url("accounts:email_change"), get=SIGNED_IN),
    "accounts:sessions_sign_out_others": rule(url("accounts:sessions_sign_out_others"), post=SIGNED_IN, post_only=True),
    "accounts:people": rule(url("accounts:people"), get={ADMIN}),
    "accounts:person_reset_2fa": rule(url("accounts:person_reset_2fa", pk=lambda w: w.users[VAL].pk), get={ADMIN}),
    # --- schools: registration (public) and the admin queue
    "schools:switch_school": rule(url("schools:switch_school"), get=SCHOOL_USERS),
    "schools:register_find": rule(url("schools:register_find"), get=EVERYONE),
    "schools:register_by_hand": rule(url("schools:register_by_hand"), get=EVERYONE),
    "schools:register_done": rule(url("schools:register_done"), get=EVERYONE),
    "schools:register_school": rule(url("schools:register_school", urn=lambda w: w.school.urn), get=EVERYONE),
    "schools:registration_queue": rule(url("schools:registration_queue"), get={ADMIN}),
    "schools:registration_detail": rule(
        url("schools:registration_detail", pk=lambda w: w.registration.pk), get={ADMIN}
    ),
    "schools:registration_approve": rule(
        url("schools:registration_approve", pk=lambda w: w.registration.pk), post={ADMIN}, post_only=True
    ),
    "schools:registration_reject": rule(
        url("schools:registration_reject", pk=lambda w: w.registration.pk), get={ADMIN}
    ),
    # --- schools: the school and its team
    "schools:my_school": rule(url("schools:my_school"), get=SCHOOL_USERS),
    "schools:school_list": rule(url("schools:school_list"), get={ADMIN}),
    "schools:school_detail": rule(
        url("schools:school_detail", urn=lambda w: w.school.urn), get=SCHOOL_A | {ADMIN}, hidden=A_HIDDEN
    ),
    "schools:school_edit": rule(
        url("schools:school_edit", urn=lambda w: w.school.urn), get={LEAD, ADMIN}, hidden=A_HIDDEN
    ),
    "schools:inspection_add": rule(
        url("schools:inspection_add", urn=lambda w: w.school.urn), get={ADMIN}, hidden=NOBODY
    ),
    "schools:inspection_correction_request": rule(
        url("schools:inspection_correction_request", urn=lambda w: w.school.urn), get={LEAD}, hidden=A_HIDDEN
    ),
    "schools:inspection_correction_list": rule(url("schools:inspection_correction_list"), get={ADMIN}),
    "schools:inspection_correction_decide": rule(
        url("schools:inspection_correction_decide", pk=lambda w: w.correction.pk), get={ADMIN}
    ),
    "schools:eligibility_override": rule(
        url("schools:eligibility_override", urn=lambda w: w.school.urn), post={ADMIN}, post_only=True
    ),
    "schools:eligibility_override_remove": rule(
        url("schools:eligibility_override_remove", urn=lambda w: w.school.urn),
        post={ADMIN},
        post_only=True,
    ),
    "schools:welcome_pack_resend": rule(
        url("schools:welcome_pack_resend", urn=lambda w: w.school.urn), post={ADMIN}, post_only=True
    ),
    "schools:team_invite": rule(
        url("schools:team_invite", urn=lambda w: w.school.urn), get={LEAD, ADMIN}, hidden=A_HIDDEN
    ),
    "schools:team_make_lead": rule(
        url("schools:team_make_lead", urn=lambda w: w.school.urn, membership_id=lambda w: w.colleague_membership.pk),
        get={LEAD, ADMIN},
        hidden=A_HIDDEN,
    ),
    "schools:team_deactivate": rule(
        url("schools:team_deactivate", urn=lambda w: w.school.urn, membership_id=lambda w: w.colleague_membership.pk),
        get={LEAD, ADMIN},
        hidden=A_HIDDEN,
    ),
    # --- schools: welcome pack and eligibility rules (admins)
    "schools:welcome_pack_admin": rule(url("schools:welcome_pack_admin"), get={ADMIN}),
    "schools:welcome_pack_add": rule(url("schools:welcome_pack_add"), get={ADMIN}),
    "schools:welcome_pack_edit": rule(
        url("schools:welcome_pack_edit", resource_id=lambda w: w.resource.pk), get={ADMIN}
    ),
    "schools:welcome_pack_delete": rule(
        url("schools:welcome_pack_delete", resource_id=lambda w: w.resource.pk), post={ADMIN}, post_only=True
    ),
    "schools:welcome_pack_download": rule(
        url("schools:welcome_pack_download", resource_id=lambda w: w.file_resource.pk), get=SCHOOL_USERS | {ADMIN}
    ),
    "schools:scheme_admin": rule(url("schools:scheme_admin"), get={ADMIN}),
    "schools:rule_list": rule(url("schools:rule_list"), get={ADMIN}),
    "schools:rule_edit": rule(url("schools:rule_edit", pk=lambda w: w.rule.pk), get={ADMIN}),
    # --- schools: termly returns
    "schools:returns_home": rule(url("schools:returns_home"), get=SCHOOL_USERS | {ADMIN}),
    "schools:return_submit": rule(url("schools:return_submit", term_id=lambda w: w.term.pk), get=SCHOOL_USERS),
    "schools:return_detail": rule(
        url("schools:return_detail", pk=lambda w: w["return"].pk), get=SCHOOL_A | {ADMIN}, hidden={OTHER}
    ),
    "schools:return_correct": rule(
        url("schools:return_correct", pk=lambda w: w["return"].pk), get=SCHOOL_A, hidden={OTHER}
    ),
    "schools:returns_trends": rule(url("schools:returns_trends"), get={ADMIN}),
    "schools:returns_trends_csv": rule(url("schools:returns_trends_csv"), get={ADMIN}),
    "schools:returns_late": rule(url("schools:returns_late"), get={ADMIN}),
    "schools:term_list": rule(url("schools:term_list"), get={ADMIN}),
    "schools:term_add_year": rule(url("schools:term_add_year"), get={ADMIN}),
    "schools:term_add": rule(url("schools:term_add"), get={ADMIN}),
    "schools:term_edit": rule(url("schools:term_edit", pk=lambda w: w.term.pk), get={ADMIN}),
    "schools:incident_type_list": rule(url("schools:incident_type_list"), get={ADMIN}),
    "schools:incident_type_add": rule(url("schools:incident_type_add"), get={ADMIN}),
    "schools:incident_type_edit": rule(url("schools:incident_type_edit", pk=lambda w: w.incident_type.pk), get={ADMIN}),
    # --- portfolios
    "portfolios:home": rule(url("portfolios:home"), get=SCHOOL_USERS | {ADMIN}),
    "portfolios:admin_schools": rule(url("portfolios:admin_schools"), get={ADMIN}),
    "portfolios:school": rule(
        url("portfolios:school", school_id=lambda w: w.school.pk), get=SCHOOL_A | {ADMIN}, hidden=A_HIDDEN
    ),
    "portfolios:evidence_library": rule(
        url("portfolios:evidence_library", school_id=lambda w: w.school.pk), get=SCHOOL_A | {ADMIN}, hidden=A_HIDDEN
    ),
    "portfolios:evidence_upload": rule(
        url("portfolios:evidence_upload", school_id=lambda w: w.school.pk), get=SCHOOL_A, hidden=A_HIDDEN
    ),
    "portfolios:evidence_add_link": rule(
        url("portfolios:evidence_add_link", school_id=lambda w: w.school.pk), get=SCHOOL_A, hidden=A_HIDDEN
    ),
    "portfolios:evidence_add_hard_copy": rule(
        url("portfolios:evidence_add_hard_copy", school_id=lambda w: w.school.pk), get=SCHOOL_A, hidden=A_HIDDEN
    ),
    "portfolios:returns_summary": rule(
        url("portfolios:returns_summary", school_id=lambda w: w.school.pk), get=SCHOOL_A, hidden=A_HIDDEN
    ),
    "portfolios:application_start": rule(
        url("portfolios:application_start", school_id=lambda w: w.other_school.pk),
        post={OTHER},
        post_only=True,
        hidden={LEAD, COLL},
    ),
    "portfolios:application_start_hard_copy": rule(
        url("portfolios:application_start_hard_copy", school_id=lambda w: w.other_school.pk),
        get={ADMIN},
        hidden={LEAD, COLL},
    ),
    "portfolios:evidence_detail": rule(
        url("portfolios:evidence_detail", pk=lambda w: w.evidence.pk), get=SCHOOL_A | {ADMIN}, hidden=A_HIDDEN
    ),
    "portfolios:evidence_edit": rule(
        url("portfolios:evidence_edit", pk=lambda w: w.evidence.pk), get=SCHOOL_A, hidden=A_HIDDEN
    ),
    "portfolios:evidence_delete": rule(
        url("portfolios:evidence_delete", pk=lambda w: w.evidence.pk), get=SCHOOL_A, hidden=A_HIDDEN
    ),
    "portfolios:evidence_download": rule(
        url("portfolios:evidence_download", pk=lambda w: w.evidence.pk), get=SCHOOL_A | {ADMIN}, hidden=A_HIDDEN
    ),
    "portfolios:application": rule(
        url("portfolios:application", pk=lambda w: w.application.pk), get=SCHOOL_A | {ADMIN}, hidden=A_HIDDEN
    ),
    "portfolios:criterion": rule(
        url("portfolios:criterion", pk=lambda w: w.draft.pk, number=1), get=SCHOOL_A | {ADMIN}, hidden=A_HIDDEN
    ),
    "portfolios:renewal": rule(url("portfolios:renewal", pk=lambda w: w.draft.pk), get=SCHOOL_A, hidden=A_HIDDEN),
    "portfolios:submit": rule(
        url("portfolios:submit", pk=lambda w: w.draft.pk), get=SCHOOL_A | {ADMIN}, hidden=A_HIDDEN
    ),
    "portfolios:withdraw": rule(
        url("portfolios:withdraw", pk=lambda w: w.draft.pk), get={LEAD, ADMIN}, hidden=A_HIDDEN
    ),
    "portfolios:export_pdf": rule(
        url("portfolios:export_pdf", pk=lambda w: w.application.pk), get=SCHOOL_A | {ADMIN}, hidden=A_HIDDEN
    ),
    "portfolios:pdf_export": rule(
        url("portfolios:pdf_export", pk=lambda w: w.application.pk, export_id=lambda w: w.pdf_export.pk),
        get=SCHOOL_A | {ADMIN},
        hidden=A_HIDDEN,
    ),
    "portfolios:pdf_export_download": rule(
        url("portfolios:pdf_export_download", pk=lambda w: w.application.pk, export_id=lambda w: w.pdf_export.pk),
        get=SCHOOL_A | {ADMIN},
        hidden=A_HIDDEN,
    ),
    "portfolios:pdf_export_again": rule(
        url("portfolios:pdf_export_again", pk=lambda w: w.application.pk, export_id=lambda w: w.pdf_export.pk),
        post=SCHOOL_A | {ADMIN},
        hidden=A_HIDDEN,
        post_only=True,
    ),
    "portfolios:export_zip": rule(
        url("portfolios:export_zip", pk=lambda w: w.application.pk), get=SCHOOL_A | {ADMIN}, hidden=A_HIDDEN
    ),
    # --- portfolios: action plans (issue 17)
    "portfolios:action_plan": rule(
        url("portfolios:action_plan", school_id=lambda w: w.school.pk),
        get=SCHOOL_A | {ADMIN},
        hidden=A_HIDDEN,
    ),
    "portfolios:action_plan_pdf": rule(
        url("portfolios:action_plan_pdf", school_id=lambda w: w.school.pk),
        get=SCHOOL_A | {ADMIN},
        hidden=A_HIDDEN,
    ),
    "portfolios:action_add": rule(
        url("portfolios:action_add", school_id=lambda w: w.school.pk), get=SCHOOL_A, hidden=A_HIDDEN
    ),
    "portfolios:action_edit": rule(
        url("portfolios:action_edit", school_id=lambda w: w.school.pk, action_id=lambda w: w.plan_action.pk),
        get=SCHOOL_A,
        hidden=A_HIDDEN,
    ),
    "portfolios:plan_review": rule(
        url("portfolios:plan_review", school_id=lambda w: w.school.pk), get=SCHOOL_A, hidden=A_HIDDEN
    ),
    # School A holds an award and a renewal draft: its people see the page (and are told a draft exists).
    "portfolios:renewal_start": rule(
        url("portfolios:renewal_start", school_id=lambda w: w.school.pk), get=SCHOOL_A, hidden=A_HIDDEN
    ),
    "portfolios:all_plans": rule(url("portfolios:all_plans"), get={ADMIN}, post=NOBODY),
    # --- portfolios: guidance, readiness, check answers, good practice, adviser's comments (issue 16)
    "portfolios:guidance": rule(url("portfolios:guidance"), get=SIGNED_IN),
    "portfolios:guidance_manage": rule(url("portfolios:guidance_manage"), get={ADMIN}),
    "portfolios:guidance_edit": rule(url("portfolios:guidance_edit", number=1), get={ADMIN}),
    "portfolios:readiness": rule(
        url("portfolios:readiness", pk=lambda w: w.draft.pk), get=SCHOOL_A | {ADMIN}, hidden=A_HIDDEN
    ),
    "portfolios:check": rule(url("portfolios:check", pk=lambda w: w.draft.pk), get=SCHOOL_A | {ADMIN}, hidden=A_HIDDEN),
    "portfolios:good_practice": rule(url("portfolios:good_practice"), get=SIGNED_IN),
    "portfolios:exemplar_publish": rule(url("portfolios:exemplar_publish"), get={ADMIN}),
    "portfolios:exemplar": rule(url("portfolios:exemplar", pk=lambda w: w.exemplar.pk), get=SIGNED_IN),
    "portfolios:exemplar_download": rule(
        url("portfolios:exemplar_download", pk=lambda w: w.exemplar.pk), get=SIGNED_IN, post=NOBODY
    ),
    "portfolios:exemplar_unpublish": rule(
        url("portfolios:exemplar_unpublish", pk=lambda w: w.exemplar.pk), post={ADMIN}, post_only=True
    ),
    "portfolios:sharing_consent": rule(
        url("portfolios:sharing_consent", pk=lambda w: w.application.pk), get={LEAD}, hidden=A_HIDDEN
    ),
    "portfolios:advice_ask": rule(url("portfolios:advice_ask", pk=lambda w: w.draft.pk), get=SCHOOL_A, hidden=A_HIDDEN),
    "portfolios:advice_share": rule(
        url("portfolios:advice_share", pk=lambda w: w.draft.pk), post={LEAD}, post_only=True, hidden=A_HIDDEN
    ),
    "portfolios:advice_queue": rule(url("portfolios:advice_queue"), get={ADMIN}),
    "portfolios:advice_request": rule(url("portfolios:advice_request", pk=lambda w: w.advice_request.pk), get={ADMIN}),
    "portfolios:advice_complete": rule(
        url("portfolios:advice_complete", pk=lambda w: w.advice_request.pk), post={ADMIN}, post_only=True
    ),
    "portfolios:advice_mark": rule(
        url("portfolios:advice_mark", pk=lambda w: w.advice_comment.pk), post=SCHOOL_A, post_only=True, hidden=A_HIDDEN
    ),
    # --- validation: the group
    "validation:group": rule(url("validation:group"), get={ADMIN}),
    "validation:member_invite": rule(url("validation:member_invite"), get={ADMIN}),
    "validation:member": rule(url("validation:member", pk=lambda w: w.validator_member.pk), get={ADMIN}),
    "validation:member_team": rule(url("validation:member_team", pk=lambda w: w.validator_member.pk), get={ADMIN}),
    "validation:member_deactivate": rule(
        url("validation:member_deactivate", pk=lambda w: w.validator_member.pk), post={ADMIN}, post_only=True
    ),
    "validation:member_reactivate": rule(
        url("validation:member_reactivate", pk=lambda w: w.validator_member.pk), post={ADMIN}, post_only=True
    ),
    "validation:member_conflict_declare": rule(
        url("validation:member_conflict_declare", pk=lambda w: w.validator_member.pk), get={ADMIN}
    ),
    "validation:teams": rule(url("validation:teams"), get={ADMIN}),
    "validation:team_edit": rule(url("validation:team_edit", pk=lambda w: w.team.pk), get={ADMIN}),
    "validation:team_deactivate": rule(
        url("validation:team_deactivate", pk=lambda w: w.team.pk), post={ADMIN}, post_only=True
    ),
    "validation:team_reactivate": rule(
        url("validation:team_reactivate", pk=lambda w: w.team.pk), post={ADMIN}, post_only=True
    ),
    "validation:profile": rule(url("validation:profile"), get=VALIDATORS),
    "validation:calendar_renew": rule(url("validation:calendar_renew"), post=VALIDATORS, post_only=True),
    "validation:calendar": rule(
        url("validation:calendar", token=lambda w: w.calendar_token), get=EVERYONE, post=NOBODY
    ),
    "validation:conflicts": rule(url("validation:conflicts"), get=VALIDATORS),
    "validation:conflict_declare": rule(url("validation:conflict_declare"), get=VALIDATORS),
    "validation:conflict_withdraw": rule(
        url("validation:conflict_withdraw", pk=lambda w: w.conflict.pk), post={CONF, ADMIN}, post_only=True
    ),
    # --- validation: meetings, agendas, reviews, decisions
    "validation:meetings": rule(url("validation:meetings"), get=VALIDATORS | {ADMIN}),
    "validation:meetings_schedule": rule(url("validation:meetings_schedule"), get={ADMIN}),
    "validation:meeting_edit": rule(url("validation:meeting_edit", pk=lambda w: w.meeting.pk), get={ADMIN}),
    "validation:meeting": rule(url("validation:meeting", pk=lambda w: w.meeting.pk), get=VALIDATORS | {ADMIN}),
    "validation:attendance": rule(url("validation:attendance", pk=lambda w: w.meeting.pk), get=VALIDATORS | {ADMIN}),
    "validation:minutes": rule(url("validation:minutes", pk=lambda w: w.meeting.pk), get=VALIDATORS | {ADMIN}),
    "validation:agenda_place_waiting": rule(url("validation:agenda_place_waiting"), post={ADMIN}, post_only=True),
    "validation:agenda_move": rule(url("validation:agenda_move", pk=lambda w: w.item.pk), get={ADMIN}),
    "validation:reviewer_add": rule(url("validation:reviewer_add", pk=lambda w: w.item.pk), get={ADMIN}),
    "validation:reviewer_replace": rule(
        url("validation:reviewer_replace", pk=lambda w: w.item.pk, review_pk=lambda w: w.review.pk), get={ADMIN}
    ),
    "validation:decision": rule(url("validation:decision", pk=lambda w: w.item.pk), get={VAL, ADMIN}, hidden={CONF}),
    "validation:reviews": rule(url("validation:reviews"), get=VALIDATORS),
    "validation:review": rule(url("validation:review", pk=lambda w: w.review.pk), get={VAL}, hidden={CONF}),
    "validation:review_evidence": rule(
        url("validation:review_evidence", pk=lambda w: w.review.pk, evidence_id=lambda w: w.linked_evidence.pk),
        get={VAL},
        hidden={CONF},
    ),
    "validation:review_portfolio_pdf": rule(
        url("validation:review_portfolio_pdf", pk=lambda w: w.review.pk), get={VAL}, hidden={CONF}
    ),
    "validation:review_evidence_zip": rule(
        url("validation:review_evidence_zip", pk=lambda w: w.review.pk), get={VAL}, hidden={CONF}
    ),
    # --- validation: feedback, awards, the public side
    "validation:feedback_list": rule(url("validation:feedback_list"), get={ADMIN}),
    "validation:feedback": rule(url("validation:feedback", pk=lambda w: w.decision.pk), get={ADMIN}),
    "validation:feedback_release": rule(
        url("validation:feedback_release", pk=lambda w: w.decision.pk), post={ADMIN}, post_only=True
    ),
    "validation:further_information_extend": rule(
        url("validation:further_information_extend", pk=lambda w: w.decision.pk), post={ADMIN}, post_only=True
    ),
    "validation:further_information_list_anyway": rule(
        url("validation:further_information_list_anyway", pk=lambda w: w.decision.pk), post={ADMIN}, post_only=True
    ),
    "validation:feedback_letter": rule(
        url("validation:feedback_letter", pk=lambda w: w.decision.pk), get=SCHOOL_A | {ADMIN}, hidden=A_HIDDEN
    ),
    "validation:certificate": rule(
        url("validation:certificate", pk=lambda w: w.award.pk), get=SCHOOL_A | {ADMIN}, hidden=A_HIDDEN
    ),
    # --- validation: the H&W team's insight
    "insight:dashboard": rule(url("insight:dashboard"), get={ADMIN}),
    "insight:exports": rule(url("insight:exports"), get={ADMIN}),
    "insight:export_download": rule(url("insight:export_download", name="schools"), get={ADMIN}, post=NOBODY),
    "insight:retention_preview": rule(url("insight:retention_preview"), get={ADMIN}),
    "insight:retention_schedule": rule(url("insight:retention_schedule"), get={ADMIN}),
    "insight:retention_run": rule(url("insight:retention_run"), post={ADMIN}, post_only=True),
    "validation:verify": rule(
        url("validation:verify", code=lambda w: w.award.verification_code), get=EVERYONE, post=NOBODY
    ),
    "validation:register": rule(url("validation:register"), get=EVERYONE, post=NOBODY),
    # --- operations (issue 24): probes, files for robots, site pages, the mail queue
    "healthz_live": rule(url("healthz_live"), get=EVERYONE, post=NOBODY),
    "healthz_ready": rule(url("healthz_ready"), get=EVERYONE, post=NOBODY),
    "security_txt": rule(url("security_txt"), get=EVERYONE, post=NOBODY),
    "robots_txt": rule(url("robots_txt"), get=EVERYONE, post=NOBODY),
    "contact": rule(url("contact"), get=EVERYONE, post=NOBODY),
    "mail_queue": rule(url("mail_queue"), get={ADMIN}, post=NOBODY),
    "mail_resend": rule(url("mail_resend", pk=lambda w: failed_email().pk), post={ADMIN}, post_only=True),
    "mail_cancel": rule(url("mail_cancel", pk=lambda w: failed_email().pk), post={ADMIN}, post_only=True),
    # --- issue 19: school commitments, training records, indicators and the board report
    "schools:commitments": rule(
        url("schools:commitments", urn=lambda w: w.school.urn), get=SCHOOL_A | {ADMIN}, hidden=A_HIDDEN
    ),
    "portfolios:training_courses": rule(url("portfolios:training_courses"), get={ADMIN}),
    "portfolios:training_course_add": rule(url("portfolios:training_course_add"), get={ADMIN}),
    "portfolios:training_course": rule(url("portfolios:training_course", pk=lambda w: w.course.pk), get={ADMIN}),
    "portfolios:training_course_edit": rule(
        url("portfolios:training_course_edit", pk=lambda w: w.course.pk), get={ADMIN}
    ),
    "portfolios:training_sheet_upload": rule(
        url("portfolios:training_sheet_upload", pk=lambda w: w.course.pk), get={ADMIN}
    ),
    "portfolios:training_import": rule(
        url("portfolios:training_import", pk=lambda w: w.course.pk, import_id=lambda w: w.attendance_import.pk),
        get={ADMIN},
    ),
    "portfolios:training_import_confirm": rule(
        url("portfolios:training_import_confirm", pk=lambda w: w.course.pk, import_id=lambda w: w.attendance_import.pk),
        post={ADMIN},
        post_only=True,
    ),
    "portfolios:training_import_discard": rule(
        url("portfolios:training_import_discard", pk=lambda w: w.course.pk, import_id=lambda w: w.attendance_import.pk),
        post={ADMIN},
        post_only=True,
    ),
    "portfolios:training_school": rule(
        url("portfolios:training_school", school_id=lambda w: w.school.pk), get=SCHOOL_A | {ADMIN}, hidden=A_HIDDEN
    ),
    "portfolios:training_book": rule(
        url("portfolios:training_book", school_id=lambda w: w.school.pk, course_id=lambda w: w.coming_course.pk),
        get=SCHOOL_A | {ADMIN},
        hidden=A_HIDDEN,
    ),
    "portfolios:training_booking_cancel": rule(
        url("portfolios:training_booking_cancel", school_id=lambda w: w.school.pk, pk=lambda w: w.booking.pk),
        post=SCHOOL_A | {ADMIN},
        post_only=True,
        hidden=A_HIDDEN,
    ),
    "portfolios:training_use_as_evidence": rule(
        url("portfolios:training_use_as_evidence", school_id=lambda w: w.school.pk, pk=lambda w: w.attendance.pk),
        get=SCHOOL_A,
        hidden=A_HIDDEN,
    ),
    "portfolios:training_cascade_add": rule(
        url("portfolios:training_cascade_add", school_id=lambda w: w.school.pk, pk=lambda w: w.trained_attendance.pk),
        get=SCHOOL_A | {ADMIN},
        hidden=A_HIDDEN,
    ),
    "insight:indicators": rule(url("insight:indicators"), get={ADMIN}),
    "insight:indicator_add": rule(url("insight:indicator_add"), get={ADMIN}),
    "insight:indicator": rule(url("insight:indicator", pk=lambda w: w.indicator.pk), get={ADMIN}),
    "insight:indicator_edit": rule(url("insight:indicator_edit", pk=lambda w: w.indicator.pk), get={ADMIN}),
    "insight:indicator_target": rule(
        url("insight:indicator_target", pk=lambda w: w.indicator.pk), post={ADMIN}, post_only=True
    ),
    "insight:indicator_target_remove": rule(
        url("insight:indicator_target_remove", pk=lambda w: w.indicator.pk, year=2026), post={ADMIN}, post_only=True
    ),
    "insight:indicator_figure": rule(
        url("insight:indicator_figure", pk=lambda w: w.indicator.pk), post={ADMIN}, post_only=True
    ),
    "insight:board_reports": rule(url("insight:board_reports"), get={ADMIN}),
    "insight:board_report": rule(url("insight:board_report", pk=lambda w: w.board_report.pk), get={ADMIN}),
    "insight:board_report_commentary": rule(
        url("insight:board_report_commentary", pk=lambda w: w.board_report.pk), post={ADMIN}, post_only=True
    ),
    "insight:board_report_retry": rule(
        url("insight:board_report_retry", pk=lambda w: w.board_report.pk), post={ADMIN}, post_only=True
    ),
    "insight:board_report_pdf": rule(
        url("insight:board_report_pdf", pk=lambda w: w.board_report.pk), get={ADMIN}, post=NOBODY
    ),
    "insight:board_report_csv": rule(
        url("insight:board_report_csv", pk=lambda w: w.board_report.pk, table="coverage"), get={ADMIN}, post=NOBODY
    ),
    "validation:badge_svg": rule(
        url("validation:badge_svg", code=lambda w: w.award.verification_code), get=EVERYONE, post=NOBODY
    ),
    "validation:badge_png": rule(
        url("validation:badge_png", code=lambda w: w.award.verification_code), get=EVERYONE, post=NOBODY
    ),
    "validation:award_withdraw": rule(url("validation:award_withdraw", pk=lambda w: w.award.pk), get={ADMIN}),
    "validation:certificate_settings": rule(url("validation:certificate_settings"), get={ADMIN}),
    # --- surveys: pupils answer without an account; the school's windows; the county (issue 18)
    "surveys:start": rule(url("surveys:start"), get=EVERYONE, post=NOBODY),
    "surveys:take": rule(url("surveys:take", code=lambda w: w.survey.code), get=EVERYONE),
    "surveys:thanks": rule(url("surveys:thanks", code=lambda w: w.survey.code), get=EVERYONE, post=NOBODY),
    "surveys:windows": rule(url("surveys:windows"), get=SCHOOL_USERS | {ADMIN}),
    "surveys:window_new": rule(url("surveys:window_new"), get={LEAD, OTHER}),
    "surveys:window": rule(url("surveys:window", pk=lambda w: w.survey.pk), get={LEAD, COLL, ADMIN}, hidden=A_HIDDEN),
    "surveys:window_sheet": rule(
        url("surveys:window_sheet", pk=lambda w: w.survey.pk), get={LEAD, COLL, ADMIN}, hidden=A_HIDDEN
    ),
    "surveys:window_csv": rule(
        url("surveys:window_csv", pk=lambda w: w.survey.pk), get={LEAD, COLL, ADMIN}, hidden=A_HIDDEN
    ),
    "surveys:window_close": rule(url("surveys:window_close", pk=lambda w: w.survey.pk), get={LEAD}, hidden=A_HIDDEN),
    "surveys:window_cancel": rule(url("surveys:window_cancel", pk=lambda w: w.survey.pk), get={LEAD}, hidden=A_HIDDEN),
    "surveys:window_closing_date": rule(
        url("surveys:window_closing_date", pk=lambda w: w.survey.pk), get={LEAD}, hidden=A_HIDDEN
    ),
    "surveys:window_snapshot": rule(
        url("surveys:window_snapshot", pk=lambda w: w.survey.pk), get={LEAD}, hidden=A_HIDDEN
    ),
    "surveys:county": rule(url("surveys:county"), get={ADMIN}),
    "surveys:county_csv": rule(url("surveys:county_csv"), get={ADMIN}),
    "surveys:questionnaires": rule(url("surveys:questionnaires"), get={ADMIN}),
    "surveys:questionnaire": rule(url("surveys:questionnaire", pk=lambda w: w.survey.questionnaire_id), get={ADMIN}),
    "surveys:question_edit": rule(url("surveys:question_edit", pk=lambda w: w.survey_question.pk), get={ADMIN}),
    # --- insight: personal data (issue 22)
    "insight:privacy": rule(url("insight:privacy"), get=EVERYONE, post=NOBODY),
    "insight:accessibility": rule(url("insight:accessibility"), get=EVERYONE, post=NOBODY),
    "insight:retention_records": rule(url("insight:retention_records"), get={ADMIN}, post=NOBODY),
    "insight:retention_records_run": rule(url("insight:retention_records_run"), post={ADMIN}, post_only=True),
    "insight:retention_period": rule(url("insight:retention_period", kind="outbox"), post={ADMIN}, post_only=True),
    "insight:records_of_processing": rule(url("insight:records_of_processing"), get={ADMIN}, post=NOBODY),
    "insight:subject_access": rule(url("insight:subject_access"), get={ADMIN}, post=NOBODY),
    "insight:subject_access_download": rule(url("insight:subject_access_download"), post={ADMIN}, post_only=True),
    "insight:person_erase": rule(url("insight:person_erase", pk=lambda w: w.users[COLL].pk), get={ADMIN}),
}


def failed_email():
    from accreditation.models import OutboxMessage

    return OutboxMessage.objects.create(
        template="t", to=["gone@example.org"], subject="s", body_text="b", status="failed", attempts=8
    )


REFUSED = {403, 404, 405}


def test_every_url_pattern_is_in_the_matrix():
    names = set(all_url_names())
    assert names - set(MATRIX) == set(), "add these URLs to the access matrix"
    assert set(MATRIX) - names == set(), "these URLs no longer exist"


@pytest.fixture
def world(time_machine):
    time_machine.move_to(START, tick=False)
    return build(time_machine)


def client_for(world, role):
    client = Client()
    if world.users[role] is not None:
        login(client, world.users[role])
    if role == TWO_SCHOOLS:
        session = client.session
        session[SESSION_KEY] = world.other_school.pk
        session.save()
    return client


def refused(response, role, name, method):
    if response.status_code in REFUSED:
        return True
    signed_in_redirect = response.status_code == 302 and "/accounts/sign-in/" in response.get("Location", "")
    return role == ANON and signed_in_redirect


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(world, name):
    spec = MATRIX[name]
    address = spec["url"](world)
    problems = []
    for person in (*ROLES, TWO_SCHOOLS):
        client = client_for(world, person)
        role = OTHER if person == TWO_SCHOOLS else person
        if person == TWO_SCHOOLS and OTHER in spec["get"] and COLL not in spec["get"]:
            continue  # a lead-only page of one's own school: the two-schools person is a contributor in B
        response = client.get(address)
        if spec["post_only"]:
            if response.status_code != 405 and not refused(response, role, name, "GET"):
                problems.append(f"{person}: GET answered {response.status_code}, expected 405")
        elif role in spec["get"]:
            if refused(response, role, name, "GET") or response.status_code >= 500:
                problems.append(f"{person}: GET refused with {response.status_code} {response.get('Location', '')}")
        else:
            if not refused(response, role, name, "GET"):
                problems.append(f"{person}: GET allowed with {response.status_code}, expected a refusal")
            elif role in spec["hidden"] and response.status_code != 404:
                problems.append(f"{person}: GET answered {response.status_code}, expected 404")
        if role not in spec["post"] and name != "accounts:logout":
            before = AuditEvent.objects.exclude(action="user.signed_in").exclude(action__startswith="security.").count()
            response = client.post(address, {})
            if not refused(response, role, name, "POST"):
                problems.append(f"{person}: POST allowed with {response.status_code}, expected a refusal")
            elif role in spec["hidden"] and response.status_code != 404:
                problems.append(f"{person}: POST answered {response.status_code}, expected 404")
            if (
                AuditEvent.objects.exclude(action="user.signed_in").exclude(action__startswith="security.").count()
                != before
            ):
                problems.append(f"{role}: a refused POST changed something")
    assert not problems, f"{name} ({address}):\n" + "\n".join(problems)
