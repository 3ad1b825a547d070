from django import forms
from django.utils.translation import gettext_lazy as _

from comptoir.shipping.models import DeliveryMethod

from .common import MoneyField, check_not_negative


class DeliveryMethodForm(forms.ModelForm):
    """« Type de livraison »: one delivery method."""

    class Meta:
        model = DeliveryMethod
        fields = ["kind", "name_fr", "name_en", "description_fr", "description_en",
                  "expected_delay_fr", "expected_delay_en", "fee_amount",
                  "free_shipping_threshold_amount", "is_active"]
        labels = {
            "kind": _("Kind"), "name_fr": _("Name (French)"), "name_en": _("Name (English)"),
            "description_fr": _("Description (French)"), "description_en": _("Description (English)"),
            "expected_delay_fr": _("Expected delay (French)"),
            "expected_delay_en": _("Expected delay (English)"),
            "fee_amount": _("Fee (CAD)"),
            "free_shipping_threshold_amount": _("Free from an order subtotal of (CAD)"),
            "is_active": _("Offered to customers"),
        }
        help_texts = {
            "free_shipping_threshold_amount": _("Leave empty if this method is never free."),
            "kind": _("A store pickup asks for no shipping address; taxes then follow the "
                      "store's province."),
        }
        field_classes = {"fee_amount": MoneyField, "free_shipping_threshold_amount": MoneyField}
        widgets = {"description_fr": forms.Textarea(attrs={"rows": 3}),
                   "description_en": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (DeliveryMethod.Kind.SHIPPED.value, _("Shipped by carrier")),
            (DeliveryMethod.Kind.PICKUP.value, _("Store pickup")),
            (DeliveryMethod.Kind.LOCAL.value, _("Local delivery")),
        ]

    def clean_fee_amount(self):
        return check_not_negative(self.cleaned_data.get("fee_amount"),
                                  _("The fee cannot be negative."))

    def clean_free_shipping_threshold_amount(self):
        return check_not_negative(self.cleaned_data.get("free_shipping_threshold_amount"),
                                  _("The free-delivery threshold cannot be negative."))
