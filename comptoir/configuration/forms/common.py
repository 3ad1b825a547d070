from decimal import Decimal

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from comptoir.core.forms import MoneyField  # noqa: F401 - the forms of this package import it from here

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
