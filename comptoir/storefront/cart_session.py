"""Which cart belongs to this visitor: a database cart whose token is kept in the session."""

import uuid

from comptoir.checkout.cart import merge_carts
from comptoir.checkout.models import Cart
from comptoir.core.prepared import PreparedQuery
from comptoir.customers.models import Customer

SESSION_KEY = "cart_token"
# Views that read the cart's items keep them on the request under this name, so the header's
# cart size is counted from them instead of another query.
CART_ITEMS_ATTRIBUTE = "_comptoir_cart_items"
_UNSET = object()


def session_cart(request) -> Cart | None:
    """The visitor's cart (read once per request)."""
    cart = getattr(request, "_comptoir_cart", _UNSET)
    if cart is _UNSET:
        cart = _cart_of_token(request.session.get(SESSION_KEY))
        request._comptoir_cart = cart
    return cart


def new_cart(request) -> Cart:
    """An unsaved cart for a visitor who has none (``checkout.cart.add_to_cart`` saves it with
    its first line; :func:`keep_cart` then puts it in the session)."""
    return Cart(customer=_customer_of(request.user))


def keep_cart(request, cart: Cart) -> None:
    """The session remembers ``cart`` once it is saved (a new cart; nothing to do for the
    session's own)."""
    if cart.pk is not None and request.session.get(SESSION_KEY) != str(cart.token):
        request.session[SESSION_KEY] = str(cart.token)
        request._comptoir_cart = cart


def forget_cart(request) -> None:
    """The session no longer has a cart (its lines were all ordered): the next pages count no
    items without reading it, and the next product added starts a new cart."""
    request.session.pop(SESSION_KEY, None)
    request._comptoir_cart = None


# On PostgreSQL (which takes the UUID as it is; SQLite is given it as text).
_CART_BY_TOKEN = PreparedQuery(lambda token: Cart.objects.filter(token=token),
                               token=(uuid.UUID(int=1), uuid.UUID(int=2)), vendors=("postgresql",))


def _cart_of_token(token) -> Cart | None:
    """The cart of the token kept in the session (none for a missing or malformed one)."""
    if not token:
        return None
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    found = _CART_BY_TOKEN(token=token)
    return found[0] if found else None


def attach_cart_on_login(request, user) -> None:
    """After login, keep one cart: the visitor's lines are merged into the customer's saved cart."""
    customer = _customer_of(user)
    if customer is None:
        return
    visitor_cart = session_cart(request)
    saved_cart = Cart.objects.filter(customer=customer).order_by("-updated_at").first()
    if saved_cart is None:
        if visitor_cart is not None:
            Cart.objects.filter(pk=visitor_cart.pk).update(customer=customer)
        return
    if visitor_cart is not None:
        merge_carts(visitor_cart, into=saved_cart)
    request.session[SESSION_KEY] = str(saved_cart.token)
    request._comptoir_cart = saved_cart


def _customer_of(user) -> Customer | None:
    if user is None or not user.is_authenticated:
        return None
    return Customer.objects.filter(user=user).first()
