"""Two-factor sign-in for staff: a time-based code from an authenticator app (TOTP, RFC 6238)
and single-use recovery codes, with django-otp's ``otp_totp`` and ``otp_static`` devices.

A staff member has at most one confirmed TOTP device and one set of recovery codes. It is
required for the shop's owners, and for every staff account when the owner ticks
« Exiger la double authentification pour tout le personnel » (``ShopSettings``). The
back-office checks it on every page (``dashboard.access``): after the password, a staff member
with a device gives a code; one who must have a device and has none is sent to enrolment.

Codes are counted per account by ``services.begin_two_factor_attempt`` (10 wrong codes in 15
minutes, then refused) and django-otp spaces the tries on each device (1, 2, 4 … seconds after
successive failures).
"""

import logging
import re

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptoir.core.errors import DomainError

from .services import begin_two_factor_attempt, two_factor_succeeded

logger = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "authenticator"
RECOVERY_DEVICE_NAME = "recovery"


def issuer_name(device=None) -> str:
    """The name the authenticator app shows next to the account: the shop's."""
    from comptoir.merchant.models import ShopSettings

    return ShopSettings.load().display_name or "Comptoir"


def two_factor_required(user, *, all_staff: bool | None = None) -> bool:
    """Owners always; every staff account when the owner requires it for all staff
    (``all_staff``: the shop's setting when the caller has read it already)."""
    from comptoir.merchant.models import ShopSettings

    from .roles import is_shop_owner

    if is_shop_owner(user):
        return True
    return ShopSettings.load().staff_two_factor_required if all_staff is None else all_staff


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_device(user) -> TOTPDevice:
    """The device being set up: a new secret, kept (unconfirmed) until a code confirms it, so
    that reloading the page shows the same QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def confirm_two_factor(user, code: str, *, actor) -> list[str]:
    """Confirm the pending device with a code from the app: it replaces any former device, and
    a new set of recovery codes is made. Returns the recovery codes (shown once)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        raise DomainError(_("Scan the QR code again: the set-up was restarted."), code="no_pending_device")
    _check(user, device, code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_recovery_codes(user)
    logger.info("Two-factor sign-in set up for user %s by user %s", user.pk, getattr(actor, "pk", None))
    return codes


def verify_two_factor(user, code: str):
    """The device that accepts ``code`` (a 6-digit code from the app or an unused recovery code,
    which is then used up); ``DomainError`` otherwise, ``TooManyAttempts`` over the limit."""
    code = normalize_code(code)
    if re.fullmatch(r"\d{6}", code):
        device = confirmed_device(user)
    else:
        device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and not has_two_factor(user):
        raise DomainError(_("Two-factor sign-in is not set up for this account."), code="no_device")
    return _check(user, device, code)


def regenerate_recovery_codes(user, *, actor) -> list[str]:
    """Replace the recovery codes by new ones (the former stop working)."""
    if not has_two_factor(user):
        raise DomainError(_("Two-factor sign-in is not set up for this account."), code="no_device")
    with transaction.atomic():
        codes = _new_recovery_codes(user)
    logger.info("Recovery codes of user %s replaced by user %s", user.pk, getattr(actor, "pk", None))
    return codes


def disable_two_factor(user, code: str, *, actor) -> None:
    """Remove the device and the recovery codes, after a valid code."""
    verify_two_factor(user, code)
    remove_two_factor(user, actor=actor)


def remove_two_factor(user, *, actor=None) -> int:
    """Remove every device and recovery code of ``user`` (a lost phone: the operator's
    ``reset_two_factor`` command). The next sign-in asks for a new enrolment when two-factor
    sign-in is required for the account. Returns the number of devices removed."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[1].get(TOTPDevice._meta.label, 0)
        StaticDevice.objects.filter(user=user).delete()
    logger.info("Two-factor sign-in of user %s removed by %s", user.pk,
                f"user {actor.pk}" if actor is not None else "an operator")
    return removed


def normalize_code(code: str) -> str:
    """Spaces and dashes typed or copied with a code do not matter, nor the letter case."""
    return re.sub(r"[\s\-]", "", code or "").lower()


def _check(user, device, code: str):
    code = normalize_code(code)
    if not code:
        raise DomainError(_("Enter the code."), code="empty_code")
    if device is not None:
        allowed, _details = device.verify_is_allowed()
        if not allowed:  # django-otp's spacing after a wrong code: nothing is counted
            raise DomainError(_("Wait a few seconds before trying another code."), code="throttled")
    begin_two_factor_attempt(user)  # raises TooManyAttempts
    verified = verify_token(user, device.persistent_id, code) if device is not None else None
    if verified is None:
        raise DomainError(_("This code is not right. Check the time on your phone and try again."),
                          code="wrong_code")
    two_factor_succeeded(user)
    return verified


def _new_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _index in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
