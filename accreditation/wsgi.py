import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accreditation.settings")

application = get_wsgi_application()

# A web process starting (a worker restarted after being killed) clears what dead workers left.
from accreditation import uploads_temp  # noqa: E402 - needs the settings loaded above

uploads_temp.clean_stale()
