"""Django's ``i18n`` template library, with a ``{% translate %}`` that remembers its text.

Registered in ``settings.TEMPLATES`` under the name ``i18n``: ``{% load i18n %}`` gives every tag
and filter of Django's library, the same way. Only ``{% translate %}`` (and its old name
``{% trans %}``) changes: when its message and its context are written in the template (not
variables, no filter), its text depends only on the active language and on whether the
template escapes HTML, so the node keeps it per language and escaping after its first
rendering. A back-office page renders 20 to 60 of them, each of which built a lazy translation
and looked the language up several times.

The translation catalogues are read once per process; when a setting that changes them changes
(``LANGUAGES``, ``LANGUAGE_CODE``, ``LOCALE_PATHS``, as in tests), the texts kept are forgotten,
as Django forgets its catalogues.
"""

import itertools

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import Variable
from django.templatetags import i18n as django_i18n
from django.utils.translation import get_language

register = template.Library()
register.tags.update(django_i18n.register.tags)
register.filters.update(django_i18n.register.filters)

_generations = itertools.count()
_generation = next(_generations)


@receiver(setting_changed)
def _forget_texts(*, setting, **kwargs):
    global _generation
    if setting in ("LANGUAGES", "LANGUAGE_CODE", "LOCALE_PATHS"):
        _generation = next(_generations)


class KeptTranslateNode(django_i18n.TranslateNode):
    """Django's node; a constant message's text is kept per language and escaping."""

    def __init__(self, filter_expression, noop, asvar=None, message_context=None):
        super().__init__(filter_expression, noop, asvar, message_context)
        message = self.filter_expression
        self.constant = (
            isinstance(message.var, Variable) and message.var.literal is not None and not message.filters
            and (message_context is None
                 or (isinstance(message_context.var, str) and not message_context.filters))
        )
        self.texts = {}

    def render(self, context):
        if not self.constant:
            return super().render(context)
        key = (_generation, get_language(), context.autoescape)
        text = self.texts.get(key)
        if text is None:
            text = super().render(context)
            if self.asvar:
                text = context[self.asvar]
            self.texts[key] = text
        if self.asvar:
            context[self.asvar] = text
            return ""
        return text


@register.tag("translate")
@register.tag("trans")
def do_translate(parser, token):
    node = django_i18n.do_translate(parser, token)
    return KeptTranslateNode(node.filter_expression, node.noop, node.asvar, node.message_context)
