"""Remove the two-factor devices and recovery codes of a staff account (a lost phone)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from comptoir.security.two_factor import remove_two_factor, two_factor_required


class Command(BaseCommand):
    help = (
        "Remove the authenticator app and the recovery codes of an account, for a staff member "
        "who lost their phone and their recovery codes. They sign in with their password and, "
        "when two-factor sign-in is required for them, set it up again at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No account named {username!r}.") from None
        removed = remove_two_factor(user)
        if not removed:
            self.stdout.write(f"{username} had no two-factor device; nothing to remove.")
            return
        then = ("they set up a new device at their next sign-in" if two_factor_required(user)
                else "they sign in with their password only until they set up a new device")
        self.stdout.write(self.style.SUCCESS(f"Two-factor sign-in removed for {username}: {then}."))
