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
