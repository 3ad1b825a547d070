import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from comptoir.checkout.testing import checkout_address
from comptoir.core.errors import DomainError
from comptoir.customers.models import Address, Customer
from comptoir.customers.services import AccountExists, create_account, record_customer

pytestmark = pytest.mark.django_db


def record(**overrides):
    values = {
        "email": "marie@example.test",
        "phone": "514 555-0199",
        "language": "fr",
        "billing_address": checkout_address(),
        "shipping_address": checkout_address(city="Laval", postal_code="H7N 1A1"),
    }
    values.update(overrides)
    with transaction.atomic():
        return record_customer(**values)


def test_guest_is_one_row_per_email_with_latest_details():
    first = record()
    second = record(
        email="MARIE@example.test", language="en", billing_address=checkout_address(last_name="Roy")
    )
    assert first.pk == second.pk
    customer = Customer.objects.get()
    assert customer.is_guest and customer.language == "en" and customer.last_name == "Roy"
    assert customer.shipping_address.city == "Laval"


def test_customer_addresses_are_copies_never_shared():
    billing = checkout_address()
    customer = record(billing_address=billing)
    assert billing.pk is None  # the caller's object is not saved by this service
    assert Address.objects.filter(pk=customer.billing_address_id).exists()


def test_account_holder_is_keyed_by_user():
    user = get_user_model().objects.create_user("u@example.test", "u@example.test", "pw-solide-98765")
    customer = record(user=user, email="autre@example.test")
    assert customer.user == user and customer.email == "autre@example.test"
    assert record(user=user).pk == customer.pk
    assert Customer.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_must_run_inside_a_transaction():
    with pytest.raises(RuntimeError):
        record_customer(
            email="a@example.test",
            phone="",
            language="fr",
            billing_address=checkout_address(),
            shipping_address=None,
        )


def test_create_account_uses_the_email_as_username():
    user = create_account(email="Lea@Example.test", password="Bleuets-du-Lac-2026", first_name="Léa")
    assert user.username == "lea@example.test" and user.check_password("Bleuets-du-Lac-2026")
    assert not user.is_staff


def test_create_account_refuses_a_taken_email_or_a_weak_password():
    create_account(email="lea@example.test", password="Bleuets-du-Lac-2026")
    with pytest.raises(AccountExists):
        create_account(email="LEA@example.test", password="Bleuets-du-Lac-2026")
    with pytest.raises(DomainError):
        create_account(email="autre@example.test", password="123")
    assert get_user_model().objects.count() == 1
