import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from comptoir.core.provinces import POSTAL_PREFIXES, Province, normalize_postal_code, validate_postal_code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("h2x1y4", "H2X 1Y4"),
        ("H2X 1Y4", "H2X 1Y4"),
        (" k1a  0b1 ", "K1A 0B1"),
        ("M5V2T6", "M5V 2T6"),
    ],
)
def test_valid_codes_are_normalized(raw, expected):
    assert validate_postal_code(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "12345", "H2X 1Y", "D2X 1Y4", "H2X 1Y44", "W1A 0AX", "Z9Z 9Z9", "H2X-1Y4"]
)
def test_invalid_codes_are_refused(raw):
    with pytest.raises(ValidationError) as error:
        validate_postal_code(raw)
    assert error.value.code == "postal_code"


@pytest.mark.parametrize(
    ("code", "province"),
    [
        ("H2X 1Y4", "QC"),
        ("G1R 4P5", "QC"),
        ("J8X 3X7", "QC"),
        ("K1A 0B1", "ON"),
        ("M5V 2T6", "ON"),
        ("B3H 1A1", "NS"),
        ("E1C 4M3", "NB"),
        ("A1C 5M2", "NL"),
        ("C1A 7N8", "PE"),
        ("R3C 4T3", "MB"),
        ("S4P 3Y2", "SK"),
        ("T2P 1J9", "AB"),
        ("V6B 1A1", "BC"),
        ("X1A 2L9", "NT"),
        ("X0A 0H0", "NU"),
        ("Y1A 1B1", "YT"),
    ],
)
def test_each_province_accepts_its_own_codes(code, province):
    assert validate_postal_code(code, province) == code


def test_a_code_of_another_province_is_refused_with_a_translated_message():
    with pytest.raises(ValidationError) as error, translation.override("fr"):
        validate_postal_code("M5V 2T6", "QC")
    assert error.value.code == "postal_code_province"
    with translation.override("fr"):
        assert str(error.value.messages[0]) == "Ce code postal n'appartient pas à la province choisie."
    with translation.override("en"):
        assert str(error.value.messages[0]) == "This postal code does not belong to the chosen province."


def test_all_thirteen_provinces_and_territories_are_listed():
    assert len(Province.choices) == 13
    assert set(POSTAL_PREFIXES) == set(Province.values)
    with translation.override("fr"):
        assert dict(Province.choices)["QC"] == "Québec"
        assert dict(Province.choices)["BC"] == "Colombie-Britannique"


def test_normalize_leaves_unknown_lengths_alone():
    assert normalize_postal_code("h2x") == "H2X"
