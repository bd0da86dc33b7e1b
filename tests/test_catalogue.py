"""The English catalogue is complete: every msgid `make makemessages` collected has an
English text that is used (not fuzzy), keeps the msgid's placeholders, and the committed
.mo (used where msgfmt is missing) says the same as the .po."""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR, "locale", "en", "LC_MESSAGES", "django.po")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|%[sd]|\{\w+\}")


@dataclass
class Entry:
    msgid: str = ""
    plural: str | None = None
    context: str | None = None
    strs: dict[int, str] = field(default_factory=dict)
    fuzzy: bool = False
    line: int = 0


def entries(path: Path) -> list[Entry]:
    """A .po file's entries, header and obsolete (#~) entries left out."""
    found, entry, key = [], Entry(), None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line:
            found.append(entry)
            entry, key = Entry(), None
            continue
        if line.startswith("#,"):
            entry.fuzzy = entry.fuzzy or "fuzzy" in line
            continue
        if line.startswith("#"):
            continue
        keyword, _sep, rest = line.partition(" ")
        if line.startswith('"'):
            text = ast.literal_eval(line)
        else:
            key, text = keyword, ast.literal_eval(rest)
            entry.line = entry.line or number
        if key == "msgid":
            entry.msgid += text
        elif key == "msgid_plural":
            entry.plural = (entry.plural or "") + text
        elif key == "msgctxt":
            entry.context = (entry.context or "") + text
        elif key == "msgstr":
            entry.strs[0] = entry.strs.get(0, "") + text
        elif key.startswith("msgstr["):
            index = int(key[7:-1])
            entry.strs[index] = entry.strs.get(index, "") + text
    found.append(entry)
    return [e for e in found if e.msgid]


def where(entry: Entry) -> str:
    return f"{CATALOGUE.name}:{entry.line} {entry.msgid!r}"


def test_every_entry_of_the_english_catalogue_is_translated_and_used():
    catalogue = entries(CATALOGUE)
    assert len(catalogue) > 1000  # the parser read the whole catalogue
    untranslated = [where(e) for e in catalogue if not all(e.strs.values()) or not e.strs]
    fuzzy = [where(e) for e in catalogue if e.fuzzy]
    plurals = [where(e) for e in catalogue if e.plural is not None and sorted(e.strs) != [0, 1]]
    assert not untranslated, "untranslated (run make makemessages, translate, make messages):\n" + "\n".join(
        untranslated
    )
    assert not fuzzy, "fuzzy entries are not used: check them and remove the flag:\n" + "\n".join(fuzzy)
    assert not plurals, "English has two plural forms:\n" + "\n".join(plurals)


def test_translations_keep_the_placeholders_of_their_msgid():
    """A placeholder the msgid lacks fails at run time; one left out loses what it said."""
    wrong = []
    for entry in entries(CATALOGUE):
        if entry.plural is None:
            if set(PLACEHOLDER.findall(entry.strs.get(0, ""))) != set(PLACEHOLDER.findall(entry.msgid)):
                wrong.append(f"{where(entry)} -> {entry.strs.get(0)!r}")
            continue
        known = {*PLACEHOLDER.findall(entry.msgid), *PLACEHOLDER.findall(entry.plural)}
        wrong += [
            f"{where(entry)} -> {text!r}"
            for text in entry.strs.values()
            if set(PLACEHOLDER.findall(text)) - known
        ]
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_the_committed_mo_matches_the_po():
    """`make messages` without msgfmt uses the committed .mo: it must not lag the .po."""
    with CATALOGUE.with_suffix(".mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for entry in entries(CATALOGUE):
        key = entry.msgid if entry.context is None else f"{entry.context}\x04{entry.msgid}"
        if entry.plural is None:
            got = compiled._catalog.get(key)
            if got != entry.strs.get(0):
                stale.append(where(entry))
        elif [compiled._catalog.get((key, n)) for n in (0, 1)] != [entry.strs.get(0), entry.strs.get(1)]:
            stale.append(where(entry))
    assert not stale, "the .mo is stale: run make messages and commit the .mo:\n" + "\n".join(stale)
