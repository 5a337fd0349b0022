"""The private folder uploads are spooled to while a request is read (FILE_UPLOAD_TEMP_DIR).

Django deletes a temporary upload when the request ends; a worker killed mid-upload cannot, and
the file would stay in the system temp folder for good. The portal's own folder (mode 0700) is
cleaned of files older than UPLOAD_TEMP_MAX_AGE when a web process starts and by a periodic job,
so nothing is left behind longer than that. The age keeps a sibling worker's upload in progress.
"""

import logging
import os
import time
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)


def ensure_folder() -> Path:
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    return folder


def clean_stale(*, max_age_seconds: int | None = None) -> int:
    """Delete files in the upload temp folder older than `max_age_seconds`; the number deleted."""
    folder = ensure_folder()
    max_age = settings.UPLOAD_TEMP_MAX_AGE_SECONDS if max_age_seconds is None else max_age_seconds
    cutoff = time.time() - max_age
    removed = 0
    for entry in folder.iterdir():
        try:
            if entry.is_file() and not entry.is_symlink() and entry.stat().st_mtime <= cutoff:
                entry.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # its request finished meanwhile
    if removed:
        logger.info("Removed %s abandoned temporary upload file(s) from %s", removed, folder)
    return removed


def human_size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}".replace(".0 ", " ")
        size /= 1024
    return f"{size} GB"
