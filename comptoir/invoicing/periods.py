"""Closed tax periods: the check the issuing services make before numbering a document.

Once the merchant has filed a period, a document dated inside it would change figures already
declared. Depending on ``ShopSettings.closed_period_policy`` it is refused (« refuser ») or issued
and flagged (« signaler ») so that the next return can carry the adjustment.
"""

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from comptoir.core.errors import DomainError

from .models import ClosedPeriod

REFUSE = "refuse"
FLAG = "flag"


class ClosedPeriodError(DomainError):
    pass


def check_closed_period(issued_at: datetime.datetime, *, policy: str) -> bool:
    """True when the document must be flagged; raises ClosedPeriodError when it is refused."""
    day = timezone.localdate(issued_at)
    period = ClosedPeriod.objects.filter(start_date__lte=day, end_date__gte=day).first()
    if period is None:
        return False
    if policy == FLAG:
        return True
    raise ClosedPeriodError(
        _("The tax period from %(start)s to %(end)s is closed: no document can be dated %(day)s.")
        % {"start": date_format(period.start_date), "end": date_format(period.end_date),
           "day": date_format(day)},
        code="closed_period",
    )
