from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from comptoir.core.provinces import Province
from comptoir.core.text import fold


class Address(models.Model):
    """A postal address. Orders point to their own copy, which is never changed afterwards."""

    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    company = models.CharField(_("company"), max_length=150, blank=True)
    line1 = models.CharField(_("address"), max_length=200)
    line2 = models.CharField(_("apartment, suite"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    province = models.CharField(_("province"), max_length=2, choices=Province.choices)
    postal_code = models.CharField(_("postal code"), max_length=7)
    country = models.CharField(_("country"), max_length=2, default="CA")
    phone = models.CharField(_("phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return ", ".join(self.lines())

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def lines(self) -> list[str]:
        lines = [self.full_name]
        if self.company:
            lines.append(self.company)
        lines.append(self.line1)
        if self.line2:
            lines.append(self.line2)
        lines.append(f"{self.city} ({self.province})  {self.postal_code}")
        return lines

    def copy(self) -> "Address":
        """An unsaved copy (orders keep their own snapshot of an address)."""
        fields = {f.name: getattr(self, f.name) for f in self._meta.fields if f.name != "id"}
        return Address(**fields)


def customer_search_name(first_name: str, last_name: str) -> str:
    """« Éloïse Gagné » → « eloise gagne », with a leading space so a word's start can be matched."""
    return (" " + fold(f"{first_name} {last_name}"))[:210]


FIGURES = ("order_count", "total_spent", "last_order_at", "balance_owed")


class Customer(models.Model):
    """Someone who ordered: an account holder (``user`` set) or a guest (``user`` empty)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="customer",
    )
    email = models.EmailField(_("email"), db_index=True)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("language"), max_length=2, default="fr")
    billing_address = models.ForeignKey(
        Address, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shipping_address = models.ForeignKey(
        Address, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Folded first and last names (``core.text.fold``), written by ``save``: « Gagne » finds « Gagné ».
    search_name = models.CharField(max_length=210, default="", editable=False)
    # Consent to the shop's news by email (Canada's anti-spam law): when, and the exact wording
    # of the checkbox the customer ticked. Empty: no consent.
    news_consent_at = models.DateTimeField(_("agreed to receive news on"), null=True, blank=True)
    news_consent_wording = models.TextField(_("wording agreed to"), blank=True)
    # The figures of « Clients », kept by the services that change orders and invoices, in their
    # transaction (``customers.services.add_to_figures``, ``invoicing.services.refresh_customer_balance``):
    # orders not cancelled, what they total, the last order placed (cancelled or not), and what
    # the customer's unpaid invoices still ask for (``Invoice.balance_amount``).
    order_count = models.PositiveIntegerField(_("orders"), default=0, editable=False)
    total_spent = models.DecimalField(_("total spent"), max_digits=14, decimal_places=2,
                                      default=Decimal("0.00"), editable=False)
    last_order_at = models.DateTimeField(_("last order"), null=True, blank=True, editable=False)
    balance_owed = models.DecimalField(_("balance owed"), max_digits=14, decimal_places=2,
                                       default=Decimal("0.00"), editable=False)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            # « Clients » sorted by name, or by a figure either way (the index read backwards):
            # a page of 50 reads 50 index entries, whatever the number of customers. Not the
            # last order (empty for a customer without order: SQLite has no NULLS LAST index).
            models.Index(fields=["last_name", "first_name", "id"], name="customer_by_name"),
            *(models.Index(models.F(figure).desc(), models.F("id").desc(), name=f"customer_by_{figure}")
              for figure in ("order_count", "total_spent", "balance_owed")),
            # A checkout finds its guest by email whatever the case (``email__iexact``): an index
            # scan. Without it PostgreSQL answered through the trigram index, whose entries for
            # the trigrams every address shares (« com », « .ca ») it read one by one.
            models.Index(Upper("email"), name="customer_email_upper"),
        ]
        constraints = [
            # One guest record per email address; account holders are keyed by their user.
            models.UniqueConstraint(
                "email", condition=models.Q(user__isnull=True), name="one_guest_per_email"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        """Saves the row with its folded names (derived from the row, nothing else). Saving an
        existing row never writes the figures (a copy read earlier would undo what another
        transaction added): only ``FIGURES`` updates of the services change them."""
        self.search_name = customer_search_name(self.first_name, self.last_name)
        if kwargs.get("update_fields") is None and not self._state.adding and self.pk is not None:
            kwargs["update_fields"] = [
                field.name for field in self._meta.concrete_fields
                if not field.primary_key and field.name not in FIGURES
            ]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"first_name", "last_name"}.intersection(update_fields):
            kwargs["update_fields"] = [*update_fields, "search_name"]
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_guest(self) -> bool:
        return self.user_id is None
