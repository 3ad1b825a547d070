"""Text folded for searching: without accents, case or punctuation, with light plural stemming.

The catalogue and the customer list keep a folded copy of their searchable text in a column
(``search_*``), written whenever the row is saved, so that « erable », « ÉRABLE » and
« érables » find « Sirop d'érable » on every database, and « Gagne » finds « Gagné ». The
folding happens in Python, identically for the stored text and for what the visitor types:
no database extension (``unaccent``) is needed, and SQLite folds non-ASCII letters too.
"""

import re
import unicodedata

_NOT_WORD = re.compile(r"[^0-9a-z]+")
_KEPT_PUNCTUATION = re.compile(r"[^0-9a-z@.\-]+")
MAX_TERMS = 6


def fold(text: str) -> str:
    """« Sirop d'Érable — 500 ml » → « sirop d erable 500 ml »: lower case, no accents (œ → oe,
    ß → ss), every run of other characters one space."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    letters = letters.replace("œ", "oe").replace("æ", "ae")
    return _NOT_WORD.sub(" ", letters).strip()


def fold_keeping_punctuation(text: str) -> str:
    """Like ``fold`` but keeps ``@ . -``, for email addresses and codes (« CAF-001 »)."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _KEPT_PUNCTUATION.sub(" ", letters).strip()


def stem(word: str) -> str:
    """The word without a French or English plural mark (« érables » → « erable », « thés » → « the »,
    « chevaux » → « chevau »): applied to what is typed, so
    that a singular stored word is found by its plural and the reverse (stored text is matched
    by prefix)."""
    if len(word) > 3 and word[-1] in "sx":
        return word[:-1]
    return word


def search_terms(text: str) -> list[str]:
    """The distinct folded, stemmed words of a search, at most ``MAX_TERMS``."""
    terms: list[str] = []
    for word in fold(text).split():
        term = stem(word)
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]
