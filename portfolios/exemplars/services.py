"""Writes for the good-practice library: a school's consent, and admins publishing and taking down
exemplars. Withdrawing consent takes the school's exemplars down in the same transaction."""

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accreditation import audit
from accreditation.errors import Refusal
from accreditation.permissions import is_hw_admin
from portfolios import uploads
from portfolios.models import Application
from schools.permissions import is_school_lead

from .models import Exemplar, SharingConsent, new_exemplar_name


@transaction.atomic
def consent_record(*, application, actor, may_share: bool, may_name: bool) -> SharingConsent:
    """Record (or change) the school's consent to share extracts of this application. Withdrawing
    consent unpublishes every exemplar taken from it at once; withdrawing only the naming hides the
    school's name on them. The school's SLT lead decides. Writes an audit entry; sends nothing."""
    if not is_school_lead(actor, application.school):
        raise Refusal("Only your school's SLT lead can decide whether its portfolio is shared")
    if may_name and not may_share:
        raise Refusal("Agree to share extracts before agreeing to be named")
    consent, _ = SharingConsent.objects.select_for_update().get_or_create(application=application)
    before = (consent.may_share, consent.may_name)
    consent.may_share, consent.may_name = bool(may_share), bool(may_name)
    consent.updated_at, consent.updated_by = timezone.now(), actor
    consent.save()
    live = Exemplar.objects.filter(application=application, unpublished_at__isnull=True)
    taken_down = 0
    if not consent.may_share:
        taken_down = live.update(unpublished_at=timezone.now(), unpublished_reason="The school withdrew its consent")
    elif not consent.may_name:
        live.update(show_school_name=False)
    if before != (consent.may_share, consent.may_name):
        audit.record(
            actor=actor,
            action="exemplars.consent_changed",
            target=application,
            summary=f"Share: {'yes' if consent.may_share else 'no'}; named: {'yes' if consent.may_name else 'no'}",
            data={"may_share": consent.may_share, "may_name": consent.may_name, "unpublished": taken_down},
        )
    return consent


@transaction.atomic
def exemplar_publish(
    *, actor, application, criterion, title, extract, why_it_worked, show_school_name=False, upload=None
) -> Exemplar:
    """Publish an exemplar from an accredited application whose school consented. The extract must
    not name the school unless it agreed to be named; an attached file passes the evidence upload
    checks. Writes an audit entry; sends nothing."""
    if not is_hw_admin(actor):
        raise Refusal("Only the Health & Wellbeing team publishes good practice")
    application = Application.objects.select_related("school").get(pk=application.pk)
    consent = SharingConsent.objects.select_for_update().filter(application=application).first()
    if application.state != Application.State.ACCREDITED:
        raise Refusal("Exemplars come only from accredited portfolios")
    if consent is None or not consent.may_share:
        raise Refusal(f"{application.school.name} has not agreed to share extracts of this portfolio")
    if show_school_name and not consent.may_name:
        raise Refusal(f"{application.school.name} has not agreed to be named")
    if criterion.criteria_set_id != application.criteria_set_id:
        raise Refusal("Choose one of the application's own criteria")
    name = application.school.name.strip().lower()
    if not show_school_name and name and (name in extract.lower() or name in title.lower()):
        raise Refusal("The extract or title names the school: remove its name, or show the name if it agreed")
    fields = {}
    if upload is not None:
        try:
            checked = uploads.check_upload(upload)
        except ValidationError as error:
            raise Refusal(error.messages) from error
        stored = default_storage.save(new_exemplar_name(checked.extension), upload)
        fields = {
            "file": stored,
            "original_name": checked.original_name,
            "size": checked.size,
            "content_type": checked.content_type,
            "sha256": checked.sha256,
        }
    exemplar = Exemplar.objects.create(
        application=application,
        criterion=criterion,
        title=title.strip(),
        extract=extract.strip(),
        why_it_worked=why_it_worked.strip(),
        phase=application.school.phase,
        show_school_name=bool(show_school_name),
        published_by=actor,
        **fields,
    )
    audit.record(
        actor=actor,
        action="exemplars.published",
        target=exemplar,
        summary=f"{exemplar.title} (criterion {criterion.number})",
        data={"application": application.pk, "school": application.school_id},
    )
    return exemplar


@transaction.atomic
def exemplar_unpublish(*, actor, exemplar, reason="") -> Exemplar:
    """Take an exemplar out of the library (kept for the record). Writes an audit entry."""
    if not is_hw_admin(actor):
        raise Refusal("Only the Health & Wellbeing team takes good practice down")
    exemplar = Exemplar.objects.select_for_update().get(pk=exemplar.pk)
    if exemplar.unpublished_at is None:
        exemplar.unpublished_at = timezone.now()
        exemplar.unpublished_reason = (reason or "Taken down by the Health & Wellbeing team")[:300]
        exemplar.save(update_fields=["unpublished_at", "unpublished_reason"])
        audit.record(actor=actor, action="exemplars.unpublished", target=exemplar, summary=exemplar.unpublished_reason)
    return exemplar
