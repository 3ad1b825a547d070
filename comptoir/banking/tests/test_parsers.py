"""Reading bank files: OFX (ofxtools), CSV with a bank's columns, Interac notifications FR/EN."""

import datetime
from decimal import Decimal

import pytest

from comptoir.banking.parsers import CsvLayout, StatementError, parse_csv, parse_interac_email, parse_ofx

from .fixtures import fixture

NATIONALE = CsvLayout(date_column="Date", description_column="Description", amount_column="Montant",
                      reference_column="Référence", delimiter=";", decimal_comma=True)


def test_ofx_gives_the_credits_with_their_bank_ids():
    lines = parse_ofx(fixture("desjardins.ofx"))

    assert [(line.posted_on, line.amount) for line in lines] == [
        (datetime.date(2026, 12, 2), Decimal("45.99")), (datetime.date(2026, 12, 2), Decimal("250.00"))]
    first = lines[0]
    assert first.reference == "CPT-AQMMF7" and first.payer_name == "VIREMENT INTERAC MARIE TREMBLAY"
    assert first.method == "interac" and lines[1].method == "transfer"
    # The FITID makes the fingerprint: the same transaction read again is the same line.
    assert parse_ofx(fixture("desjardins.ofx", AMOUNT1="45.99"))[0].fingerprint == first.fingerprint
    assert len({line.fingerprint for line in lines}) == 2


@pytest.mark.parametrize("data", [b"", b"not an ofx file", b"OFXHEADER:100\n<OFX><BANKMSGSRSV1>"])
def test_a_bad_ofx_file_is_refused_clearly(data):
    with pytest.raises(StatementError) as error:
        parse_ofx(data)
    assert "OFX" in str(error.value)


def test_csv_with_the_banks_columns():
    lines = parse_csv(fixture("banque-nationale.csv"), NATIONALE)

    assert [(line.amount, line.description, line.reference) for line in lines] == [
        (Decimal("67.85"), "Virement Interac JEAN-FRANCOIS GAGNE", "CPT-AQVUWK"),
        (Decimal("0.37"), "Intérêts", ""),
    ]
    assert lines[0].posted_on == datetime.date(2026, 12, 2) and lines[0].method == "interac"


def test_identical_csv_lines_stay_distinct_and_are_recognised_again():
    data = b"Date,Description,Amount\n2026-12-01,DEPOT,10.00\n2026-12-01,DEPOT,10.00\n"
    layout = CsvLayout(date_column="date", description_column="description", amount_column="amount")
    first, second = parse_csv(data, layout)
    assert first.fingerprint != second.fingerprint
    assert [line.fingerprint for line in parse_csv(data, layout)] == [first.fingerprint, second.fingerprint]


@pytest.mark.parametrize(("layout_change", "message"), [
    ({"amount_column": "Crédit"}, "Crédit"),
    ({"date_format": "%d/%m/%Y"}, "31/12/2026"),
    ({"decimal_comma": False, "delimiter": ","}, "Date;Description"),
])
def test_a_csv_that_does_not_fit_the_mapping_is_refused_clearly(layout_change, message):
    layout = CsvLayout(**{**NATIONALE.__dict__, **layout_change})
    with pytest.raises(StatementError) as error:
        parse_csv(fixture("banque-nationale.csv"), layout)
    assert message in str(error.value)


def test_a_csv_amount_that_is_not_one_is_named():
    data = b"Date;Description;Montant\n2026-12-01;DEPOT;dix\n"
    layout = CsvLayout(date_column="Date", description_column="Description", amount_column="Montant",
                       delimiter=";", decimal_comma=True)
    with pytest.raises(StatementError, match="« dix »"):
        parse_csv(data, layout)


def test_interac_notification_in_french():
    (line,) = parse_interac_email(fixture("interac-fr.eml"))

    assert line.amount == Decimal("1045.99") and line.payer_name == "MARIE TREMBLAY"
    assert line.reference == "CPT-AQMMF7" and line.method == "interac"
    assert line.posted_on == datetime.date(2026, 12, 2)
    assert parse_interac_email(fixture("interac-fr.eml"))[0].fingerprint == line.fingerprint


def test_interac_notification_in_english_html_only():
    (line,) = parse_interac_email(fixture("interac-en.eml"))

    assert line.amount == Decimal("1234.50") and line.payer_name == "DAVID CHEN"
    assert "cpt aqvuwk" in line.reference


def test_a_pasted_notification_body_is_read_too():
    body = fixture("interac-fr.eml").decode().split("\n\n", 1)[1]
    (line,) = parse_interac_email(body.encode())
    assert line.amount == Decimal("1045.99") and line.reference == "CPT-AQMMF7"


@pytest.mark.parametrize("text", ["Bonjour, voici ma facture.", "Virement Interac sans montant"])
def test_something_else_than_a_notification_is_refused(text):
    with pytest.raises(StatementError):
        parse_interac_email(text.encode())
