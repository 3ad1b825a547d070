"""Card details of a payment at the shop's terminal, and the guard against full card numbers.

The shop keeps what a terminal receipt shows (brand, last 4 digits, authorization number) and
never a card number: ``contains_card_number`` finds one typed by mistake in any text — 12 to 19
digits, written together or in groups separated by spaces or dashes, that pass the Luhn check
(``stdnum.luhn``) — so that the service refuses it before anything is written.
"""

import re

from stdnum import luhn

# Runs of digits, possibly in groups separated by one space or dash (« 4111 1111-1111 1111 »).
_DIGIT_RUNS = re.compile(r"\d+(?:[ \-]\d+)*")
_GROUPS = re.compile(r"\d+")


def contains_card_number(text: str) -> bool:
    """Whether ``text`` holds 12 to 19 consecutive digits (whole groups of a run) that pass the
    Luhn check: a payment card number."""
    for run in _DIGIT_RUNS.findall(text or ""):
        groups = _GROUPS.findall(run)
        for start in range(len(groups)):
            digits = ""
            for group in groups[start:]:
                digits += group
                if len(digits) > 19:
                    break
                if len(digits) >= 12 and luhn.is_valid(digits):
                    return True
    return False
