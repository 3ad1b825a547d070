"""Payment references: short, unique, typed without look-alikes, and guarded by a check character."""

import pytest

from comptoir.core.testing import make_order
from comptoir.orders.references import (
    ALPHABET,
    find_references,
    is_valid,
    normalize,
    payment_reference,
)

NUMBERS = [1, 1001, 1002, 4242, 99_999, 28_629_150, 28_629_151, 10**9]


def test_alphabet_has_no_look_alikes():
    assert len(ALPHABET) == len(set(ALPHABET)) == 31
    assert not set("01OIL") & set(ALPHABET)


def test_references_are_well_formed_and_unique():
    references = [payment_reference(number) for number in range(1000, 30_000)]
    assert len(set(references)) == len(references)
    assert all(is_valid(reference) for reference in references)
    assert payment_reference(1001).startswith("CPT-") and len(payment_reference(1001)) == 10
    assert len(payment_reference(28_629_151)) == 12  # longer once 5 characters no longer suffice


@pytest.mark.parametrize("number", NUMBERS)
def test_any_single_character_change_is_refused(number):
    reference = payment_reference(number)
    code = reference[4:]
    for position in range(len(code)):
        for char in ALPHABET:
            if char != code[position]:
                changed = "CPT-" + code[:position] + char + code[position + 1:]
                assert not is_valid(changed), changed


@pytest.mark.parametrize("number", NUMBERS)
def test_any_swap_of_two_characters_is_refused(number):
    code = payment_reference(number)[4:]
    for first in range(len(code)):
        for second in range(first + 1, len(code)):
            if code[first] == code[second]:
                continue
            swapped = list(code)
            swapped[first], swapped[second] = swapped[second], swapped[first]
            assert not is_valid("CPT-" + "".join(swapped)), (code, first, second)


def test_references_are_found_in_bank_text_however_written():
    reference = payment_reference(1001)
    code = reference[4:]
    assert find_references(f"VIREMENT INTERAC cpt {code.lower()} MERCI") == [reference]
    assert find_references(f"e-Transfer CPT{code}") == [reference]
    assert normalize(f" cpt-{code.lower()} ") == reference
    assert find_references("VIREMENT DE PAUL, commande 1001") == []
    assert not is_valid("CPT-") and not is_valid("CPT-0O1IL0")


@pytest.mark.django_db
def test_every_order_gets_its_reference_when_placed():
    order = make_order()
    order.refresh_from_db()
    assert order.payment_reference == payment_reference(order.number)


@pytest.mark.django_db
def test_the_migration_gives_existing_orders_their_reference():
    import importlib

    from django.apps import apps
    from django.db.models import CharField, F, Value
    from django.db.models.functions import Concat

    from comptoir.orders.models import Order

    migration = importlib.import_module("comptoir.orders.migrations.0010_interac_payment_reference")
    for _index in range(3):
        make_order()
    Order.objects.update(payment_reference=Concat(Value("OLD-", output_field=CharField()), F("number")))
    assert not Order.objects.filter(payment_reference__startswith="CPT-").exists()

    migration.fill_references(apps, None)

    rows = list(Order.objects.values_list("number", "payment_reference"))
    assert len(rows) == 3
    assert rows == [(number, payment_reference(number)) for number, _reference in rows]
