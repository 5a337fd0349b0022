"""Headers and deployment: `check --deploy` is clean with production settings; every app's pages
carry a strict CSP (no unsafe-inline, frame-ancestors 'none'), nosniff and a Referrer-Policy;
every download answers as an attachment with nosniff."""

import pytest
from django.test import Client
from django.urls import reverse

from accreditation.tests.helpers import PRODUCTION_ENV, login, run_manage
from tests.access.world import START, build


def test_check_deploy_is_clean_with_the_production_environment():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_keep_the_browser_protections():
    code = (
        "from django.conf import settings as s;"
        "print('SETTINGS', s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_CONTENT_TYPE_NOSNIFF, s.SECURE_REFERRER_POLICY, s.X_FRAME_OPTIONS, s.DEBUG)"
    )
    result = run_manage("shell", "-c", code, env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("SETTINGS"))
    hsts, *rest = line.split()[1:]
    assert int(hsts) >= 31_536_000
    assert rest == ["True", "True", "True", "True", "same-origin", "DENY", "False"]


@pytest.fixture
def world(time_machine):
    time_machine.move_to(START, tick=False)
    return build(time_machine)


def client_for(world, role):
    client = Client()
    if role != "anonymous":
        login(client, world.users[role])
    return client


# A sample of every app's pages, each with someone allowed to see it.
PAGES = [
    ("anonymous", lambda w: reverse("accounts:login")),
    ("anonymous", lambda w: reverse("accounts:password_reset")),
    ("anonymous", lambda w: reverse("schools:register_find")),
    ("anonymous", lambda w: reverse("validation:register")),
    ("anonymous", lambda w: reverse("validation:verify", args=[w.award.verification_code])),
    ("anonymous", lambda w: "/no-such-page/"),
    ("lead", lambda w: reverse("home")),
    ("lead", lambda w: reverse("accounts:security")),
    ("lead", lambda w: reverse("schools:school_detail", args=[w.school.urn])),
    ("lead", lambda w: reverse("schools:return_detail", args=[w["return"].pk])),
    ("lead", lambda w: reverse("portfolios:evidence_library", args=[w.school.pk])),
    ("lead", lambda w: reverse("portfolios:evidence_upload", args=[w.school.pk])),
    ("lead", lambda w: reverse("portfolios:criterion", args=[w.draft.pk, 1])),
    ("other_lead", lambda w: reverse("portfolios:evidence_detail", args=[w.evidence.pk])),  # 404 page
    ("validator", lambda w: reverse("validation:review", args=[w.review.pk])),
    ("validator", lambda w: reverse("validation:meetings")),
    ("admin", lambda w: reverse("insight:audit_trail")),
    ("admin", lambda w: reverse("schools:registration_queue")),
    ("admin", lambda w: reverse("portfolios:admin_schools")),
    ("admin", lambda w: reverse("insight:dashboard")),
    ("admin", lambda w: reverse("validation:meeting", args=[w.meeting.pk])),
]


@pytest.mark.django_db
def test_every_apps_pages_carry_the_security_headers(world):
    problems = []
    for role, address in PAGES:
        url = address(world)
        response = client_for(world, role).get(url)
        csp = response.get("Content-Security-Policy", "")
        expected = 404 if role == "other_lead" or url == "/no-such-page/" else 200
        if response.status_code != expected:
            problems.append(f"{role} {url}: answered {response.status_code}, expected {expected}")
        checks = {
            "CSP script-src 'self'": "script-src 'self'" in csp,
            "CSP style-src 'self'": "style-src 'self'" in csp,
            "CSP frame-ancestors 'none'": "frame-ancestors 'none'" in csp,
            "CSP without unsafe-inline": "unsafe-inline" not in csp and "unsafe-eval" not in csp,
            "nosniff": response.get("X-Content-Type-Options") == "nosniff",
            "Referrer-Policy": response.get("Referrer-Policy") == "same-origin",
            "X-Frame-Options": response.get("X-Frame-Options") == "DENY",
        }
        problems += [f"{role} {url} ({response.status_code}): {name}" for name, ok in checks.items() if not ok]
        html = response.content.decode() if "text/html" in response["Content-Type"] else ""
        if "<script>" in html or " style=" in html:
            problems.append(f"{role} {url}: inline script or style")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_the_too_many_files_and_csrf_pages_carry_them_too(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(world, "lead")
    files = [SimpleUploadedFile(f"{n}.pdf", b"%PDF-1.4") for n in range(21)]
    response = client.post(reverse("portfolios:evidence_upload", args=[world.school.pk]), {"files": files})
    strict = Client(enforce_csrf_checks=True).post(reverse("accounts:login"), {"username": "x", "password": "y"})
    for answer in (response, strict):
        assert "frame-ancestors 'none'" in answer["Content-Security-Policy"]
        assert answer["X-Content-Type-Options"] == "nosniff"


DOWNLOADS = [
    ("lead", "portfolios:evidence_download", lambda w: [w.evidence.pk], {}),
    ("lead", "portfolios:export_pdf", lambda w: [w.application.pk], {}),
    ("lead", "portfolios:export_zip", lambda w: [w.application.pk], {}),
    ("lead", "portfolios:pdf_export_download", lambda w: [w.application.pk, w.pdf_export.pk], {}),
    ("lead", "validation:certificate", lambda w: [w.award.pk], {}),
    ("lead", "validation:feedback_letter", lambda w: [w.decision.pk], {}),
    ("lead", "schools:welcome_pack_download", lambda w: [w.file_resource.pk], {}),
    ("validator", "validation:review_evidence", lambda w: [w.review.pk, w.linked_evidence.pk], {}),
    ("validator", "validation:review_portfolio_pdf", lambda w: [w.review.pk], {}),
    ("validator", "validation:review_evidence_zip", lambda w: [w.review.pk], {}),
    ("validator", "validation:minutes", lambda w: [w.meeting.pk], {}),
    ("admin", "insight:audit_trail", lambda w: [], {"format": "csv"}),
    ("admin", "insight:export_download", lambda w: ["schools"], {}),
    ("admin", "insight:export_download", lambda w: ["awards"], {}),
    ("admin", "schools:returns_trends_csv", lambda w: [], {}),
]


@pytest.mark.django_db
def test_every_download_is_an_attachment_with_nosniff(world):
    problems = []
    for role, name, args, query in DOWNLOADS:
        response = client_for(world, role).get(reverse(name, args=args(world)), query)
        disposition = response.get("Content-Disposition", "")
        if response.status_code != 200:
            problems.append(f"{name}: {response.status_code}")
            continue
        if not disposition.startswith("attachment"):
            problems.append(f"{name}: Content-Disposition {disposition!r}")
        if response.get("X-Content-Type-Options") != "nosniff":
            problems.append(f"{name}: no nosniff")
        if "text/html" in response["Content-Type"]:
            problems.append(f"{name}: served as HTML")
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
def test_stored_files_are_sandboxed_whatever_their_type(world):
    """Evidence and review downloads also forbid anything running, should a browser render them."""
    for role, name, args in [
        ("lead", "portfolios:evidence_download", [world.evidence.pk]),
        ("validator", "validation:review_evidence", [world.review.pk, world.linked_evidence.pk]),
    ]:
        response = client_for(world, role).get(reverse(name, args=args))
        assert "sandbox" in response["Content-Security-Policy"]
        assert "default-src 'none'" in response["Content-Security-Policy"]
