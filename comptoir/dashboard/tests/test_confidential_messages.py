"""The order timeline never shows the content of a confidential message (a password reset
link); it still shows who it went to, its state and its dates."""

import html

import pytest

from comptoir.core.testing import make_order
from comptoir.notifications.models import Notification

pytestmark = pytest.mark.django_db

LINK = "http://shop.test/fr/compte/mot-de-passe/MQ/czx1ye-0123456789abcdef/"


def test_the_order_timeline_hides_a_reset_link(staff_client, shop):
    order = make_order()
    Notification.objects.create(
        channel="email", template="order_confirmation", recipient="marie@example.test",
        subject="Confirmation de votre commande", body_text="Merci pour votre commande.",
        reference=f"order:{order.pk}", dedupe_key="test:order", status="sent",
    )
    Notification.objects.create(
        channel="email", template="password_reset", recipient="marie@example.test",
        subject="Choisissez un nouveau mot de passe", body_text=f"Ouvrez ce lien :\n{LINK}\n",
        body_html=f'<a href="{LINK}">{LINK}</a>', context={"reset_url": LINK},
        reference=f"order:{order.pk}", dedupe_key="test:reset", status="failed", attempts=8,
        last_error="Connection refused",
    )
    for language, notice in [
        ("fr", "Contenu confidentiel\u00a0: lien personnel de réinitialisation du mot de passe"),
        ("en", "Confidential content: personal password reset link"),
    ]:
        response = staff_client.get(f"/{language}/gestion/commandes/{order.number}/")
        page = html.unescape(response.content.decode())
        assert response.status_code == 200
        assert LINK not in page and "mot-de-passe" not in page
        assert page.count(notice) == 1
        assert "Merci pour votre commande." in page  # an order message is shown in full
        assert "Choisissez un nouveau mot de passe" in page and "Connection refused" in page
