"""Renders a message from its templates, in the recipient's language.

A message named ``<template>`` lives in ``templates/messages/<template>/``: ``subject.txt``,
``body.txt`` and optionally ``body.html`` for an email; ``sms.txt`` for an SMS. The context is
JSON data (amounts as strings), so a message can always be rendered again from its row.
"""

from dataclasses import dataclass

from django.template import Context
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body_text: str
    body_html: str


def render_message(*, channel: str, template: str, language: str, context: dict) -> RenderedMessage:
    folder = f"messages/{template}"
    with translation.override(language):
        if channel == "sms":
            return RenderedMessage("", sms_text(_render_text(f"{folder}/sms.txt", context)), "")
        subject = " ".join(_render_text(f"{folder}/subject.txt", context).split())
        body_text = _render_text(f"{folder}/body.txt", context).strip() + "\n"
        try:
            body_html = render_to_string(f"{folder}/body.html", context)
        except TemplateDoesNotExist:
            body_html = ""
    return RenderedMessage(subject, body_text, body_html)


# Characters outside the GSM 03.38 alphabet make an SMS switch to UCS-2, which halves the
# length of a segment (70 characters instead of 160): replace the typographic ones we use.
SMS_REPLACEMENTS = {"\u00a0": " ", "\u202f": " ", "\u2019": "'", "\u2013": "-", "nº": "no", "º": "o"}


def sms_text(text: str) -> str:
    for typographic, plain in SMS_REPLACEMENTS.items():
        text = text.replace(typographic, plain)
    return " ".join(text.split())


def _render_text(name: str, context: dict) -> str:
    # Plain-text parts must not be HTML-escaped (« l'ordre » would become « l&#x27;ordre »).
    return get_template(name).template.render(Context(context, autoescape=False))
