"""Where evidence files live: the default storage (a private folder, or the S3 bucket), behind a
callable so migrations do not capture the storage object."""

from django.core.files.storage import default_storage


def evidence_storage():
    return default_storage
