"""English reads as English: quotation marks, amounts and dates in the active language."""

import gettext
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import formats, translation

from comptoir.core.money import format_amount

from .test_translations import APPS_DIR, parse_po

ENGLISH_CATALOGUES = sorted(APPS_DIR.glob("*/locale/en/LC_MESSAGES/django.po"))


def test_there_are_english_catalogues():
    assert len(ENGLISH_CATALOGUES) >= 10


@pytest.mark.parametrize("po_path", ENGLISH_CATALOGUES, ids=lambda p: p.parts[-5])
def test_english_strings_use_english_quotation_marks(po_path):
    """A source string quoting « like this » (French style) reads “like this” in English."""
    entries = parse_po(po_path)
    with open(po_path.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for (context, msgid), msgstr in entries.items():
        if "«" not in msgid and "»" not in msgid:
            continue
        shown = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
        assert shown == msgstr, msgid
        assert "«" not in shown and "»" not in shown, msgid
        assert shown.count("“") == msgid.count("«") and shown.count("”") == msgid.count("»"), msgid


@pytest.mark.parametrize(("language", "expected"), [
    ("en", "“Gift basket” was added to your cart."),
    ("fr", "« Gift basket »"),  # French keeps its own quotation marks
])
def test_a_quoted_message_in_each_language(language, expected):
    with translation.override(language):
        message = translation.gettext("« %(name)s » was added to your cart.") % {"name": "Gift basket"}
    assert expected in message.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.mark.parametrize(("language", "expected"), [("en", "$1,234.56"), ("fr", "1\u00a0234,56\u00a0$")])
def test_amounts_are_formatted_in_the_active_language_by_default(language, expected):
    with translation.override(language):
        assert format_amount(Decimal("1234.56")) == expected
    with translation.override("en" if language == "fr" else "fr"):
        assert format_amount(Decimal("1234.56"), language) == expected


MOMENT = datetime(2026, 11, 26, 17, 37, tzinfo=ZoneInfo("America/Toronto"))


@pytest.mark.parametrize(("language", "format_name", "expected"), [
    ("en", "SHORT_DATE_FORMAT", "2026-11-26"),
    ("en", "SHORT_DATETIME_FORMAT", "2026-11-26 17:37"),
    ("en", "DATE_FORMAT", "November 26, 2026"),
    ("en", "DATETIME_FORMAT", "November 26, 2026, 5:37 p.m."),
    ("en", "TIME_FORMAT", "17:37"),
    # French keeps Django's own formats.
    ("fr", "SHORT_DATE_FORMAT", "26/11/2026"),
    ("fr", "SHORT_DATETIME_FORMAT", "26/11/2026 17:37"),
    ("fr", "DATE_FORMAT", "26 novembre 2026"),
    ("fr", "DATETIME_FORMAT", "26 novembre 2026 17:37"),
    ("fr", "TIME_FORMAT", "17:37"),
])
def test_dates_read_as_written_in_canada(language, format_name, expected):
    with translation.override(language):
        assert formats.date_format(MOMENT, format_name) == expected
