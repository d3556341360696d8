"""The abbreviations a paper defines for itself.

Papers spell a name out once, 'the Integrated Micromobility Service (IMS)', and use the
letters from then on: 'The current IMS supplier contract expires on 6th July 2027'. A
member asking about the hire bikes' contract, and the search, meet that sentence only
if it is read with the name its letters stand for. Many such names are a council's or a
programme's own ('Strengthening Independence Service (SIS)'), so no list of the field's
terms can hold them all; the paper itself does.
"""

from __future__ import annotations

import re

from assistant.language.vocabulary import POSSESSIVE

# 'Name Of Thing (NOT)', 'Education, Health and Care Plans (EHCPs)', 'Department for Education (DfE)'
_DEFINED = re.compile(r"((?:[A-Za-z][\w'’&-]*,?\s+){1,12})\(([A-Z][A-Za-z&]{1,7})\)")
_WORD = re.compile(r"[A-Za-z][\w'’-]*|&")
# words a name's letters may leave out ('Transport for City Regions (TCR)')
_SMALL = frozenset({"of", "and", "for", "the", "in", "to", "on", "at", "&", "with", "by"})
_LETTERS = re.compile(r"\b[A-Z][A-Za-z&]*\b")  # where an abbreviation may be used ('RLP', 'EHCPs', 'DfE')


def defined_abbreviations(text: str) -> dict[str, str]:
    """Each abbreviation the text defines, with the name it stands for (the first
    definition wins): {'IMS': 'Integrated Micromobility Service'}."""
    defined: dict[str, str] = {}
    for m in _DEFINED.finditer(text):
        abbreviation = m.group(2)
        name = _name_spelled(_WORD.findall(m.group(1)), _letters(abbreviation))
        if name and abbreviation not in defined:
            defined[abbreviation] = POSSESSIVE.sub("", name)  # 'Kent Community Safety Trust’s (KCST)'
    return defined


def _letters(abbreviation: str) -> str:
    """'EHCPs' -> 'ehcp', 'DfE' -> 'dfe': what the name's words must begin with."""
    letters = abbreviation[:-1] if len(abbreviation) > 2 and abbreviation.endswith("s") else abbreviation
    return letters.replace("&", "").lower()


def _name_spelled(words: list[str], letters: str) -> str | None:
    """The shortest run of words ending the list whose initials spell `letters`, small
    words counted or left out as needed; its first word must be spelled (not 'the')."""
    for start in range(len(words) - 1, -1, -1):
        run = words[start:]
        if run[0].lower() not in _SMALL and _spells(run, letters):
            return " ".join(run)
    return None


def _spells(words: list[str], letters: str) -> bool:
    if not words:
        return not letters
    word, rest = words[0], words[1:]
    if letters and word[0].lower() == letters[0] and _spells(rest, letters[1:]):
        return True
    return word.lower() in _SMALL and _spells(rest, letters)


def spelled_out(defined: dict[str, str], text: str) -> str:
    """The names of the defined abbreviations the text uses without spelling them out:
    what it is read with, so that either wording finds it."""
    if not defined:
        return ""
    used = {word.removesuffix("s") if word not in defined else word for word in _LETTERS.findall(text)}
    return " ".join(name for abbreviation, name in defined.items()
                    if abbreviation in used and name.lower() not in text.lower())
