"""``QuickRenderer`` writes, byte for byte, the HTML Django's own renderer writes from its
templates: for every widget the project's forms use, bound and unbound, valid and with errors,
with text to escape, and for every form of the project that can be built without arguments."""

import datetime
import importlib
import inspect
import pkgutil
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe

import comptoir
from comptoir.core.form_rendering import QuickRenderer
from comptoir.merchant.models import ShopSettings
from comptoir.storefront import forms as storefront_forms

DJANGO, QUICK = DjangoTemplates(), QuickRenderer()
TRICKY = 'Chèque <b>& "mandat"</b> l\'été'
CHOICES = [("", "—"), ("cheque", TRICKY), ("paypal", "PayPal"), (3, 3)]


class UnwrappedRadioSelect(forms.RadioSelect):
    def create_option(self, *args, **kwargs):
        return {**super().create_option(*args, **kwargs), "wrap_label": False}


class EveryWidget(forms.Form):
    required_css_class = "required"
    error_css_class = "has-error"

    text = forms.CharField(label=TRICKY, help_text=TRICKY, max_length=20,
                           widget=forms.TextInput(attrs={"autocomplete": "billing given-name",
                                                         "data-x": TRICKY, "hidden": False,
                                                         "autofocus": True}))
    safe_help = forms.CharField(required=False, help_text=mark_safe("<em>safe</em>"))
    email = forms.EmailField(required=False)
    phone = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "tel"}))
    number = forms.IntegerField(required=False, min_value=0)
    amount = forms.DecimalField(required=False, localize=True)
    password = forms.CharField(required=False, widget=forms.PasswordInput)
    hidden = forms.CharField(required=False, widget=forms.HiddenInput)
    check = forms.BooleanField(required=False, label="Je l'accepte")
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField(required=False)
    time = forms.TimeField(required=False)
    url = forms.URLField(required=False, assume_scheme="https")
    search = forms.CharField(required=False, widget=forms.TextInput(attrs={"type": "search"}))
    choice = forms.ChoiceField(choices=CHOICES, required=False)
    grouped = forms.ChoiceField(required=False, choices=[("Groupe", [("a", "A"), ("b", "B")]), ("c", "C")])
    several = forms.MultipleChoiceField(choices=CHOICES[1:], required=False)
    radio = forms.ChoiceField(choices=CHOICES[1:], widget=forms.RadioSelect)
    unwrapped = forms.ChoiceField(choices=CHOICES[1:], required=False, widget=UnwrappedRadioSelect)
    boxes = forms.MultipleChoiceField(choices=CHOICES[1:], required=False,
                                      widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    no_label = forms.CharField(required=False, label="")
    disabled = forms.CharField(required=False, disabled=True, initial=TRICKY)

    def clean(self):
        raise forms.ValidationError(TRICKY)


BOUND = {
    "text": TRICKY, "email": "pas un courriel", "phone": "514 555-0199", "number": "-3",
    "amount": "12,50", "password": "secret", "hidden": '"caché"', "check": "on", "day": "2026-12-04",
    "when": "n'importe", "time": "25:00", "url": "javascript:", "search": "<script>", "choice": "cheque",
    "grouped": "b", "several": ["cheque", "3"], "radio": "paypal", "boxes": ["3"], "note": TRICKY + "\n<b>",
}


def rendered(form, renderer) -> str:
    form.renderer = renderer
    parts = [form.as_div(), str(form.non_field_errors())]
    for field in form:
        parts += [field.as_field_group(), str(field), field.label_tag(), field.legend_tag(),
                  str(field.errors)]
    return "\n----\n".join(str(part) for part in parts)


def assert_same(build):
    """``build()`` twice: one form per renderer (rendering may cache choices on the form)."""
    assert rendered(build(), QUICK) == rendered(build(), DJANGO)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("data", [None, BOUND, {}], ids=["unbound", "bound", "empty"])
def test_every_widget_is_written_as_django_writes_it(language, data):
    def build():
        form = EveryWidget(data, initial={"text": TRICKY, "choice": "paypal", "amount": Decimal("3.5"),
                                          "when": datetime.datetime(2026, 12, 4, 17, 55)})
        if data is not None:
            form.is_valid()
        return form

    with translation.override(language):
        assert_same(build)


def test_a_form_with_errors_shows_them_in_the_quick_html():
    form = EveryWidget(BOUND)
    form.is_valid()
    form.renderer = QUICK
    html = form.as_div()
    assert '<ul class="errorlist" id="id_email_error"><li>' in html
    assert "Chèque &lt;b&gt;&amp; &quot;mandat&quot;&lt;/b&gt; l&#x27;été" in html
    assert '<option value="cheque" selected>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("data", [None, "bound"])
def test_the_checkout_forms_are_written_as_django_writes_them(language, data):
    shop = ShopSettings.load()
    post = {"contact-email": "gina@example.com", "contact-phone": "514", "billing-province": "QC",
            "billing-postal_code": "H3A", "choice-delivery_method": "999", "choice-payment_method": "cheque",
            "password1": "a", "password2": "b"} if data else None
    builders = [
        lambda: storefront_forms.ContactForm(post, prefix="contact"),
        lambda: storefront_forms.AddressForm(post, prefix="billing", initial={"first_name": TRICKY}),
        lambda: storefront_forms.DeliveryPaymentForm(post, shop=shop, prefix="choice"),
        lambda: storefront_forms.ReviewForm(post, allow_account=True, email="gina@example.com"),
    ]
    with translation.override(language):
        for build in builders:
            def checked(build=build):
                form = build()
                if post is not None:
                    form.is_valid()
                return form

            assert_same(checked)


def _project_forms():
    for module_info in pkgutil.walk_packages(comptoir.__path__, "comptoir."):
        if ".tests" in module_info.name or ".migrations" in module_info.name:
            continue
        if not module_info.name.rsplit(".", 1)[-1].startswith("forms") and ".forms." not in module_info.name:
            continue
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


@pytest.mark.django_db
def test_every_form_of_the_project_built_without_arguments_is_written_as_django_writes_it():
    built = 0
    for cls in _project_forms():
        try:
            cls()
        except Exception:  # noqa: BLE001 - forms that need arguments are covered above
            continue
        for data in (None, {}):
            def build(cls=cls, data=data):
                form = cls(data)
                if data is not None:
                    form.is_valid()
                return form

            assert_same(build)
        built += 1
    assert built >= 10


def test_escaped_is_djangos_conditional_escape():
    from django.utils.functional import lazy
    from django.utils.html import conditional_escape
    from django.utils.safestring import SafeString, mark_safe
    from django.utils.translation import gettext_lazy

    from comptoir.core.form_rendering import escaped

    lazy_safe = lazy(lambda: mark_safe("<b>sûr</b>"), SafeString)()
    for value in ['L\'« été » & <b>"ça"</b>', mark_safe("<i>déjà</i>"), gettext_lazy("Search"),
                  lazy_safe, 42, None, "", 3.5]:
        assert escaped(value) == str(conditional_escape(value)), value
