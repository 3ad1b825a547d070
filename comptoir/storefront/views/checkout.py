"""Checkout in two steps: the details (contact, addresses, delivery, payment), then the review
where the customer expressly confirms. The details wait in the session between the two steps;
prices always come from the catalogue, never from the request."""

import uuid

from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ObjectDoesNotExist
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from comptoir.checkout.cart import cart_items
from comptoir.checkout.services import TotalChanged, enabled_payment_methods, place_order, price_items
from comptoir.core.errors import DomainError, OutOfStock
from comptoir.core.i18n import current_language
from comptoir.core.prepared import PreparedQuery
from comptoir.customers.models import Address
from comptoir.orders.models import Order
from comptoir.security import backends
from comptoir.shipping.models import DeliveryMethod

from ..cart_session import CART_ITEMS_ATTRIBUTE, forget_cart, session_cart
from ..forms import AddressForm, ContactForm, DeliveryPaymentForm, ReviewForm
from ..selectors import customer_with_addresses
from ..shop import current_shop
from .cart import refuse_in_catalogue_mode

DETAILS_KEY = "checkout_details"
TOKEN_KEY = "checkout_token"
PLACED_KEY = "checkout_placed"  # {checkout token: order token} of this session's last orders


def details(request):
    if refused := _refuse(request):
        return refused
    shop = current_shop(request)
    saved = request.session.get(DETAILS_KEY) or _initial_from_account(request.user)
    forms = _details_forms(request.POST if request.method == "POST" else None, shop, saved)
    if request.method == "POST" and _details_valid(forms):
        request.session[DETAILS_KEY] = _details_data(forms)
        _confirmation_token(request)  # given now, as the session is written anyway
        return redirect("storefront:checkout_review")
    return render(request, "storefront/checkout/details.html", {
        **forms, "items": _items(request), "step": 1,
    })


def review(request):
    placed = request.session.get(PLACED_KEY, {}).get(request.POST.get("checkout_token", ""))
    if request.method == "POST" and placed:  # a second click or a refresh: show the order placed
        return redirect("storefront:order_confirmation", token=placed)
    # A confirmation is not refused here for an empty cart: ``place_order`` reads the cart under
    # its locks and refuses it there, so the cart is not read twice.
    if refused := _refuse(request, cart=request.method != "POST"):
        return refused
    data = request.session.get(DETAILS_KEY)
    method = _active_delivery_method((data or {}).get("delivery_method"))
    if method is None:
        return redirect("storefront:checkout")
    form_options = {"allow_account": not request.user.is_authenticated, "email": data["contact"]["email"]}
    if request.method == "POST":
        form = ReviewForm(request.POST, **form_options)
        if form.is_valid():
            # ``place_order`` prices the cart again under its row locks and compares the total.
            return _confirm(request, form, data=data, method=method)
    shop = current_shop(request)
    items = _items(request)
    billing, shipping = _addresses(data, method)
    cart = session_cart(request)
    quote = price_items(items, delivery_method=method, shop=shop, shipping_address=shipping,
                        promo_code=cart.promo_code if cart else "", email=data["contact"]["email"])
    token = _confirmation_token(request)
    if request.method != "POST":
        form = ReviewForm(initial={"checkout_token": token, "expected_total": quote.total_amount},
                          **form_options)
    return render(request, "storefront/checkout/review.html", {
        "form": form, "items": items, "quote": quote, "method": method, "data": data,
        "billing": billing, "shipping": shipping, "payment_label": _payment_label(data), "step": 2,
    })


def _confirmation_token(request) -> str:
    """The token of the review's confirmation form, kept in the session until the order is
    placed. The details step gives it, so that showing the review writes nothing; a session
    without one (details saved before) gets it at the review."""
    return request.session.setdefault(TOKEN_KEY, uuid.uuid4().hex)


_ACTIVE_METHOD = PreparedQuery(lambda pk: DeliveryMethod.objects.filter(pk=pk, is_active=True), pk=(1, 2))


def _active_delivery_method(pk) -> DeliveryMethod | None:
    """The delivery method chosen at the details step, if it is still offered."""
    if not isinstance(pk, int):
        return None
    found = _ACTIVE_METHOD(pk=pk)
    return found[0] if found else None


def _confirm(request, form, *, data, method):
    posted_token = form.cleaned_data["checkout_token"]
    if posted_token != request.session.get(TOKEN_KEY):
        messages.error(request, _("This confirmation form has expired. Check your order and confirm again."))
        return redirect("storefront:checkout_review")
    billing, shipping = _addresses(data, method)
    try:
        order = place_order(
            session_cart(request), email=data["contact"]["email"], phone=data["contact"]["phone"],
            billing_address=billing, shipping_address=shipping, delivery_method=method,
            payment_method=data["payment_method"], language=current_language(), checkout_token=posted_token,
            user=request.user if request.user.is_authenticated else None,
            create_account_password=form.cleaned_data.get("password1"),
            expected_total_amount=form.cleaned_data["expected_total"], shop=current_shop(request),
            sms_consent=bool(data["contact"].get("sms_consent")),
            news_consent_wording=_news_consent_wording(form),
        )
    except TotalChanged as error:
        messages.warning(request, str(error))
        return redirect("storefront:checkout_review")
    except DomainError as error:
        messages.error(request, str(error))
        back_to_cart = isinstance(error, OutOfStock) or error.code == "empty_cart"
        return redirect("storefront:cart" if back_to_cart else "storefront:checkout_review")
    _remember_order(request, posted_token, order)
    return redirect(_after_order_url(order))


def _news_consent_wording(form) -> str:
    """The exact words of the news checkbox the customer ticked (kept as proof of consent)."""
    return str(form.fields["news_consent"].label) if form.cleaned_data.get("news_consent") else ""


def _remember_order(request, checkout_token: str, order: Order) -> None:
    account = order.customer.user
    if account is not None and not request.user.is_authenticated:  # account created at checkout
        login(request, account, backend=backends.PATH)
    placed = dict(list(request.session.get(PLACED_KEY, {}).items())[-4:])
    placed[checkout_token] = str(order.token)
    request.session[PLACED_KEY] = placed
    request.session.pop(TOKEN_KEY, None)
    request.session.pop(DETAILS_KEY, None)
    # ``place_order`` ordered every line of the cart (it refuses the order otherwise), under
    # the cart's lock: the cart is empty.
    forget_cart(request)


def _after_order_url(order: Order) -> str:
    """PayPal orders go on to pay their invoice; every other order to its confirmation page."""
    if order.payment_method == Order.PaymentMethod.PAYPAL:
        try:
            return reverse("pay:invoice", kwargs={"token": order.invoice.payment_token})
        except (NoReverseMatch, ObjectDoesNotExist):
            pass  # online payment unavailable: the confirmation page says how to pay later
    return reverse("storefront:order_confirmation", kwargs={"token": order.token})


def _items(request):
    """The cart's items, read once per request (the header's cart size counts them too)."""
    if not hasattr(request, CART_ITEMS_ATTRIBUTE):
        setattr(request, CART_ITEMS_ATTRIBUTE, cart_items(session_cart(request)))
    return getattr(request, CART_ITEMS_ATTRIBUTE)


def _refuse(request, *, cart: bool = True):
    if refused := refuse_in_catalogue_mode(request):
        return refused
    if cart and not _items(request):
        messages.error(request, _("Your cart is empty."))
        return redirect("storefront:cart")
    shop = current_shop(request)
    if not shop.order_details_only and not enabled_payment_methods(shop):
        messages.error(request, _("The shop offers no payment method at the moment. Please come back later."))
        return redirect("storefront:cart")
    return None


def _details_forms(post, shop, saved: dict) -> dict:
    return {
        "contact_form": ContactForm(post, prefix="contact", initial=saved.get("contact")),
        "billing_form": AddressForm(post, prefix="billing", initial=saved.get("billing")),
        "shipping_form": AddressForm(post, prefix="shipping", initial=saved.get("shipping")),
        "choice_form": DeliveryPaymentForm(post, shop=shop, prefix="choice", initial=saved.get("choice")),
    }


def _details_valid(forms: dict) -> bool:
    """Whether the details may be kept. The shipping address is checked only when the goods go
    to it; otherwise its form is shown again as typed, without errors, even when another part
    of the details is refused (a missing delivery method, say)."""
    valid = all([forms["contact_form"].is_valid(), forms["billing_form"].is_valid(),
                 forms["choice_form"].is_valid()])
    if _own_shipping_address(forms["choice_form"].cleaned_data):
        return forms["shipping_form"].is_valid() and valid
    typed = forms["shipping_form"]
    forms["shipping_form"] = AddressForm(prefix=typed.prefix,
                                         initial={field.name: field.value() for field in typed})
    return valid


def _own_shipping_address(choice: dict) -> bool:
    """Whether the goods go to the shipping address of the form: not picked up, « same as
    billing » not ticked (``choice``: the delivery form's cleaned data, of its valid fields
    when not all are)."""
    method = choice.get("delivery_method")
    return not (method and method.is_pickup) and not choice.get("same_as_billing")


def _details_data(forms: dict) -> dict:
    choice = forms["choice_form"].to_data()
    own_shipping = _own_shipping_address(forms["choice_form"].cleaned_data)
    return {
        "contact": forms["contact_form"].cleaned_data,
        "billing": forms["billing_form"].to_data(),
        "shipping": forms["shipping_form"].to_data() if own_shipping else None,
        "choice": choice,
        "delivery_method": choice["delivery_method"],
        "payment_method": choice["payment_method"],
    }


def _addresses(data: dict, method) -> tuple[Address, Address | None]:
    """Unsaved addresses from the session; none to ship to for a pickup."""
    phone = data["contact"]["phone"]
    billing = Address(**data["billing"], phone=phone)
    if method.is_pickup:
        return billing, None
    if data["choice"]["same_as_billing"] or not data["shipping"]:
        return billing, Address(**data["billing"], phone=phone)
    return billing, Address(**data["shipping"], phone=phone)


def _payment_label(data: dict) -> str:
    return dict(Order.PaymentMethod.choices).get(data["payment_method"], "") if data["payment_method"] else ""


def _initial_from_account(user) -> dict:
    customer = customer_with_addresses(user)
    if customer is None:
        email = user.email if user.is_authenticated else ""
        return {"contact": {"email": email}} if email else {}
    fields = AddressForm.Meta.fields
    initial = {"contact": {"email": customer.email, "phone": customer.phone}}
    for key in ("billing", "shipping"):
        address = getattr(customer, f"{key}_address")
        if address is not None:
            initial[key] = {name: getattr(address, name) for name in fields}
    return initial
