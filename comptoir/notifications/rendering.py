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
            return RenderedMessage("", _render_text(f"{folder}/sms.txt", context).strip(), "")
        subject = " ".join(_render_text(f"{folder}/subject.txt", context).split())
        body_text = _render_text(f"{folder}/body.txt", context).strip() + "\n"
        try:
            body_html = render_to_string(f"{folder}/body.html", context)
        except TemplateDoesNotExist:
            body_html = ""
    return RenderedMessage(subject, body_text, body_html)


def _render_text(name: str, context: dict) -> str:
    # Plain-text parts must not be HTML-escaped (« l'ordre » would become « l&#x27;ordre »).
    return get_template(name).template.render(Context(context, autoescape=False))
