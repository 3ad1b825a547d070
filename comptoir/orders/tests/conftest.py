import pytest

from comptoir.core.testing import make_delivery_methods, make_shop, make_staff_user


@pytest.fixture
def shop(db):
    make_delivery_methods()
    return make_shop()


@pytest.fixture
def merchant(db):
    return make_staff_user()


@pytest.fixture(autouse=True)
def french_by_default():
    """Each test starts in French, whatever an earlier test left active in the thread."""
    from django.utils import translation

    translation.activate("fr")
    yield
    translation.deactivate()
