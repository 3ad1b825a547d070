"""Search text typed by a visitor, made safe for any database.

PostgreSQL refuses a NUL character in a text parameter (the query fails with an error, a 500
page for the visitor), and no name, SKU or email contains a control character: they are
removed from search input before it reaches a query, wherever it comes from (a URL, a form).
"""

import unicodedata

from django import forms

SEARCH_MAX_LENGTH = 100


def clean_search_text(value, *, max_length: int = SEARCH_MAX_LENGTH) -> str:
    """``value`` without control characters (NUL, escapes…; line breaks and tabs become spaces),
    with single spaces, trimmed, at most ``max_length`` characters; "" for no value."""
    text = "".join(
        character if unicodedata.category(character) != "Cc" else " " if character.isspace() else ""
        for character in str(value or "")
    )
    return " ".join(text.split())[:max_length]


def is_plain_number(value: str, *, max_digits: int = 18) -> bool:
    """Whether ``value`` is a number written with the digits 0–9 (``str.isdigit`` also accepts
    « ² » or Arabic digits, which ``int`` may refuse), small enough for a 64-bit column."""
    return bool(value) and value.isascii() and value.isdigit() and len(value) <= max_digits


class SearchField(forms.CharField):
    """A search box: control characters are removed instead of making the form invalid."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", SEARCH_MAX_LENGTH)
        super().__init__(**kwargs)

    def to_python(self, value):
        return clean_search_text(super().to_python(value), max_length=self.max_length or SEARCH_MAX_LENGTH)
