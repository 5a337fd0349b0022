"""Awards and certificates."""

import base64
import io
import secrets
from datetime import date

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accreditation import audit
from accreditation.errors import Refusal
from accreditation.models import User
from accreditation.pdf import render_pdf
from accreditation.permissions import is_hw_admin
from portfolios import dates as portfolio_dates
from portfolios import services as portfolio_services

from ..models import (
    Award,
    CertificateSettings,
    Decision,
)

# Awards --------------------------------------------------------------------------------------

AWARD_YEARS = 3


def award_expiry(awarded_on: date) -> date:
    """An award starting on D expires on D + 3 calendar years: the helper portfolios.dates uses."""
    return portfolio_dates.award_expires(awarded_on)


def award_start(*, decided_on: date, previous: Award | None) -> date:
    """The first day of a new award: one rule, shown to the school before it submits and printed
    on the certificate. A renewal decided while the school's previous award is still in force
    starts the day after that award's last day (its expiry date), so no months are lost; a
    first award, or a renewal decided after the previous award ended, starts on the decision date."""
    return portfolio_dates.award_start(
        decided_on=decided_on, previous_expires_on=previous.expires_on if previous else None
    )


def _award_followed(school, decided_on: date) -> Award | None:
    """The award a renewal decided on `decided_on` follows: the school's latest not withdrawn
    award still in force (by status and date) on that day."""
    return (
        Award.objects.select_for_update()
        .filter(Award.current_on_q(decided_on), school=school)
        .order_by("-awarded_on")
        .first()
    )


def award_grant(*, decision: Decision, by: User | None, expires_on=None) -> Award:
    """Create the award for an accredited decision, with an unguessable verification code.

    It starts on the day `award_start` gives (the meeting date, or the day after the previous
    award's last day for a renewal decided in time) and expires 3 calendar years later (never
    entered by hand). The previous award stays in force to its own end, so the school is never
    off the register and never accredited twice over. Tells portfolios the dates
    (`application_record_award`), for the school's pages."""
    if expires_on is not None:
        raise Refusal(
            "The expiry date cannot be entered by hand: an award always expires 3 years after the meeting that "
            "made it. Nothing has been saved."
        )
    if decision.outcome != Decision.Outcome.ACCREDITED:
        raise Refusal("Only an accredited decision makes an award.")
    with transaction.atomic():
        school = decision.application.school
        decided_on = decision.meeting.date
        previous = _award_followed(school, decided_on)
        awarded_on = award_start(decided_on=decided_on, previous=previous)
        award = Award.objects.create(
            school=school,
            application=decision.application,
            decision=decision,
            awarded_on=awarded_on,
            expires_on=award_expiry(awarded_on),
            verification_code=secrets.token_urlsafe(18),
        )
        portfolio_services.application_record_award(
            application=decision.application, starts_on=award.awarded_on, expires_on=award.expires_on
        )
        audit.record(
            actor=by,
            action="award.granted",
            target=award,
            summary=f"{school.name}: {awarded_on:%-d %B %Y} to {award.expires_on:%-d %B %Y}"
            + (f" (follows the award ending {previous.last_day:%-d %B %Y})" if previous else ""),
        )
    return award


def award_withdraw(*, award: Award, by: User, reason: str) -> Award:
    """Withdraw an award (H&W admins only), with the reason recorded. From that moment the
    register drops the school, and the verification page and the badge say "withdrawn". Audited;
    nothing is emailed (the council tells the school itself)."""
    if not is_hw_admin(by):
        raise Refusal("Only the Health & Wellbeing team can withdraw an accreditation.")
    reason = (reason or "").strip()
    if not reason:
        raise Refusal("Enter the reason for withdrawing the accreditation. Nothing has been saved.")
    if len(reason) > 2000:
        raise Refusal("The reason must be 2,000 characters or fewer. Nothing has been saved.")
    with transaction.atomic():
        locked = Award.objects.select_for_update().select_related("school").get(pk=award.pk)
        if locked.status == Award.Status.WITHDRAWN:
            raise Refusal(f"{locked.school.name}'s accreditation was already withdrawn. Nothing has changed.")
        if locked.expires_on <= timezone.localdate():
            raise Refusal(f"{locked.school.name}'s accreditation has already expired. Nothing has changed.")
        locked.status = Award.Status.WITHDRAWN
        locked.status_changed_at = timezone.now()
        locked.withdrawn_reason = reason
        locked.withdrawn_by = by
        locked.save(update_fields=["status", "status_changed_at", "withdrawn_reason", "withdrawn_by"])
        audit.record(actor=by, action="award.withdrawn", target=locked, summary=reason[:300])
    return locked


# Certificate settings and the certificate ---------------------------------------------------

CERTIFICATE_IMAGE_MAX_BYTES = 2 * 1024 * 1024
CERTIFICATE_IMAGE_TYPES = {"PNG": ("image/png", "png"), "JPEG": ("image/jpeg", "jpg")}


def certificate_settings() -> CertificateSettings:
    return CertificateSettings.objects.get_or_create(pk=1)[0]


def _check_image(upload, what: str) -> tuple[bytes, str]:
    from PIL import Image, UnidentifiedImageError

    data = upload.read(CERTIFICATE_IMAGE_MAX_BYTES + 1)
    if len(data) > CERTIFICATE_IMAGE_MAX_BYTES:
        raise Refusal(f"The {what} must be 2 MB or smaller. Nothing has been saved.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            width, height = image.size
    except (UnidentifiedImageError, OSError):
        kind = None
    if kind not in CERTIFICATE_IMAGE_TYPES:
        raise Refusal(f"The {what} must be a PNG or JPEG image. Nothing has been saved.")
    if width * height > 25_000_000:
        raise Refusal(f"The {what} is too large: use an image under 25 megapixels. Nothing has been saved.")
    return data, CERTIFICATE_IMAGE_TYPES[kind][1]


def certificate_settings_update(
    *, by: User, council_name: str, signatory_name: str, signatory_role: str, logo=None, signature=None
) -> CertificateSettings:
    """Save what every certificate carries (H&W admins only): the council's name and logo, the
    signatory's name, role and signature image (PNG or JPEG, 2 MB at most, stored privately).
    Audited."""
    if not is_hw_admin(by):
        raise Refusal("Only the Health & Wellbeing team can change the certificate.")
    images = {}
    for field, upload, what in (("logo", logo, "logo"), ("signature", signature, "signature image")):
        if upload is not None:
            images[field] = _check_image(upload, what)
    with transaction.atomic():
        row = CertificateSettings.objects.select_for_update().get_or_create(pk=1)[0]
        row.council_name = council_name.strip()
        row.signatory_name = signatory_name.strip()
        row.signatory_role = signatory_role.strip()
        for field, (data, extension) in images.items():
            name = default_storage.save(f"certificate/{field}-{secrets.token_hex(8)}.{extension}", ContentFile(data))
            setattr(row, field, name)
        row.updated_at, row.updated_by = timezone.now(), by
        row.save()
        audit.record(
            actor=by,
            action="certificate.settings_changed",
            target=row,
            data={"council_name": row.council_name, "signatory": row.signatory_name, "images": sorted(images)},
        )
    return row


def _data_url(name: str) -> str:
    if not name:
        return ""
    try:
        with default_storage.open(name, "rb") as stored:
            data = stored.read()
    except (FileNotFoundError, OSError):
        return ""
    kind = "image/png" if name.endswith(".png") else "image/jpeg"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def verify_url(award: Award) -> str:
    return settings.SITE_URL + reverse("validation:verify", args=[award.verification_code])


def certificate_pdf(award: Award) -> bytes:
    """The certificate: the council's name and logo, the school, the dates, the signatory's name
    and signature, and a QR code to the verification page (data: URLs only)."""
    row = certificate_settings()
    url = verify_url(award)
    qr = segno.make(url, error="m")
    return render_pdf(
        "validation/pdf/certificate.html",
        {
            "award": award,
            "school": award.school,
            "verify_url": url,
            "council_name": row.council_name or settings.COUNCIL_NAME,
            "logo_url": _data_url(row.logo),
            "signature_url": _data_url(row.signature),
            "signatory_name": row.signatory_name,
            "signatory_role": row.signatory_role,
            "qr_url": qr.svg_data_uri(scale=4, border=2),
        },
    )
