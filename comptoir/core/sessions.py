"""Django's database sessions (``SESSION_ENGINE`` without ``REDIS_URL``), with two queries fewer:

- the session's row is read on PostgreSQL by a ``core.prepared.PreparedQuery``: every request of
  a visitor with a cart and of the back-office reads it, and the ORM spent more CPU writing that
  query's SQL than PostgreSQL running it. The same row, the same expiry condition, the same
  answer when there is none;
- a new session's key is not looked up before the session is inserted: the insert itself
  refuses a key already taken (Django's ``create()`` then draws another one), so the look-up
  only repeated what the unique key checks.
"""

import datetime
import logging

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.models import Session
from django.core.exceptions import SuspiciousOperation
from django.utils import timezone
from django.utils.crypto import get_random_string

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

    def _get_new_session_key(self) -> str:
        """As Django's (32 random characters), without the query that looks for it first: the
        row is inserted with ``must_create``, and a key already taken raises ``CreateError``, on
        which ``create()`` draws another one."""
        return get_random_string(32, VALID_KEY_CHARS)
