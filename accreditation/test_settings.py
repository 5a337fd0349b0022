"""Settings for the test suite: the real settings, with fast hashing, in-memory email and
isolated private media. DATABASE_URL and CELERY_BROKER_URL still come from the environment, so
CI runs the same tests against PostgreSQL and Redis."""

import os
import tempfile

# DEBUG defaults to off (production); the suite's settings are development ones (issue 24).
os.environ.setdefault("DEBUG", "true")

from .settings import *  # noqa: F403
from .settings import STORAGES, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="accreditation-test-media-")
MEDIA_ROOT = tempfile.mkdtemp(prefix="accreditation-no-public-media-")
FILE_UPLOAD_TEMP_DIR = tempfile.mkdtemp(prefix="accreditation-test-upload-tmp-")
if STORAGES["default"]["BACKEND"].endswith("FileSystemStorage"):
    STORAGES["default"]["OPTIONS"]["location"] = PRIVATE_MEDIA_ROOT
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}

# Tasks run eagerly in tests; tests marked `worker` start a real worker against TEST_REDIS_URL.
# CI passes Redis as CELERY_BROKER_URL; Celery would read that variable straight from the
# environment over any setting, so it is taken out of the environment here and kept as
# TEST_REDIS_URL, which pytest-xdist's workers (started after this module is imported) inherit.
_ci_broker = os.environ.pop("CELERY_BROKER_URL", "")
if _ci_broker:
    os.environ.setdefault("TEST_REDIS_URL", _ci_broker)
TEST_REDIS_URL = env.str("TEST_REDIS_URL", default="")
CELERY_BROKER_URL = ""
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = False

SITE_URL = "http://testserver"
