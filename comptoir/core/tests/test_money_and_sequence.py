from decimal import Decimal

import pytest
from django.db import transaction

from comptoir.core.models import Sequence
from comptoir.core.money import format_amount, quantize, to_decimal


@pytest.mark.parametrize(("amount", "expected"), [
    ("0.005", "0.01"), ("0.0049", "0.00"), ("2.675", "2.68"), ("-0.005", "-0.01"), ("10", "10.00"),
])
def test_quantize_rounds_half_up(amount, expected):
    assert quantize(Decimal(amount)) == Decimal(expected)


def test_money_is_never_a_float():
    with pytest.raises(TypeError):
        to_decimal(1.1)


@pytest.mark.parametrize(("language", "expected"), [
    ("fr", "1\u00a0234,56\u00a0$"), ("en", "$1,234.56"),
])
def test_format_amount(language, expected):
    assert format_amount(Decimal("1234.56"), language) == expected


@pytest.mark.django_db
def test_sequence_starts_at_start_even_when_the_counter_exists_at_zero():
    with transaction.atomic():
        assert Sequence.next_value("order", start=1001) == 1001
        assert Sequence.next_value("order", start=1001) == 1002
        assert Sequence.next_value("invoice") == 1


@pytest.mark.django_db
def test_a_rolled_back_number_is_given_again():
    with pytest.raises(RuntimeError), transaction.atomic():
        Sequence.next_value("order", start=1001)
        raise RuntimeError("rollback")
    with transaction.atomic():
        assert Sequence.next_value("order", start=1001) == 1001
