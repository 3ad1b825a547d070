from decimal import Decimal

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from ..images import prepare_image

IMAGE_ACCEPT = "image/jpeg,image/png,image/webp"


def image_field(label) -> forms.FileField:
    """An upload field checked by ``prepare_image`` (not Django's ImageField, which accepts
    every format Pillow reads)."""
    return forms.FileField(
        label=label, required=False,
        widget=forms.ClearableFileInput(attrs={"accept": IMAGE_ACCEPT}),
        help_text=_("JPEG, PNG or WebP, 5 MB at most."),
    )


def clean_image(value, *, max_side: int = 1200):
    """False (cleared) and None (unchanged) pass through; a new upload is checked and resized."""
    if not isinstance(value, UploadedFile):
        return value  # cleared (False), or the file already stored on the instance
    return prepare_image(value, max_side=max_side)


def check_not_negative(value, message):
    if value is not None and value < Decimal("0"):
        raise forms.ValidationError(message, code="negative")
    return value


class MoneyField(forms.DecimalField):
    """An amount in CAD that also accepts the French decimal comma (« 12,50 ») and spaces."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace("\u00a0", "").replace(" ", "").replace("$", "").replace(",", ".")
        return super().to_python(value)

    def widget_attrs(self, widget):
        return {"inputmode": "decimal"}  # no min/step: the browser must not refuse « 12,50 »
