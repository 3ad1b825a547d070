"""Every French string is translated, and the committed .mo files match their .po sources."""

import ast
import gettext
from pathlib import Path

import pytest

APPS_DIR = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(APPS_DIR.glob("*/locale/fr/LC_MESSAGES/django.po"))


def parse_po(path: Path) -> dict[tuple[str, str], str]:
    """{(context, msgid): msgstr} of the active (not obsolete) entries, plurals as msgstr[0]."""
    entries, current, field = {}, {}, None

    def flush():
        if "msgid" in current and current["msgid"]:
            key = (current.get("msgctxt", ""), current["msgid"])
            entries[key] = current.get("msgstr", current.get("msgstr[0]", ""))
        current.clear()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            if not line:
                flush()
            continue
        if line.startswith('"'):
            current[field] += ast.literal_eval(line)
            continue
        field, _space, value = line.partition(" ")
        if field == "msgctxt" or (field == "msgid" and "msgid" in current):
            flush()
        current[field] = ast.literal_eval(value)
    flush()
    return entries


def test_there_are_catalogues():
    assert len(CATALOGUES) >= 10


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_every_french_string_is_translated_and_compiled(po_path):
    entries = parse_po(po_path)
    untranslated = [msgid for (_ctx, msgid), msgstr in entries.items() if not msgstr]
    assert untranslated == []
    with open(po_path.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        msgid
        for (context, msgid), msgstr in entries.items()
        if (compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)) != msgstr
    ]
    assert stale == []
