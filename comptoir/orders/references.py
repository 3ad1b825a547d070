"""Payment references: the short code a customer writes in the message of a transfer.

Every order gets one when it is placed (``Order.payment_reference``, unique), whatever the
payment method, so that money arriving at the bank can be matched to the order it pays.

The scheme, « CPT-7K4QH » followed by one check character (« CPT-7K4QHX »):

- **Alphabet** of 31 characters, ``23456789ABCDEFGHJKMNPQRSTUVWXYZ``: digits and capitals
  without the look-alikes 0/O, 1/I/L. What is read back is upper-cased and stripped of spaces
  and dashes.
- **Body**: the order number scrambled by an affine map modulo 31⁵ (``value = number × 7 919 +
  104 729 mod 31⁵``, a bijection because 7 919 is prime to 31), written with 5 characters of the
  alphabet (7 from order 28 629 151 on, so references of different lengths never collide).
  Consecutive orders thus get references that do not look alike, and two orders never share
  one.
- **Check character**: a weighted sum modulo 31 (a prime, as in ISO 7064's pure systems). With
  body values ``v1 … vk`` and check value ``c``, the weights are ``k+1, k, …, 2`` for the body and
  ``1`` for the check character, and ``Σ weight × value + c ≡ 0 (mod 31)``. Every weight is
  distinct and non-zero modulo 31, so changing any one character, or swapping any two
  (adjacent or not, check character included), changes the sum: the reference is refused.

It is not a secret nor a security primitive: it only catches typing mistakes.
"""

import re

PREFIX = "CPT"
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BASE = len(ALPHABET)  # 31, a prime
_VALUES = {char: value for value, char in enumerate(ALPHABET)}
_MULTIPLIER, _OFFSET = 7919, 104729
SHORT = 5
LONG = 7
# A reference as it may be written in a bank line: « CPT-7K4QHX », « cpt 7k4qhx », « CPT7K4QHX ».
_FOUND = re.compile(r"\bCPT[\s\-_.:#]*([0-9A-Z]{4,10})\b", re.IGNORECASE)


def check_character(body: str) -> str:
    """The check character of ``body`` (characters of ``ALPHABET``)."""
    weight = len(body) + 1
    total = 0
    for char in body:
        total += weight * _VALUES[char]
        weight -= 1
    return ALPHABET[-total % BASE]


def payment_reference(number: int) -> str:
    """The reference of order ``number`` (« CPT-7K4QHX »)."""
    length = SHORT if number < BASE**SHORT else LONG
    value = (number * _MULTIPLIER + _OFFSET) % BASE**length
    body = ""
    for _position in range(length):
        value, digit = divmod(value, BASE)
        body = ALPHABET[digit] + body
    return f"{PREFIX}-{body}{check_character(body)}"


def normalize(text: str) -> str:
    """« cpt 7k4q-hx » → « CPT-7K4QHX » (no validation)."""
    compact = re.sub(r"[\s\-_.:#]", "", (text or "").upper())
    if compact.startswith(PREFIX):
        compact = compact[len(PREFIX):]
    return f"{PREFIX}-{compact}"


def is_valid(reference: str) -> bool:
    """Whether ``reference`` (normalized) is well formed and its check character is right."""
    if not reference.startswith(f"{PREFIX}-"):
        return False
    code = reference[len(PREFIX) + 1:]
    if len(code) not in (SHORT + 1, LONG + 1) or any(char not in _VALUES for char in code):
        return False
    return check_character(code[:-1]) == code[-1]


def find_references(text: str) -> list[str]:
    """The references written in ``text`` (normalized, valid or not), in order of appearance."""
    found = []
    for match in _FOUND.finditer(text or ""):
        reference = normalize(match.group(1))
        if reference not in found:
            found.append(reference)
    return found


def interac_instructions(shop, reference: str, language: str) -> str:
    """What the customer needs to send an Interac e-Transfer, in ``language``: the recipient,
    the reference to write in the message and, without autodeposit, the security question and
    its answer. The amount is not part of it: pages and messages print the balance next to it.
    Written on the order when it is placed (``Order.payment_instructions``)."""
    from django.utils import translation
    from django.utils.translation import gettext as _

    with translation.override(language):
        lines = [
            _("Send an Interac e-Transfer to %(email)s.") % {"email": shop.interac_email},
            _("Write the reference %(reference)s in the message of the transfer.") % {"reference": reference},
        ]
        if shop.interac_autodeposit:
            lines.append(_("The transfer is deposited automatically: no security question is needed."))
        else:
            lines.append(_("Security question: %(question)s") % {"question": shop.interac_question(language)})
            lines.append(_("Answer: %(answer)s") % {"answer": shop.interac_answer})
    return "\n".join(lines)
