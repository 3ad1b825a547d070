"""Django's database sessions (``SESSION_ENGINE`` without ``REDIS_URL``), the session's row read
on PostgreSQL by a ``core.prepared.PreparedQuery``: every request of a visitor with a cart and of
the back-office reads it, and the ORM spent more CPU writing that query's SQL than PostgreSQL
running it. The same row, the same expiry condition, the same answer when there is none."""

import datetime
import logging

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone

from .prepared import PreparedQuery

_SAMPLE_TIMES = tuple(datetime.datetime(2000, 1, day, tzinfo=datetime.UTC) for day in (1, 2))
_SESSION = PreparedQuery(
    lambda session_key, now: Session.objects.filter(session_key=session_key, expire_date__gt=now),
    session_key=("sample-session-key-1", "sample-session-key-2"), now=_SAMPLE_TIMES,
    vendors=("postgresql",),
)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        try:
            rows = _SESSION(session_key=self.session_key, now=timezone.now())
        except SuspiciousOperation as error:  # as Django's store: logged, no session
            logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))
            rows = []
        if not rows:
            self._session_key = None
            return None
        return rows[0]
