"""Checks and resizes uploaded images (products, categories, logo) before they are stored."""

import io
import os

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuses decompression bombs long before Pillow's own limit
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def _open_verified(upload) -> Image.Image:
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The image is too large (%(size)s MB); the maximum is 5 MB.")
            % {"size": f"{upload.size / 1024 / 1024:.1f}"},
            code="image_too_large",
        )
    not_an_image = ValidationError(
        _("This file is not an image. Upload a JPEG, PNG or WebP picture."), code="not_an_image"
    )
    try:
        upload.seek(0)
        image = Image.open(upload)
        image.verify()  # detects truncated or forged files; the image must be reopened after
        upload.seek(0)
        image = Image.open(upload)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_an_image from None
    if image.format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("This image format is not accepted. Upload a JPEG, PNG or WebP picture."),
            code="image_format",
        )
    if image.width * image.height > MAX_PIXELS:
        raise ValidationError(_("The image has too many pixels."), code="image_pixels")
    return image


def prepare_image(upload, *, max_side: int = 1200) -> ContentFile:
    """A checked copy of ``upload``, at most ``max_side`` pixels wide and high.

    Raises a translated ValidationError for a file that is too large, not an image, or not
    JPEG/PNG/WebP. Re-encoding also drops whatever else the file carried (metadata, scripts).
    """
    image = _open_verified(upload)
    image_format = image.format
    try:
        image = ImageOps.exif_transpose(image)
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        if image_format == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        output = io.BytesIO()
        options = {"quality": 88, "optimize": True} if image_format == "JPEG" else {}
        image.save(output, format=image_format, **options)
    except (OSError, ValueError, SyntaxError):
        raise ValidationError(
            _("This file is not an image. Upload a JPEG, PNG or WebP picture."), code="not_an_image"
        ) from None
    stem = os.path.splitext(os.path.basename(upload.name or "image"))[0][:60] or "image"
    return ContentFile(output.getvalue(), name=f"{stem}.{ALLOWED_FORMATS[image_format]}")
