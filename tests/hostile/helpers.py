"""Shared by the hostile input suite: who is signed in, and what is stored before and after."""

import os
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from accreditation.models import AuditEvent


def stored_files() -> set[str]:
    """Every file in private storage (the test settings keep it in a temporary folder)."""
    root = settings.STORAGES["default"].get("OPTIONS", {}).get("location") or settings.PRIVATE_MEDIA_ROOT
    found = set()
    for folder, _, names in os.walk(root):
        found.update(os.path.relpath(os.path.join(folder, name), root) for name in names)
    return found


def audit_count() -> int:
    """Audit entries other than sign-ins and traces of refusals: every change the portal makes
    writes one (a refusal writes a "security." trace, which is not a change)."""
    return (
        AuditEvent.objects.exclude(action__in=["user.signed_in", "user.signed_out"])
        .exclude(action__startswith="security.")
        .count()
    )


def date_fields(prefix, day):
    return {f"{prefix}_0": str(day.day), f"{prefix}_1": str(day.month), f"{prefix}_2": str(day.year)}


def upload_data(files, **extra):
    """A complete evidence upload form, as the upload page posts it."""
    return {
        "files": files,
        "title": "",
        "description": "Our policy",
        "impact": "Pupils know who to tell",
        "criteria": [],
        **date_fields("produced_on", timezone.localdate() - timedelta(days=5)),
        **extra,
    }
