"""The form renderer of every Comptoir form: Django's, with its most used templates written in
Python.

Django renders each field group, label, error list, widget and option of a form through a
template of its own (``django/forms/field.html``, ``widgets/input.html``, ``attrs.html``…): the
checkout's details form (contact, two addresses, delivery, payment) took about 9 ms of CPU that
way, a third of its page. ``QuickRenderer`` writes the same HTML for the templates below (same
elements, attributes, whitespace and escaping as Django 5.2's) and hands every other template —
option groups, another widget, a template a project or an app overrides — to Django's renderer.
A test renders every form of the storefront and the back-office both ways, bound and unbound,
with and without errors, and compares the HTML byte for byte.
"""

from html import escape as html_escape

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.safestring import SafeData, mark_safe
from django.utils.timezone import template_localtime


def escaped(value) -> str:
    """Django's ``conditional_escape(value)``: safe HTML (``__html__``) as it is, anything else
    as text escaped by ``html.escape`` (the same five entities). Without Django's wrapper that
    looks for lazy arguments at each call, which cost more than the escaping itself."""
    as_html = getattr(value, "__html__", None)
    return as_html() if as_html is not None else html_escape(str(value))


def _show(value) -> str:
    """``{{ value }}`` with autoescaping, as the template engine writes it."""
    if isinstance(value, str):
        return escaped(value)
    return escaped(str(localize(template_localtime(value))))


def _format_s(value) -> str:
    """``{{ value|stringformat:'s' }}``: safe text stays as it is, anything else is escaped."""
    text = str(value)  # "%s" % value: the same text
    return text if isinstance(value, SafeData) else html_escape(text)


def _attributes(attrs: dict | None) -> str:
    """``attrs.html``: in order, ``True`` as a bare name, ``False`` left out."""
    return "".join(
        f" {_show(name)}" if value is True else f' {_show(name)}="{_format_s(value)}"'
        for name, value in (attrs or {}).items() if value is not False
    )


def _input(widget: dict) -> str:
    """``widgets/input.html`` (its file ends with a newline, which an include keeps)."""
    value = "" if widget["value"] is None else f' value="{_format_s(widget["value"])}"'
    return (f'<input type="{_show(widget["type"])}" name="{_show(widget["name"])}"{value}'
            f'{_attributes(widget["attrs"])}>\n')


def _input_option(widget: dict) -> str:
    """``widgets/input_option.html`` (radio and checkbox options)."""
    if not widget["wrap_label"]:
        return _input(widget) + "\n"
    target = widget["attrs"].get("id")
    label_for = f' for="{_show(target)}"' if target else ""
    return f"<label{label_for}>{_input(widget)} {_show(widget['label'])}</label>\n"


def _select_option(widget: dict) -> str:
    return (f'<option value="{_format_s(widget["value"])}"{_attributes(widget["attrs"])}>'
            f'{_show(widget["label"])}</option>\n')


def _choice_option(widget: dict) -> str:
    """``widgets/radio_option.html`` and ``checkbox_option.html``: ``input_option.html`` and
    their own final newline."""
    return _input_option(widget) + "\n"


_OPTIONS = {
    "django/forms/widgets/select_option.html": _select_option,
    "django/forms/widgets/radio_option.html": _choice_option,
    "django/forms/widgets/checkbox_option.html": _choice_option,
}


def _options(groups) -> list[dict] | None:
    """The options of a widget without option groups, or None (Django's template writes those)."""
    options = []
    for group_name, choices, _index in groups:
        if group_name or any(option["template_name"] not in _OPTIONS for option in choices):
            return None
        options.extend(choices)
    return options


def _select(context: dict) -> str | None:
    widget = context["widget"]
    options = _options(widget["optgroups"])
    if options is None:
        return None
    written = "".join(f"\n  {_OPTIONS[option['template_name']](option)}" for option in options)
    return f'<select name="{_show(widget["name"])}"{_attributes(widget["attrs"])}>{written}\n</select>'


def _multiple_input(context: dict) -> str | None:
    """``widgets/multiple_input.html`` (radio buttons, checkboxes)."""
    widget = context["widget"]
    options = _options(widget["optgroups"])
    if options is None:
        return None
    identifier, css = widget["attrs"].get("id"), widget["attrs"].get("class")
    opening = "<div" + (f' id="{_show(identifier)}"' if identifier else "") + (
        f' class="{_show(css)}"' if css else "") + ">"
    written = "".join(f"<div>\n    {_OPTIONS[option['template_name']](option)}</div>" for option in options)
    return f"{opening}{written}\n</div>"


def _single_input(context: dict) -> str:
    return _input(context["widget"])


def _textarea(context: dict) -> str:
    widget = context["widget"]
    value = _show(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_show(widget["name"])}"{_attributes(widget["attrs"])}>\n{value}</textarea>\n'


def _label(context: dict) -> str:
    """``label.html`` (labels and legends)."""
    if not context["use_tag"]:
        return _show(context["label"]) + "\n"
    tag = _show(context["tag"])
    return f"<{tag}{_attributes(context['attrs'])}>{_show(context['label'])}</{tag}>\n"


def _errors(context: dict) -> str:
    """``errors/list/default.html`` and ``ul.html``."""
    errors = context["errors"]
    if not errors:
        return ""
    field_id = errors.field_id
    identifier = f' id="{_show(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{_show(error)}</li>" for error in errors)
    return f'<ul class="{_show(context["error_class"])}"{identifier}>{items}</ul>'


def _field(context: dict) -> str:
    """``field.html``, a field's group: label (or legend), help text, errors, widget."""
    field = context["field"]
    if field.use_fieldset:
        described = field.aria_describedby
        head = "\n  <fieldset" + (f' aria-describedby="{_show(described)}"' if described else "") + ">\n  "
        head += _show(field.legend_tag()) if field.label else ""
    else:
        head = "\n  " + (_show(field.label_tag()) if field.label else "")
    help_text = ""
    if field.help_text:
        identifier = f' id="{_show(field.auto_id)}_helptext"' if field.auto_id else ""
        help_text = f'<div class="helptext"{identifier}>{mark_safe(field.help_text)}</div>'
    tail = "</fieldset>" if field.use_fieldset else ""
    return f"{head}\n\n{help_text}\n{_show(field.errors)}\n{_show(field)}{tail}\n"


_WIDGETS = {
    f"django/forms/widgets/{name}.html": _single_input
    for name in ("input", "text", "email", "tel", "url", "number", "password", "search", "hidden",
                 "checkbox", "date", "datetime", "time", "color")
}

QUICK = {
    **_WIDGETS,
    "django/forms/widgets/select.html": _select,
    "django/forms/widgets/radio.html": _multiple_input,
    "django/forms/widgets/checkbox_select.html": _multiple_input,
    "django/forms/widgets/multiple_input.html": _multiple_input,
    "django/forms/widgets/textarea.html": _textarea,
    "django/forms/label.html": _label,
    "django/forms/errors/list/default.html": _errors,
    "django/forms/errors/list/ul.html": _errors,
    "django/forms/field.html": _field,
}


class QuickRenderer(DjangoTemplates):
    """Django's renderer; the templates of ``QUICK`` are written in Python. (This renderer's
    engine looks in Django's form templates before any app's, so these names always mean
    Django's own templates.)"""

    def render(self, template_name, context, request=None):
        quick = QUICK.get(template_name)
        if quick is not None:
            html = quick(context)
            if html is not None:
                return html.strip()
        return super().render(template_name, context, request)
