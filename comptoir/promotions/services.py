"""Which promotions a cart gets, and recording their use.

The rules (also in DEVELOPMENT.md):
- A promotion applies when it is active, today (shop's time zone) is within its dates, the goods
  at their list prices reach its minimum, its uses are below its total limit and the customer's
  (by email address) below its per-customer limit, and — when it names products or categories —
  the cart holds one of them (a category counts with its sub-categories).
- Percentage and amount are taken off the goods it applies to (the whole order, or the chosen
  products), spread over those lines in proportion of their value, largest remainder to the
  cent; an amount is at most what those goods are worth. Free delivery takes off the delivery fee.
- Promotions that are combinable add up (a line never goes below zero); one that is not
  combinable applies alone. The customer gets whichever gives more: all the combinable ones
  together, or the best single non-combinable one (on a tie, the one with the customer's code).
- Nothing from a request sets an amount: the server computes every discount.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from comptoir.catalog.models import Category
from comptoir.core.errors import DomainError
from comptoir.core.locks import lock
from comptoir.core.money import ZERO, allocate, format_amount, quantize
from comptoir.core.search import clean_search_text

from .models import Promotion, PromotionUsage

MAX_CODE_LENGTH = Promotion._meta.get_field("code").max_length


class PromotionError(DomainError):
    pass


@dataclass(frozen=True)
class Goods:
    """A cart line for the promotions: its product and list amount."""

    product_id: int
    category_id: int
    list_amount: Decimal


@dataclass(frozen=True)
class Applied:
    """A promotion applied to a cart: what it takes off each line and the delivery."""

    promotion_id: int
    label: str
    code: str
    line_discounts: tuple[Decimal, ...]
    free_delivery: bool = False
    combinable: bool = False

    @property
    def goods_amount(self) -> Decimal:
        return sum(self.line_discounts, ZERO)


@dataclass(frozen=True)
class Offer:
    """What the cart gets: the promotions applied, each line's discount (capped at the line),
    whether delivery is free, and why the customer's code is not applied (or "")."""

    applied: tuple[Applied, ...] = ()
    line_discounts: tuple[Decimal, ...] = ()
    free_delivery: bool = False
    code_problem: str = ""

    @property
    def label(self) -> str:
        return ", ".join(applied.label for applied in self.applied)


def normalize_code(code: str) -> str:
    """Upper case, without spaces or control characters (a code typed « ete 20 » is ETE20)."""
    return "".join(clean_search_text(code).split()).upper()[:MAX_CODE_LENGTH]


def _counted(queryset, email: str):
    counts = {"used": Count("usages", distinct=True)}
    if email:
        counts["used_by_customer"] = Count("usages", filter=Q(usages__email=email.lower()), distinct=True)
    return queryset.annotate(**counts)


def candidates(code: str, email: str = "", *, locked: bool = False) -> list[Promotion]:
    """The active automatic promotions and the one of ``code``, with their use counts (one
    query, plus two for their products and categories when there are some).

    ``locked`` (``place_order``, after the cart's lock and before the products'): the ones with
    a limit, and the code's, are locked (``core.locks``) and their uses counted again under the
    locks, so that two checkouts never both take the last use."""
    code = normalize_code(code)
    wanted = Q(code="", is_active=True)
    if code:
        wanted |= Q(code__iexact=code)
    promotions = list(_counted(Promotion.objects.filter(wanted), email)
                      .prefetch_related("products", "categories").order_by("pk"))
    _cover_categories(promotions)
    limited = [p.pk for p in promotions
               if p.code or p.usage_limit is not None or p.per_customer_limit is not None]
    if locked and limited:
        lock(Promotion.objects.filter(pk__in=limited))
        fields = ["pk", "used"] + (["used_by_customer"] if email else [])
        rows = _counted(Promotion.objects.filter(pk__in=limited), email).values(*fields)
        fresh = {row["pk"]: row for row in rows}
        for promotion in promotions:
            for name, value in fresh.get(promotion.pk, {}).items():
                setattr(promotion, name, value)
    return promotions


def offer_for(goods: list[Goods], *, code: str = "", email: str = "", delivery_fee: Decimal | None = None,
              today=None, strict: bool = False, promotions: list[Promotion] | None = None) -> Offer:
    """The promotions ``goods`` get, with ``code`` if the customer typed one and ``email`` if
    known (per-customer limits), ``delivery_fee`` if known (None: free delivery is offered, worth
    nothing yet); ``promotions``: the ``candidates`` already read. ``strict``: a
    code that cannot be used raises PromotionError instead of being left out with its
    ``code_problem``."""
    code = normalize_code(code)
    today = today or timezone.localdate()
    if promotions is None:
        promotions = candidates(code, email)
    list_subtotal = sum((g.list_amount for g in goods), ZERO)
    usable, problem = [], ""
    for promotion in promotions:
        refusal = refusal_of(promotion, goods=goods, list_subtotal=list_subtotal, email=email, today=today)
        is_code = bool(code) and promotion.code.upper() == code
        if refusal and is_code:
            problem = refusal
        elif not refusal:
            usable.append(_apply(promotion, goods, delivery_fee))
    if code and not problem and not any(p.code.upper() == code for p in promotions):
        problem = _("The promo code « %(code)s » does not exist.") % {"code": code}
    if problem and strict:
        raise PromotionError(problem, code="promo_code")
    chosen = _best(usable, goods, delivery_fee, code=code)
    if code and not problem and not any(a.code == code for a in chosen):
        if chosen:
            problem = _("The promo code « %(code)s » does not combine with « %(other)s », "
                        "which gives you more.") % {"code": code, "other": ", ".join(a.label for a in chosen)}
        else:
            problem = _("The promo code « %(code)s » takes nothing off this order.") % {"code": code}
    return Offer(applied=tuple(chosen), line_discounts=_combined(chosen, goods),
                 free_delivery=any(a.free_delivery for a in chosen), code_problem=problem)


def check_code(code: str, goods: list[Goods], *, email: str = "", today=None) -> str:
    """The normalised ``code`` when it can be used for ``goods``; raises PromotionError (with
    why: unknown, not yet or no longer valid, minimum not reached, limit reached) otherwise."""
    code = normalize_code(code)
    if not code:
        raise PromotionError(_("Enter a promo code."), code="promo_code")
    offer_for(goods, code=code, email=email, today=today, strict=True)
    return code


def refusal_of(promotion: Promotion, *, goods, list_subtotal: Decimal, email: str, today) -> str:
    """Why ``promotion`` cannot apply to these goods today ("" when it can)."""
    if not promotion.is_active:
        return _("This promo code is no longer available.")
    if promotion.starts_on and today < promotion.starts_on:
        return _("This promo code is valid from %(date)s.") % {
            "date": formats.date_format(promotion.starts_on)}
    if promotion.ends_on and today > promotion.ends_on:
        return _("This promo code expired on %(date)s.") % {"date": formats.date_format(promotion.ends_on)}
    if promotion.usage_limit is not None and promotion.used >= promotion.usage_limit:
        return _("This promo code is no longer available: it has been used as many times as allowed.")
    if (email and promotion.per_customer_limit is not None
            and promotion.used_by_customer >= promotion.per_customer_limit):
        return _("You have already used this promo code as many times as allowed.")
    if list_subtotal < promotion.minimum_amount:
        return _("This promo code needs an order of at least %(amount)s before taxes and delivery.") % {
            "amount": format_amount(promotion.minimum_amount)}
    if not any(_eligible(promotion, goods)):
        return _("This promo code applies to none of the products in your cart.")
    return ""


def _eligible(promotion: Promotion, goods: list[Goods]) -> list[bool]:
    products = {product.pk for product in promotion.products.all()}
    if not hasattr(promotion, "covered_categories"):
        _cover_categories([promotion])
    categories = promotion.covered_categories
    if not products and not categories:
        return [True] * len(goods)
    return [g.product_id in products or g.category_id in categories for g in goods]


def _cover_categories(promotions: list[Promotion]) -> None:
    """Set each promotion's ``covered_categories``: its categories and their sub-categories
    (one query for all of them, none when no promotion names a category)."""
    chosen = {p.pk: {category.pk for category in p.categories.all()} for p in promotions}
    children: dict[int, list[int]] = {}
    if any(chosen.values()):
        for pk, parent in Category.objects.values_list("pk", "parent_id"):
            children.setdefault(parent, []).append(pk)
    for promotion in promotions:
        found, todo = set(), list(chosen[promotion.pk])
        while todo:
            pk = todo.pop()
            if pk not in found:
                found.add(pk)
                todo.extend(children.get(pk, []))
        promotion.covered_categories = found


def _apply(promotion: Promotion, goods: list[Goods], delivery_fee: Decimal) -> Applied:
    eligible = _eligible(promotion, goods)
    base = sum((g.list_amount for g, ok in zip(goods, eligible, strict=True) if ok), ZERO)
    if promotion.kind == Promotion.Kind.PERCENT:
        amount = quantize(base * promotion.value / Decimal(100))
    elif promotion.kind == Promotion.Kind.AMOUNT:
        amount = min(promotion.value, base)
    else:
        amount = ZERO
    weights = [g.list_amount if ok else ZERO for g, ok in zip(goods, eligible, strict=True)]
    discounts = allocate(amount, weights) if amount else [ZERO] * len(goods)
    return Applied(promotion_id=promotion.pk, label=promotion.label, code=promotion.code.upper(),
                   line_discounts=tuple(discounts), combinable=promotion.combinable,
                   free_delivery=promotion.kind == Promotion.Kind.FREE_DELIVERY
                   and (delivery_fee is None or delivery_fee > 0))


def _combined(chosen: list[Applied], goods: list[Goods]) -> tuple[Decimal, ...]:
    return tuple(
        min(sum((a.line_discounts[i] for a in chosen), ZERO), g.list_amount) for i, g in enumerate(goods)
    )


def _best(usable: list[Applied], goods: list[Goods], delivery_fee, *, code: str) -> list[Applied]:
    """All the combinable promotions together, or the best single non-combinable one."""

    def value(option):
        free = any(a.free_delivery for a in option)
        return sum(_combined(option, goods), ZERO) + ((delivery_fee or ZERO) if free else ZERO)

    options = [[a for a in usable if a.combinable]] + [[a] for a in usable if not a.combinable]
    options = [option for option in options
               if option and (value(option) > 0 or any(a.free_delivery for a in option))]
    if not options:
        return []
    return max(options,
               key=lambda option: (value(option), bool(code) and any(a.code == code for a in option)))


def record_usage(order, offer: Offer, *, email: str) -> list[PromotionUsage]:
    """The ``PromotionUsage`` rows of ``order``, in the transaction that places it (the caller
    holds the promotions' locks, see ``candidates``)."""
    return PromotionUsage.objects.bulk_create(
        PromotionUsage(promotion_id=applied.promotion_id, order=order, email=email.lower(),
                       discount_amount=applied.goods_amount
                       + (order.shipping_discount_amount if applied.free_delivery else ZERO))
        for applied in offer.applied
    )
