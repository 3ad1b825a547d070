"""Tax periods: a month, a quarter or a year of the shop's fiscal year, or any two dates."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """From local midnight of the first day to local midnight after the last day."""
        tz = timezone.get_current_timezone()
        start = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return start, end

    @property
    def label(self) -> str:
        return f"{date_format(self.start)} – {date_format(self.end)}"

    def query(self) -> str:
        return f"du={self.start.isoformat()}&au={self.end.isoformat()}"


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def period_of(day: datetime.date, *, months: int, fiscal_start_month: int = 1) -> Period:
    """The period of ``months`` months (1, 3 or 12) containing ``day``, counted from the first
    month of the fiscal year."""
    offset = (day.month - fiscal_start_month) % months
    start = _add_months(day.replace(day=1), -offset)
    end = _add_months(start, months) - datetime.timedelta(days=1)
    return Period(start, end)


FREQUENCY_MONTHS = {"monthly": 1, "quarterly": 3, "yearly": 12}


def filing_periods(today: datetime.date, *, frequency: str, fiscal_start_month: int) -> list[Period]:
    """The current filing period and the one before (the one usually being filed)."""
    months = FREQUENCY_MONTHS.get(frequency, 3)
    current = period_of(today, months=months, fiscal_start_month=fiscal_start_month)
    previous = period_of(current.start - datetime.timedelta(days=1), months=months,
                         fiscal_start_month=fiscal_start_month)
    return [current, previous]
