"""``{% load i18n %}`` is Django's library with a ``{% translate %}`` that keeps a constant text per
language and escaping (``core.template_i18n``): the same text as Django's in every case."""

from django.template import Context, engines
from django.templatetags import i18n as django_i18n
from django.test import override_settings
from django.utils import translation

from comptoir.core.template_i18n import KeptTranslateNode


def render(source: str, *, language: str, autoescape: bool = True, **context) -> str:
    template = engines["django"].from_string("{% load i18n %}" + source)
    with translation.override(language):
        return template.template.render(Context(context, autoescape=autoescape))


def test_a_constant_message_follows_the_language_of_each_rendering():
    template = engines["django"].from_string('{% load i18n %}{% translate "Orders" %}')
    texts = []
    for language in ("fr", "en", "fr", "en"):
        with translation.override(language):
            texts.append(template.template.render(Context({})))
    assert texts == ["Commandes", "Orders", "Commandes", "Orders"]
    node = template.template.nodelist[-1]
    assert isinstance(node, KeptTranslateNode) and node.constant


def django_render(source: str, *, language: str, autoescape: bool = True, **context) -> str:
    """``source`` rendered by Django's own ``{% translate %}`` nodes."""
    template = engines["django"].from_string("{% load i18n %}" + source)
    for node in template.template.nodelist:
        if isinstance(node, KeptTranslateNode):
            node.constant = False
    with translation.override(language):
        return template.template.render(Context(context, autoescape=autoescape))


def test_html_and_text_templates_get_what_django_writes():
    template = engines["django"].from_string(
        '{% load i18n %}{% translate "Tom & Jerry\'s" %} {% translate "Orders" %}')
    with translation.override("fr"):
        for autoescape in (True, False, True):
            assert template.template.render(Context({}, autoescape=autoescape)) == django_render(
                '{% translate "Tom & Jerry\'s" %} {% translate "Orders" %}', language="fr",
                autoescape=autoescape)


def test_variables_filters_and_variable_contexts_are_translated_at_each_rendering():
    source = '{% translate word %}|{% translate "Orders"|upper %}|{% translate "active" context ctx %}'
    assert render(source, language="en", word="Orders", ctx="filters") == "Orders|ORDERS|active"
    assert render(source, language="fr", word="Orders", ctx="filters") == "Commandes|COMMANDES|actifs"
    assert render(source, language="fr", word="Search", ctx="x") == "Rechercher|COMMANDES|active"
    template = engines["django"].from_string("{% load i18n %}" + source)
    kept = [node for node in template.template.nodelist if isinstance(node, KeptTranslateNode)]
    assert len(kept) == 3 and not any(node.constant for node in kept)


def test_as_variable_and_literal_context_as_django_writes_them():
    source = ('{% translate "Orders" as label %}{{ label }}/{{ label }}/'
              '{% translate "active" context "filters" %}/{% trans "Search" noop %}')
    for language in ("fr", "en", "fr"):
        assert render(source, language=language) == django_render(source, language=language)
    assert render(source, language="fr") == "Commandes/Commandes/actifs/Search"


def test_the_library_keeps_every_tag_and_filter_of_django():
    library = engines["django"].engine.template_libraries["i18n"]
    assert set(django_i18n.register.tags) <= set(library.tags)
    assert set(django_i18n.register.filters) <= set(library.filters)
    source = "{% get_current_language as code %}{{ code }} {% blocktranslate %}Orders{% endblocktranslate %}"
    assert render(source, language="fr") == "fr Commandes"


def test_a_change_of_the_language_settings_forgets_the_texts_kept():
    template = engines["django"].from_string('{% load i18n %}{% translate "Orders" %}')
    node = template.template.nodelist[-1]
    with translation.override("fr"):
        template.template.render(Context({}))
        kept = set(node.texts)
        with override_settings(LANGUAGES=[("fr", "Français"), ("en", "English")]):
            assert template.template.render(Context({})) == "Commandes"
        assert set(node.texts) - kept  # rendered again under the new settings, not taken from before


def test_no_other_template_library_name_is_shared():
    """``templates.W003`` is silenced for ``i18n`` only: any other name given twice fails here."""
    warnings = [warning for engine in engines.all() for warning in engine.check()]
    assert [warning.id for warning in warnings] == ["templates.W003"]
    assert warnings[0].msg.startswith("'i18n' is used for multiple template tag modules")
