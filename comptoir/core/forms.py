"""Form fields shared by the back-office forms."""

from decimal import Decimal

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .form_rendering import escaped
from .money import AmountError, parse_amount


class MoneyField(forms.DecimalField):
    """An amount in CAD typed the French or the English way (« 16,95 », « 1 234,50 »,
    « 1,234.50 »), read by ``core.money.parse_amount``; shown in the page's language."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Enter an amount in dollars and cents, for example 16,95."),
        "ambiguous": _("« %(value)s » can be read two ways: write the amount without a thousands "
                       "separator, with its cents if any (for example 1234,50)."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            return parse_amount(str(value))
        except AmountError as error:
            raise forms.ValidationError(
                self.error_messages[error.code], code=error.code, params={"value": str(value).strip()}
            ) from error

    def widget_attrs(self, widget):
        return {"inputmode": "decimal"}  # no min/step: the browser must not refuse « 12,50 »


SELECTED = " selected"  # the attribute of the chosen option


class QuickSelect(forms.Select):
    """Django's ``<select>``, written without the template engine: the engine renders each
    option through its own template include (about 0.1 ms an option), which made the order
    list's filters a sixth of that page's cost. Same elements, attributes and escaping as
    ``django/forms/widgets/select.html``; option groups are left to Django's template."""

    def render(self, name, value, attrs=None, renderer=None):
        # The options straight from the choices, as ``ChoiceWidget.optgroups`` would make them
        # (the first option whose value is among the widget's values is selected), without
        # building an option dictionary each: that was most of the cost of a filter.
        choices = list(iter(self.choices))  # not ``list(choices)``: a model iterator's len() counts its rows
        if self.allow_multiple_selected or any(isinstance(label, (list, tuple)) for _value, label in choices):
            return super().render(name, value, attrs, renderer)
        values = self.format_value(value)
        options, chosen = [], False
        for option_value, label in choices:
            option_value = "" if option_value is None else str(option_value)
            selected = not chosen and option_value in values
            chosen = chosen or selected
            options.append(f'<option value="{escaped(option_value)}"{SELECTED if selected else ""}>'
                           f"{escaped(label)}</option>")
        return mark_safe(f'<select name="{escaped(name)}"{_attributes(self.build_attrs(self.attrs, attrs))}>'
                         f'{"".join(options)}</select>')


class QuickDateInput(forms.DateInput):
    """Django's date ``<input>``, written without the template engine (as ``QuickSelect``):
    the same element as ``django/forms/widgets/input.html``."""

    def render(self, name, value, attrs=None, renderer=None):
        value = self.format_value(value)
        shown = "" if value is None else f' value="{escaped(value)}"'
        return mark_safe(f'<input type="{escaped(self.input_type)}" name="{escaped(name)}"{shown}'
                         f"{_attributes(self.build_attrs(self.attrs, attrs))}>")


def _attributes(attrs: dict) -> str:
    """As ``django/forms/widgets/attrs.html``: in order, ``True`` as a bare name, ``False`` left
    out, each value escaped unless it is safe HTML."""
    return "".join(
        f" {escaped(name)}" if value is True else f' {escaped(name)}="{escaped(value)}"'
        for name, value in attrs.items() if value is not False
    )


class ShortListChoiceIterator(ModelChoiceIterator):
    """The choices of a ``ModelChoiceField`` over a short table (delivery methods…) read with
    one plain query. Django's iterator reads them through ``QuerySet.iterator()``, which on
    PostgreSQL declares a server-side cursor: three round trips for a handful of rows."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        prepared = self.field.prepared_choices
        for obj in prepared() if prepared is not None else self.queryset.all():
            yield self.choice(obj)


class ShortListModelChoiceField(forms.ModelChoiceField):
    """A ``ModelChoiceField`` whose choices are read by ``ShortListChoiceIterator``; with
    ``prepared_choices`` (a ``core.prepared.PreparedQuery`` without values, of the same rows as
    ``queryset``), they are read by it."""

    iterator = ShortListChoiceIterator

    def __init__(self, queryset, *, prepared_choices=None, **kwargs):
        super().__init__(queryset, **kwargs)
        self.prepared_choices = prepared_choices
