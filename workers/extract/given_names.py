"""Given names as Arabic news writes them (`lexicon/given_names.yaml`), in their matching forms.

The set tells the extractor that the words after a title are a person's name ("وزير النقل اليمني بدر محمد
باسملة", "وزير الخارجية الروسي سيرغي لافروف"). The data file is checked loudly when it is read: an empty
form, a form with letters outside the Arabic alphabet, a form of more than two words, or two forms with
one matching form are errors that name the entry.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from workers.clean.normalize import normalize_for_matching
from workers.extract.lexicon import read_yaml

GIVEN_NAMES_PATH = Path(__file__).parent / "lexicon" / "given_names.yaml"
SECTIONS = ("arabic", "compound", "foreign")
MAX_WORDS = 2
# The Arabic alphabet as the matching form leaves it (hamza on its own, the letters ا to ي); a matching
# form has no diacritics, tatweel, alef variants or taa marbuta left.
_ARABIC_WORD = re.compile("[\u0621-\u063a\u0641-\u064a]+")


def load_given_names(path: Path | None = None) -> frozenset[str]:
    """The matching forms of every given name in `path` (default: the project's data file).

    Raises ValueError, naming the entry, for an empty form, a form with non-Arabic letters, a form of
    more than two words, or a form whose matching form another entry of the file already has.
    """
    path = path or GIVEN_NAMES_PATH
    document = read_yaml(path)
    if not isinstance(document, dict):
        raise ValueError(f"{path.name}: expected a mapping with the sections {', '.join(SECTIONS)}")
    unknown = sorted(set(document) - {"version", *SECTIONS})
    if unknown:
        raise ValueError(f"{path.name}: unknown keys {unknown}")
    seen: dict[str, tuple[str, str]] = {}  # matching form → (section, entry as written)
    for section in SECTIONS:
        entries = document.get(section) or []
        if not isinstance(entries, list):
            raise ValueError(f"{path.name}: {section} must be a list")
        for entry in entries:
            form = _matching_form(path, section, entry)
            if form in seen:
                other_section, other = seen[form]
                raise ValueError(
                    f"{path.name}: {section} entry {entry!r} duplicates {other_section} entry {other!r} "
                    f"(both are {form!r} after normalisation)"
                )
            seen[form] = (section, str(entry))
    return frozenset(seen)


def _matching_form(path: Path, section: str, entry: object) -> str:
    where = f"{path.name}: {section} entry {entry!r}"
    if entry is None:
        raise ValueError(f"{where} is empty")
    if not isinstance(entry, str):
        raise ValueError(f"{where} is not a string")
    form = normalize_for_matching(entry)
    if not form:
        raise ValueError(f"{where} is empty")
    words = form.split(" ")
    if len(words) > MAX_WORDS:
        raise ValueError(f"{where} has more than {MAX_WORDS} words")
    if not all(_ARABIC_WORD.fullmatch(word) for word in words):
        raise ValueError(f"{where} has letters outside the Arabic alphabet")
    return form


@lru_cache(maxsize=1)
def default_given_names() -> frozenset[str]:
    """The project's given names (matching forms), read once per process."""
    return load_given_names()
