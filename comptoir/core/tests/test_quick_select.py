"""``QuickSelect`` writes the same ``<select>`` as Django's template-rendered ``Select``."""

import re

from django import forms

from comptoir.core.forms import QuickSelect

CHOICES = [("", "Toutes"), ("cheque", 'Chèque <b>& "mandat"</b>'), ("paypal", "PayPal")]


def normalized(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


class Filters(forms.Form):
    quick = forms.ChoiceField(choices=CHOICES, required=False, widget=QuickSelect)
    django = forms.ChoiceField(choices=CHOICES, required=False)
    quick_required = forms.ChoiceField(choices=CHOICES, widget=QuickSelect(attrs={"class": "x"}))
    django_required = forms.ChoiceField(choices=CHOICES, widget=forms.Select(attrs={"class": "x"}))


def test_the_same_html_as_django_select_selected_escaped_and_with_attributes():
    form = Filters({"quick": "cheque", "django": "cheque", "quick_required": "paypal",
                    "django_required": "paypal"})
    form.is_valid()
    quick, django = str(form["quick"]), str(form["django"])
    assert normalized(quick) == normalized(django).replace('name="django" id="id_django"',
                                                           'name="quick" id="id_quick"')
    assert '<option value="cheque" selected>Chèque &lt;b&gt;&amp; &quot;mandat&quot;&lt;/b&gt;</option>' \
        in normalized(quick).replace("&#x27;", "'").replace("&#34;", "&quot;")
    assert normalized(str(form["quick_required"])) == normalized(str(form["django_required"])).replace(
        "django_required", "quick_required")


def test_unbound_shows_the_initial_choice():
    form = Filters(initial={"quick": "paypal"})
    assert '<option value="paypal" selected>PayPal</option>' in str(form["quick"])
    assert str(form["quick"]).count("selected") == 1


def test_a_short_list_field_reads_its_choices_with_one_plain_query(db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from comptoir.core.forms import ShortListModelChoiceField
    from comptoir.core.testing import make_delivery_methods
    from comptoir.shipping.models import DeliveryMethod

    methods = make_delivery_methods()

    class Filter(forms.Form):
        delivery = ShortListModelChoiceField(queryset=DeliveryMethod.objects.order_by("pk"),
                                             required=False, empty_label="Toutes", widget=QuickSelect)

    form = Filter({"delivery": str(methods["shipped"].pk)})
    assert form.is_valid() and form.cleaned_data["delivery"] == methods["shipped"]
    with CaptureQueriesContext(connection) as queries:
        html = str(form["delivery"])
    assert len(queries) == 1 and "CURSOR" not in queries[0]["sql"].upper()
    assert f'<option value="{methods["shipped"].pk}" selected>' in html
    assert html.count("<option") == DeliveryMethod.objects.count() + 1


def test_model_choices_none_selected_repeated_values_and_groups_as_django_writes_them(db):
    from comptoir.core.forms import QuickDateInput
    from comptoir.core.testing import make_delivery_methods
    from comptoir.shipping.models import DeliveryMethod

    make_delivery_methods()
    repeated = [("a", "A"), ("b", "B"), ("a", "A again")]
    grouped = [("", "—"), ("Cartes", [("visa", "Visa"), ("mc", "Mastercard")])]

    class Both(forms.Form):
        quick_model = forms.ModelChoiceField(DeliveryMethod.objects.order_by("pk"), required=False,
                                             widget=QuickSelect)
        django_model = forms.ModelChoiceField(DeliveryMethod.objects.order_by("pk"), required=False)
        quick_repeated = forms.ChoiceField(choices=repeated, widget=QuickSelect)
        django_repeated = forms.ChoiceField(choices=repeated)
        quick_grouped = forms.ChoiceField(choices=grouped, widget=QuickSelect)
        django_grouped = forms.ChoiceField(choices=grouped)
        quick_date = forms.DateField(widget=QuickDateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        django_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    shipped = DeliveryMethod.objects.get(kind="shipped").pk
    for data in ({}, {"quick_model": shipped, "django_model": shipped, "quick_repeated": "a",
                      "django_repeated": "a", "quick_grouped": "mc", "django_grouped": "mc",
                      "quick_date": "2026-12-06", "django_date": "2026-12-06"},
                 {"quick_date": "pas une date", "django_date": "pas une date"}):
        form = Both(data)
        form.is_valid()
        for name in ("model", "repeated", "grouped", "date"):
            assert normalized(str(form[f"quick_{name}"])) == normalized(str(form[f"django_{name}"])).replace(
                f"django_{name}", f"quick_{name}"), (data, name)
    assert str(Both({"quick_repeated": "a"})["quick_repeated"]).count("selected") == 1
