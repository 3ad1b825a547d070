"""Two-factor sign-in for staff: the code after the password, enrolment, recovery codes, the
owner's rule for all staff, and the operator's reset command."""

import html
import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptoir.configuration.permissions import OWNER_GROUP
from comptoir.core.testing import give_two_factor, make_staff_user, sign_in_verified, totp_code
from comptoir.merchant.models import ShopSettings
from comptoir.security.models import Attempt
from comptoir.security.two_factor import regenerate_recovery_codes

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/fr/gestion/connexion/"
VERIFY = "/fr/gestion/connexion/code/"
SETUP = "/fr/gestion/double-authentification/activer/"
BACK_OFFICE_PAGES = [
    "/fr/gestion/", "/fr/gestion/commandes/", "/fr/gestion/factures/", "/fr/gestion/clients/",
    "/fr/gestion/produits/", "/fr/gestion/categories/", "/fr/gestion/configuration/",
    "/fr/gestion/configuration/comptes/", "/fr/gestion/configuration/notifications/journal/",
    "/fr/gestion/double-authentification/",
]


@pytest.fixture(autouse=True)
def quick_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def owner(db, shop):
    return make_staff_user("marchand", PASSWORD, is_superuser=True)


def text(response) -> str:
    return html.unescape(response.content.decode())


def sign_in(client, username="marchand", password=PASSWORD, address="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def send_code(client, code, next_url=""):
    return client.post(VERIFY, {"code": code, "next": next_url})


def test_an_enrolled_owner_reaches_no_back_office_page_without_a_code(client, owner):
    device = give_two_factor(owner)
    assert sign_in(client).status_code == 302  # the password is right
    for url in BACK_OFFICE_PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{VERIFY}?next="), url
    page = client.get(f"{VERIFY}?next=/fr/gestion/factures/")
    assert page.status_code == 200
    assert "Code de vérification" in text(page) and "Double authentification" in text(page)

    response = send_code(client, totp_code(device), "/fr/gestion/factures/")
    assert response.status_code == 302 and response["Location"] == "/fr/gestion/factures/"
    for url in BACK_OFFICE_PAGES[1:]:
        assert client.get(url).status_code == 200, url
    # A new sign-in asks again.
    client.post(reverse("dashboard:logout"))
    sign_in(client)
    assert client.get("/fr/gestion/commandes/")["Location"].startswith(VERIFY)


def test_a_wrong_code_is_refused_and_the_next_tries_are_spaced(client, owner):
    device = give_two_factor(owner)
    sign_in(client)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    refused = send_code(client, wrong)
    assert refused.status_code == 400
    assert "Ce code n'est pas le bon" in text(refused)
    assert client.get("/fr/gestion/commandes/").status_code == 302
    # django-otp spaces the tries after a failure: even the right code waits a second.
    too_soon = send_code(client, totp_code(device))
    assert too_soon.status_code == 400 and "Attendez quelques secondes" in text(too_soon)
    assert client.get("/fr/gestion/commandes/").status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # the refused try was not checked
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp - timedelta(seconds=2)
    )
    assert send_code(client, totp_code(device)).status_code == 302
    assert client.get("/fr/gestion/commandes/").status_code == 200


def test_ten_wrong_codes_refuse_the_account_for_a_while(client, owner, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # only the account's count here
    device = give_two_factor(owner)
    sign_in(client)
    wrong = f"{(int(totp_code(device)) + 500_000) % 1_000_000:06d}"
    for _ in range(10):
        assert send_code(client, wrong).status_code == 400
    rows = list(Attempt.objects.values_list("pk", flat=True))
    refused = send_code(client, totp_code(device))
    assert refused.status_code == 429
    assert "Trop de codes erronés. Réessayez dans 15 minutes." in text(refused)
    assert list(Attempt.objects.values_list("pk", flat=True)) == rows
    assert client.get("/fr/gestion/commandes/").status_code == 302


def test_a_recovery_code_works_once(client, owner):
    give_two_factor(owner)
    codes = regenerate_recovery_codes(owner, actor=owner)
    assert len(codes) == 10 and len(set(codes)) == 10
    sign_in(client)
    # Typed in capitals with a space: still the code.
    typed = f"{codes[3][:4].upper()} {codes[3][4:].upper()}"
    response = send_code(client, typed)
    assert response.status_code == 302
    assert client.get("/fr/gestion/commandes/").status_code == 200
    assert StaticToken.objects.filter(device__user=owner).count() == 9
    client.post(reverse("dashboard:logout"))
    sign_in(client)
    again = send_code(client, codes[3])
    assert again.status_code == 400 and "Ce code n'est pas le bon" in text(again)
    assert client.get("/fr/gestion/commandes/").status_code == 302


def test_an_owner_without_a_device_is_sent_to_enrolment(client, owner):
    sign_in(client)
    response = client.get("/fr/gestion/factures/")
    assert response.status_code == 302 and response["Location"].startswith(f"{SETUP}?next=")
    assert client.get("/fr/gestion/configuration/").status_code == 302

    page = client.get(response["Location"])
    content = text(page)
    assert page.status_code == 200 and "<svg" in content
    assert "La double authentification est obligatoire pour votre compte" in content
    assert "style=" not in content.split("<body", 1)[1] and "<script>" not in content
    secret = re.search(r'<code class="two-factor-secret"[^>]*>([A-Z2-7 ]+)</code>', content).group(1)
    device = TOTPDevice.objects.get(user=owner)
    assert not device.confirmed
    # Reloading shows the same secret.
    assert secret in text(client.get(SETUP))

    refused = client.post(SETUP, {"code": "12345", "next": "/fr/gestion/factures/"})
    assert refused.status_code == 400 and "Entrez les 6 chiffres" in text(refused)
    # The code an app computes from the secret typed by hand.
    from base64 import b32decode

    app = TOTP(b32decode(secret.replace(" ", "")), device.step, device.t0, device.digits)
    confirmed = client.post(SETUP, {"code": f"{app.token():06d}", "next": "/fr/gestion/factures/"})
    assert confirmed.status_code == 302 and confirmed["Location"] == reverse("dashboard:two_factor_codes")
    device.refresh_from_db()
    assert device.confirmed

    codes_page = text(client.get(confirmed["Location"]))
    codes = sorted(StaticToken.objects.filter(device__user=owner).values_list("token", flat=True))
    assert len(codes) == 10 and all(f"<code>{code}</code>" in codes_page for code in codes)
    assert "Codes de récupération" in codes_page
    download = client.get(reverse("dashboard:two_factor_codes_download"))
    assert download["Content-Disposition"].startswith("attachment")
    assert all(code in download.content.decode() for code in codes)
    done = client.post(reverse("dashboard:two_factor_codes"))
    assert done.status_code == 302 and done["Location"] == "/fr/gestion/factures/"
    assert client.get("/fr/gestion/factures/").status_code == 200
    # The codes are shown once.
    assert client.get(reverse("dashboard:two_factor_codes"))["Location"] == reverse("dashboard:two_factor")


def test_staff_are_free_until_the_owner_requires_two_factor_for_all(client, owner):
    commis = make_staff_user("commis", PASSWORD)
    sign_in(client, "commis")
    assert client.get("/fr/gestion/commandes/").status_code == 200
    # A staff member may not change the rule.
    refused = client.post(reverse("configuration:staff_two_factor"), {"staff_two_factor_required": "on"})
    assert refused.status_code == 403
    assert ShopSettings.load().staff_two_factor_required is False

    owner_client = sign_in_verified(client.__class__(), owner)
    staff_page = text(owner_client.get(reverse("configuration:staff_list")))
    assert "Exiger la double authentification pour tout le personnel" in staff_page
    saved = owner_client.post(reverse("configuration:staff_two_factor"), {"staff_two_factor_required": "on"})
    assert saved.status_code == 302
    assert ShopSettings.load().staff_two_factor_required is True

    response = client.get("/fr/gestion/commandes/")
    assert response.status_code == 302 and response["Location"].startswith(f"{SETUP}?next=")
    assert client.get("/fr/gestion/produits/").status_code == 302
    # Once enrolled, the staff member works again.
    assert client.get(SETUP).status_code == 200
    client.post(SETUP, {"code": totp_code(TOTPDevice.objects.get(user=commis))})
    assert client.get("/fr/gestion/commandes/").status_code == 200
    assert owner_client.post(reverse("configuration:staff_two_factor"), {}).status_code == 302
    assert ShopSettings.load().staff_two_factor_required is False


def test_turning_off_needs_a_code(client, shop, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # the spacing of tries is tested above
    commis = make_staff_user("commis", PASSWORD)
    device = give_two_factor(commis)
    sign_in_verified(client, commis)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    refused = client.post(reverse("dashboard:two_factor_disable"), {"code": wrong})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=commis).exists()
    response = client.post(reverse("dashboard:two_factor_disable"), {"code": totp_code(device)})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard:two_factor")
    assert not TOTPDevice.objects.filter(user=commis).exists()
    assert client.get("/fr/gestion/commandes/").status_code == 200  # not required for staff


def test_an_owner_who_removes_the_phone_sets_up_a_new_one(client, owner):
    device = give_two_factor(owner)
    sign_in_verified(client, owner)
    response = client.post(reverse("dashboard:two_factor_disable"), {"code": totp_code(device)})
    assert response["Location"] == SETUP
    assert client.get("/fr/gestion/commandes/")["Location"].startswith(SETUP)


def test_new_recovery_codes_replace_the_old_ones(client, owner):
    give_two_factor(owner)
    old = regenerate_recovery_codes(owner, actor=owner)
    sign_in_verified(client, owner)
    response = client.post(reverse("dashboard:two_factor_new_codes"))
    assert response["Location"] == reverse("dashboard:two_factor_codes")
    new = set(StaticToken.objects.filter(device__user=owner).values_list("token", flat=True))
    assert len(new) == 10 and not new & set(old)
    manage = text(client.get(reverse("dashboard:two_factor")))
    assert "Il reste 10 codes de récupération." in manage


def test_the_code_page_never_sends_elsewhere(client, owner):
    device = give_two_factor(owner)
    sign_in(client)
    response = send_code(client, totp_code(device), "https://exemple.test/gestion/")
    assert response.status_code == 302 and response["Location"] == "/fr/gestion/commandes/"


def test_the_code_page_in_english(client, owner):
    give_two_factor(owner)
    sign_in(client)
    page = text(client.get("/en/gestion/connexion/code/"))
    assert "Two-factor sign-in" in page and "Verification code" in page and "«" not in page


def test_an_operator_resets_a_lost_phone(client, owner):
    device = give_two_factor(owner)
    regenerate_recovery_codes(owner, actor=owner)
    out = io.StringIO()
    call_command("reset_two_factor", "marchand", stdout=out)
    assert "Two-factor sign-in removed for marchand" in out.getvalue()
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert not StaticToken.objects.filter(device__user=owner).exists()
    # The owner signs in with the password and is asked to enrol again.
    sign_in(client)
    assert client.get("/fr/gestion/commandes/")["Location"].startswith(SETUP)
    again = io.StringIO()
    call_command("reset_two_factor", "marchand", stdout=again)
    assert "nothing to remove" in again.getvalue()
    with pytest.raises(CommandError, match="No account named 'personne'"):
        call_command("reset_two_factor", "personne")


def test_a_group_owner_is_required_too(client, shop):
    proprio = make_staff_user("proprio", PASSWORD)
    proprio.groups.add(Group.objects.get_or_create(name=OWNER_GROUP)[0])
    sign_in(client, "proprio")
    assert client.get("/fr/gestion/commandes/")["Location"].startswith(SETUP)


def test_the_owner_resets_a_staff_members_lost_phone(client, owner):
    commis = make_staff_user("commis", PASSWORD)
    give_two_factor(commis)
    owner_device = give_two_factor(owner)
    sign_in_verified(client, owner)
    page = text(client.get(reverse("configuration:staff_list")))
    assert page.count("Réinitialiser") == 1  # not for the owner's own account
    response = client.post(reverse("configuration:staff_reset_two_factor", args=[commis.pk]), follow=True)
    assert "La double authentification de commis a été réinitialisée." in text(response)
    assert not TOTPDevice.objects.filter(user=commis).exists()
    # Not the owner's own device from there.
    own = client.post(reverse("configuration:staff_reset_two_factor", args=[owner.pk]), follow=True)
    assert "pour changer votre propre téléphone" in text(own)
    assert TOTPDevice.objects.filter(pk=owner_device.pk).exists()
    # A staff member cannot reset anyone's.
    give_two_factor(commis)
    staff_client = sign_in_verified(client.__class__(), commis)
    refused = staff_client.post(reverse("configuration:staff_reset_two_factor", args=[owner.pk]))
    assert refused.status_code == 403 and TOTPDevice.objects.filter(pk=owner_device.pk).exists()
