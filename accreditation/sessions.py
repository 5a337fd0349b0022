"""The session engine (SESSION_ENGINE): Django's database sessions, read with SQL compiled once.

Every signed-in request reads its session by key. Django's `db` engine builds that query through
the ORM each time (about 0.35 ms of Python, measured with `benchmarks/profile_pages.py`); this one
runs the same SELECT compiled once (`accreditation.compiled`) and checks the expiry in Python, as
the ORM's `expire_date__gt=now` did in SQL. Writing, deleting, `clearsessions` and everything else
are Django's own.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from .compiled import CompiledQuery, attnames

_FIELDS = attnames(Session)
_BY_KEY = CompiledQuery(lambda key: Session.objects.filter(session_key=key).values_list(*_FIELDS))


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        found = _BY_KEY.rows(self.session_key) if self.session_key else []
        if found:
            session = Session.from_db("default", _FIELDS, found[0])
            if session.expire_date > timezone.now():
                return session
        self._session_key = None
        return None
