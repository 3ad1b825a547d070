import pytest

from comptoir.core.testing import make_delivery_methods, make_shop, make_staff_user
from comptoir.notifications.testing import fake_sms  # noqa: F401

PASSWORD = "motdepasse-solide-42"


@pytest.fixture
def shop(db):
    make_delivery_methods()
    return make_shop()


@pytest.fixture
def merchant(db):
    return make_staff_user(username="marchand", password=PASSWORD, first_name="Julie", last_name="Gagnon")


@pytest.fixture
def staff_client(client, merchant):
    client.force_login(merchant)
    return client


@pytest.fixture(autouse=True)
def french_by_default():
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.deactivate()
