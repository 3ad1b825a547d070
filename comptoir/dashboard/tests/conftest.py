import pytest
from django.contrib.auth import get_user_model

from comptoir.core.testing import enter_two_factor_code, make_delivery_methods, make_shop, make_staff_user

PASSWORD = "motdepasse-solide-42"


def sign_in(page, live_server, *, heading_level=None):
    """In a browser: log in to the back-office as ``marchand`` (with the code of the
    authenticator app when the account has one; « Tableau de bord » opens), then click
    « Commandes » in the menu."""
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/fr/gestion/connexion/")
    page.get_by_label("Nom d'utilisateur").fill("marchand")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    enter_two_factor_code(page, "marchand")
    expect(page.get_by_role("heading", name="Tableau de bord", level=1)).to_be_visible()
    page.locator("nav.sidebar").get_by_role("link", name="Commandes", exact=True).click()
    heading = {"level": heading_level} if heading_level else {}
    expect(page.get_by_role("heading", name="Commandes", **heading)).to_be_visible()


@pytest.fixture
def shop(db):
    make_delivery_methods()
    return make_shop(alert_email="marchand@delices.test")


@pytest.fixture
def merchant(db):
    return make_staff_user(username="marchand", password=PASSWORD, first_name="Julie", last_name="Gagnon")


@pytest.fixture
def staff_client(client, merchant):
    client.force_login(merchant)
    return client


@pytest.fixture
def customer_user(db):
    return get_user_model().objects.create_user(
        username="marie", password=PASSWORD, email="marie.tremblay@example.test"
    )


@pytest.fixture
def customer_client(client, customer_user):
    client.force_login(customer_user)
    return client


@pytest.fixture(autouse=True)
def plain_static_files(settings):
    """Tests run without ``collectstatic``: serve static files straight from the apps."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def french_by_default():
    """Each test starts in French (the default language): a request to an /en/ page leaves
    English active in the thread, which would change the URLs ``reverse`` builds."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.deactivate()


from comptoir.paypal.testing import paypal_simulator  # noqa: E402, F401
