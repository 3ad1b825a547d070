"""Helpers for bilingual catalogue text (``name_fr`` / ``name_en`` fields)."""

from django.conf import settings
from django.utils import translation

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def current_language() -> str:
    language = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return language if language in LANGUAGE_CODES else settings.LANGUAGE_CODE


def localized(obj, field: str, language: str | None = None) -> str:
    """The value of ``<field>_<language>``, falling back to French when it is empty."""
    language = language or current_language()
    value = getattr(obj, f"{field}_{language}", "")
    return value or getattr(obj, f"{field}_{settings.LANGUAGE_CODE}", "")


class LocalizedFieldsMixin:
    """Gives ``obj.name`` / ``obj.description`` in the active language."""

    @property
    def name(self) -> str:
        return localized(self, "name")

    @property
    def description(self) -> str:
        return localized(self, "description")
