"""The carriers a merchant ships with: their names, tracking-number formats and tracking pages.

A format is checked only where the carrier publishes it (Canada Post, Purolator, UPS); other
carriers take any plausible number (letters, digits and dashes).
"""

import re

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Carrier(models.TextChoices):
    CANADA_POST = "canada_post", _("Canada Post")
    PUROLATOR = "purolator", _("Purolator")
    UPS = "ups", "UPS"
    FEDEX = "fedex", "FedEx"
    INTELCOM = "intelcom", "Intelcom"
    CANPAR = "canpar", "Canpar"
    OTHER = "other", pgettext_lazy("carrier", "Other")


# carrier -> tracking page, with {number} and {language} ("fr" or "en")
TRACKING_URLS = {
    Carrier.CANADA_POST: "https://www.canadapost-postescanada.ca/track-reperage/{language}#/details/{number}",
    Carrier.PUROLATOR: "https://www.purolator.com/{language}/shipping/tracker?pin={number}",
    Carrier.UPS: "https://www.ups.com/track?loc={language}_CA&tracknum={number}",
    Carrier.FEDEX: "https://www.fedex.com/fedextrack/?trknbr={number}",
    Carrier.INTELCOM: "https://intelcom.ca/{language}/track-your-package/?tracking-id={number}",
    Carrier.CANPAR: "https://www.canpar.com/{language}/tracking/track.htm?barcode={number}",
}

FORMATS = {
    # 16 digits (domestic) or the 13-character international format « AB123456789CA ».
    Carrier.CANADA_POST: (
        re.compile(r"\d{16}|[A-Z]{2}\d{9}[A-Z]{2}"),
        _("16 digits, or 2 letters, 9 digits and 2 letters (AB123456789CA)"),
    ),
    Carrier.PUROLATOR: (re.compile(r"\d{12}"), _("12 digits")),
    Carrier.UPS: (re.compile(r"1Z[0-9A-Z]{16}"), _("« 1Z » followed by 16 letters or digits")),
}
ANY_NUMBER = re.compile(r"[0-9A-Z][0-9A-Z-]{3,39}")


def normalize_tracking_number(number: str) -> str:
    """What the merchant typed or pasted, without spaces, in capitals."""
    return re.sub(r"\s+", "", number or "").upper()


def tracking_number_error(carrier: str, number: str) -> str:
    """A translated sentence when ``number`` (normalized) is not a number of ``carrier``."""
    if carrier not in Carrier.values:
        return str(_("Choose a carrier."))
    if not number:
        return str(_("Enter the tracking number.")) if carrier != Carrier.OTHER else ""
    pattern, description = FORMATS.get(carrier, (ANY_NUMBER, None))
    if pattern.fullmatch(number):
        return ""
    if description is None:
        return str(
            _("« %(number)s » is not a tracking number: letters, digits and dashes only.")
            % {"number": number}
        )
    return str(
        _("« %(number)s » is not a %(carrier)s tracking number: expected %(format)s.")
        % {
            "number": number,
            "carrier": Carrier(carrier).label,
            "format": description,
        }
    )


def tracking_url(carrier: str, number: str) -> str:
    """The carrier's tracking page of ``number`` in the active language ("" when unknown)."""
    template = TRACKING_URLS.get(carrier)
    if not template or not number:
        return ""
    language = "en" if translation.get_language() == "en" else "fr"
    return template.format(number=number, language=language)


def carrier_label(carrier: str, name: str = "", language: str | None = None) -> str:
    if carrier == Carrier.OTHER and name:
        return name
    with translation.override(language or translation.get_language()):
        return str(Carrier(carrier).label) if carrier in Carrier.values else carrier
