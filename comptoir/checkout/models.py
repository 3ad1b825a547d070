import uuid

from django.db import models


class Cart(models.Model):
    """A shopping cart, kept in the database and referenced from the session."""

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="carts"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The « Code promo » the customer entered (checked when entered, and again under the
    # promotion's row lock when the order is placed); never an amount.
    promo_code = models.CharField(max_length=40, blank=True)


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    # The variant chosen, for a product sold by variant.
    variant = models.ForeignKey("catalog.ProductVariant", null=True, blank=True,
                                on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], condition=models.Q(variant__isnull=True),
                                    name="one_line_per_product"),
            models.UniqueConstraint(fields=["cart", "variant"], condition=models.Q(variant__isnull=False),
                                    name="one_line_per_variant"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="cart_quantity_positive"),
        ]
