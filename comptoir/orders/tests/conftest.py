import pytest

from comptoir.core.testing import make_delivery_methods, make_shop, make_staff_user


@pytest.fixture
def shop(db):
    make_delivery_methods()
    return make_shop()


@pytest.fixture
def merchant(db):
    return make_staff_user()
