"""Storefront forms. They parse and validate input; prices and totals never come from them."""

import re

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from comptoir.checkout.cart import MAX_QUANTITY
from comptoir.checkout.services import enabled_payment_methods
from comptoir.core.forms import ShortListModelChoiceField
from comptoir.core.money import format_amount
from comptoir.core.provinces import Province, validate_postal_code
from comptoir.core.search import SearchField
from comptoir.customers.models import Address
from comptoir.orders.models import Order
from comptoir.shipping.models import DeliveryMethod

PHONE_RE = re.compile(r"^(?:\+?1[\s.-]?)?\(?([2-9]\d{2})\)?[\s.-]?(\d{3})[\s.-]?(\d{4})$")


def clean_phone_number(value: str) -> str:
    """A North American number, returned as « 514 555-0199 »."""
    match = PHONE_RE.match((value or "").strip())
    if not match:
        raise ValidationError(_("Enter a valid phone number, for example 514 555-0199."), code="phone")
    area, exchange, number = match.groups()
    return f"{area} {exchange}-{number}"


class PlainLabels:
    """Labels sit above their fields: no « : » after them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class QuantityForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY, initial=1)


class CartLineForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=MAX_QUANTITY)


class PromoCodeForm(forms.Form):
    promo_code = SearchField(label=_("Promo code"), required=True, max_length=40,
                             widget=forms.TextInput(attrs={"autocomplete": "off",
                                                           "autocapitalize": "characters"}))


class ContactForm(PlainLabels, forms.Form):
    email = forms.EmailField(label=_("Email"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(label=_("Phone"), max_length=30,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}))

    sms_consent = forms.BooleanField(
        label=_("I agree to receive text messages (SMS) about my order"), required=False,
    )

    def clean_phone(self):
        return clean_phone_number(self.cleaned_data["phone"])


class AddressForm(PlainLabels, forms.ModelForm):
    class Meta:
        model = Address
        fields = ["first_name", "last_name", "company", "line1", "line2", "city", "province", "postal_code"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", _("Choose a province"))] + list(Province.choices)
        autocomplete = {
            "first_name": "given-name", "last_name": "family-name", "company": "organization",
            "line1": "address-line1", "line2": "address-line2", "city": "address-level2",
            "province": "address-level1", "postal_code": "postal-code",
        }
        section = "billing" if self.prefix == "billing" else "shipping"
        for name, token in autocomplete.items():
            self.fields[name].widget.attrs["autocomplete"] = f"{section} {token}"

    def clean(self):
        cleaned = super().clean()
        postal_code = cleaned.get("postal_code")
        if postal_code:
            try:
                cleaned["postal_code"] = validate_postal_code(postal_code, cleaned.get("province"))
            except ValidationError as error:
                self.add_error("postal_code", error)
        return cleaned

    def to_data(self) -> dict:
        """JSON-able values kept in the session between the details and the review steps."""
        return {name: self.cleaned_data.get(name, "") for name in self.Meta.fields}


class DeliveryMethodField(ShortListModelChoiceField):
    """The active delivery methods, each with its fee and delay (read with one plain query)."""

    def label_from_instance(self, method):
        fee = _("free") if not method.fee_amount else format_amount(method.fee_amount)
        label = f"{method.name} — {fee}"
        if method.free_shipping_threshold_amount is not None and method.fee_amount:
            label += " " + str(_("(free from %(amount)s)") % {
                "amount": format_amount(method.free_shipping_threshold_amount)
            })
        delay = method.expected_delay()
        return f"{label} · {delay}" if delay else label


class DeliveryPaymentForm(PlainLabels, forms.Form):
    same_as_billing = forms.BooleanField(label=_("Ship to my billing address"), required=False, initial=True)
    delivery_method = DeliveryMethodField(
        label=_("Delivery method"), queryset=DeliveryMethod.objects.none(), widget=forms.RadioSelect,
        empty_label=None,
    )
    payment_method = forms.ChoiceField(label=_("Payment method"), widget=forms.RadioSelect)

    def __init__(self, *args, shop, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery_method"].queryset = DeliveryMethod.objects.filter(is_active=True)
        methods = enabled_payment_methods(shop)
        if shop.order_details_only:
            del self.fields["payment_method"]
        else:
            labels = dict(Order.PaymentMethod.choices)
            self.fields["payment_method"].choices = [(method, labels[method]) for method in methods]
            if len(methods) == 1:
                self.fields["payment_method"].initial = methods[0]

    def to_data(self) -> dict:
        return {
            "same_as_billing": self.cleaned_data["same_as_billing"],
            "delivery_method": self.cleaned_data["delivery_method"].pk,
            "payment_method": self.cleaned_data.get("payment_method", ""),
        }


class ReviewForm(PlainLabels, forms.Form):
    """The review step: the customer expressly confirms; may also create an account."""

    checkout_token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    expected_total = forms.DecimalField(widget=forms.HiddenInput, max_digits=12, decimal_places=2)
    create_account = forms.BooleanField(label=_("Create an account with this email"), required=False)
    news_consent = forms.BooleanField(
        label=_("I agree to receive the shop's news by email"), required=False
    )
    password1 = forms.CharField(
        label=_("Password"), required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password (again)"), required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, allow_account: bool, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email
        if not allow_account:
            for name in ("create_account", "password1", "password2"):
                del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("create_account"):
            cleaned["password1"] = None
            return cleaned
        password = cleaned.get("password1") or ""
        if not password:
            self.add_error("password1", _("Choose a password for your account."))
        elif password != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        else:
            try:
                password_validation.validate_password(password)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmailLoginForm(PlainLabels, AuthenticationForm):
    """Customers log in with their email address (their username)."""

    username = forms.CharField(
        label=_("Email"), max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    def clean_username(self):
        return self.cleaned_data["username"].strip().lower()


class SignupForm(PlainLabels, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email"), max_length=254,
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(label=_("Password"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password (again)"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class PasswordResetRequestForm(PlainLabels, forms.Form):
    email = forms.EmailField(
        label=_("Email"), max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class NewPasswordForm(PlainLabels, SetPasswordForm):
    """Choose a new password (from a reset link): Django's password validators apply."""
