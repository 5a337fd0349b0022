"""Test data for portfolios: evidence items and ready-to-submit applications."""

import importlib
import io
import zipfile
from datetime import timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from portfolios import services
from portfolios.models import Criterion, EvidenceItem


def pdf_bytes(text="Anti-bullying policy"):
    body = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>endobj\n"
        b"4 0 obj<</Length "
        + str(len(body)).encode()
        + b">>stream\n"
        + body
        + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def pdf_upload(name="policy.pdf", text="Anti-bullying policy"):
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def png_bytes(size=(4, 4)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, format="PNG")
    return buffer.getvalue()


def office_bytes(main_part="word/document.xml", extra=None, content_types=b""):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            + content_types
            + b"</Types>",
        )
        archive.writestr("_rels/.rels", b"<Relationships/>")
        archive.writestr(main_part, b"<document>Anti-bullying week</document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


class EvidenceItemFactory(factory.django.DjangoModelFactory):
    """A web-link item (no file), dated a month ago."""

    class Meta:
        model = EvidenceItem
        skip_postgeneration_save = True

    school = factory.SubFactory("schools.tests.factories.SchoolFactory")
    kind = EvidenceItem.Kind.LINK
    url = "https://www.example.sch.uk/anti-bullying"
    title = factory.Sequence(lambda n: f"Evidence {n}")
    description = "Minutes of the anti-bullying action group"
    impact = "Reported incidents fell by a third"
    produced_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))

    @factory.post_generation
    def criteria(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.criteria.set(extracted)


def ensure_criteria():
    """Transactional tests flush the database, data migrations included: load the criteria again."""
    from django.apps import apps

    importlib.import_module("portfolios.migrations.0002_load_criteria_set_v1").load(apps, None)


def criteria():
    return list(Criterion.objects.filter(criteria_set__is_current=True).order_by("number"))


def complete_application(lead_membership, *, actor=None, evidence=None):
    """A draft with a self-evaluation and one evidence item on every criterion."""
    actor = actor or lead_membership.user
    school = lead_membership.school
    application = services.application_start(school=school, actor=actor)
    item = evidence or EvidenceItemFactory(school=school)
    for response in application.responses.all():
        services.response_update(
            response=response,
            actor=actor,
            self_evaluation=f"We meet criterion {response.criterion.number}.",
            evidence=[item],
        )
    return application
