"""English as written in Canada: ISO short dates (2026-11-26) instead of the US 11/26/2026."""

DATE_FORMAT = "F j, Y"  # November 26, 2026
DATETIME_FORMAT = "F j, Y, g:i a"  # November 26, 2026, 5:37 a.m.
TIME_FORMAT = "H:i"  # 05:37, next to a short date
SHORT_DATE_FORMAT = "Y-m-d"  # 2026-11-26
SHORT_DATETIME_FORMAT = "Y-m-d H:i"  # 2026-11-26 05:37
