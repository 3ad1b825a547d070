"""Catalogue and settings actions of the back-office (one transaction each)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from comptoir.catalog.models import Category, Product, StockMovement
from comptoir.catalog.search import reindex_category
from comptoir.core.errors import DomainError
from comptoir.core.locks import lock_one

from .permissions import OWNER_GROUP, is_shop_owner

ADJUSTMENT_REASONS = (StockMovement.Reason.ADJUSTMENT, StockMovement.Reason.RECEPTION)


def unique_slug(model, text: str, *, field: str = "slug", exclude_pk=None, max_length: int = 50) -> str:
    """A slug made from ``text`` that no other row of ``model`` uses (« confitures-2 »)."""
    base = slugify(text)[: max_length - 4].strip("-") or "element"
    candidate, number = base, 2
    others = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while others.filter(**{field: candidate}).exists():
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def create_product(product: Product, *, actor) -> Product:
    """Save a new product; its opening stock is the first movement of its history."""
    with transaction.atomic():
        product.save()
        if product.stock:
            StockMovement.objects.create(
                product=product, change=product.stock, reason=StockMovement.Reason.RECEPTION,
                note=_("Opening stock"), actor=actor,
            )
    return product


def save_category(category: Category) -> Category:
    """Save a category and the folded category names its products are searched by."""
    with transaction.atomic():
        category.save()
        reindex_category(category)
    return category


def update_product(product: Product, *, fields: list[str]) -> Product:
    """Save the edited ``fields`` only: the stock is changed by checkout and by
    ``adjust_stock`` under a row lock, never overwritten by a form that was opened earlier."""
    fields = [name for name in fields if name != "stock"] + ["updated_at"]
    product.save(update_fields=fields)
    return product


def adjust_stock(product: Product, *, change: int, reason: str, note: str = "", actor) -> Product:
    """Add ``change`` (negative to remove) to the stock, with its reason; never below 0."""
    if change == 0:
        raise DomainError(_("Enter a quantity other than 0."))
    if reason not in ADJUSTMENT_REASONS:
        raise DomainError(_("Choose the reason of the adjustment."))
    with transaction.atomic():
        locked = lock_one(Product.objects.all(), product.pk)
        if locked.has_variants:
            raise DomainError(_("This product is sold by variant: adjust the stock of a variant."))
        if locked.stock + change < 0:
            raise DomainError(
                _("The stock of %(product)s cannot go below 0 (it is %(stock)s).")
                % {"product": locked.name, "stock": locked.stock}
            )
        locked.stock += change
        locked.save(update_fields=["stock", "updated_at"])
        StockMovement.objects.create(
            product=locked, change=change, reason=reason, note=note, actor=actor
        )
    return locked


def move_in_order(obj, *, direction: str, queryset) -> None:
    """Move ``obj`` one place up or down among ``queryset`` (ordered by position), renumbering
    the positions 0..n so that equal positions left by imports do not block the move."""
    with transaction.atomic():
        items = list(queryset.select_for_update().order_by("position", "pk"))
        index = next(i for i, item in enumerate(items) if item.pk == obj.pk)
        target = index - 1 if direction == "up" else index + 1
        if 0 <= target < len(items):
            items[index], items[target] = items[target], items[index]
        for position, item in enumerate(items):
            if item.position != position:
                type(item).objects.filter(pk=item.pk).update(position=position)


def next_position(model) -> int:
    return (model.objects.aggregate(value=models.Max("position"))["value"] or 0) + 1


def create_staff_account(*, username: str, email: str, password: str, owner: bool, actor):
    """A back-office account; an owner joins the group « Propriétaire »."""
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=username, email=email, password=password, is_staff=True
        )
        if owner:
            group, _created = Group.objects.get_or_create(name=OWNER_GROUP)
            user.groups.add(group)
    return user


def set_staff_active(user, *, active: bool, actor) -> None:
    """Deactivate (or reactivate) a back-office account; the shop always keeps an owner."""
    if not active and user.pk == actor.pk:
        raise DomainError(_("You cannot deactivate your own account."))
    with transaction.atomic():
        if not active and is_shop_owner(user) and _active_owner_count() <= 1:
            raise DomainError(_("The shop must keep at least one active owner."))
        user.is_active = active
        user.save(update_fields=["is_active"])


def _active_owner_count() -> int:
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return users.filter(models.Q(is_superuser=True) | models.Q(groups__name=OWNER_GROUP)).distinct().count()
