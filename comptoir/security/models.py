from django.db import models
from django.utils.translation import gettext_lazy as _


class Attempt(models.Model):
    """One attempt that counts against a limit: a login failure (for an account, for a client
    address and for the pair of both), a wrong two-factor code (for an account) or a password
    reset request (for a client address).

    The key is a keyed hash of the normalized username or address: the table never holds an
    email address or an IP address in clear. Rows older than their limit's window are deleted
    as new attempts arrive, so the table stays small.
    """

    class Kind(models.TextChoices):
        LOGIN_ACCOUNT = "login_account", _("login failure for an account")
        LOGIN_ADDRESS = "login_address", _("login failure from an address")
        PASSWORD_RESET_ADDRESS = "reset_address", _("password reset request from an address")
        LOGIN_PAIR = "login_pair", _("login failure for an account from an address")
        TWO_FACTOR_ACCOUNT = "two_factor", _("wrong two-factor code for an account")

    kind = models.CharField(_("counted action"), max_length=20, choices=Kind.choices)
    key = models.CharField(_("hashed key"), max_length=64)
    created_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("counted attempt")
        verbose_name_plural = _("counted attempts")
        indexes = [
            # Counting the recent attempts of one key.
            models.Index(fields=["kind", "key", "created_at"], name="security_attempt_recent"),
            # Purging the expired ones.
            models.Index(fields=["created_at"], name="security_attempt_created"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key[:8]} {self.created_at:%Y-%m-%d %H:%M:%S}"
