"""Sentences and clean wording: how papers' text is split and compared."""

from __future__ import annotations

import re

SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9“\"(£])")
_ABBREVIATION_END = re.compile(r"\b(e\.g|i\.e|etc|approx|no|Mr|Mrs|Ms|Dr|Cllr|vs)\.$", re.I)
# Extraction artefacts: **bold**, <b>, ^{*}, markdown headings
MARKUP = re.compile(r"</?(?:b|u|i|strong|em|span)[^>]*>|\*\*|~~|\^\{\*\}|^#+\s*")


def split_sentences(text: str) -> list[str]:
    """Sentences, without breaking 'e.g. the', '3.11' or 'Mr. Smith' style abbreviations."""
    parts = SENTENCE_END.split(text.strip())
    merged: list[str] = []
    for part in parts:
        if merged and _ABBREVIATION_END.search(merged[-1]):
            merged[-1] += " " + part
        else:
            merged.append(part)
    return [p.strip() for p in merged if p.strip()]


def clean(text: str) -> str:
    """Drop extraction artefacts (**bold**, ~~struck~~, <b>, ^{*}, markdown #) but keep every word."""
    text = MARKUP.sub("", text.strip())
    text = re.sub(r"<u>|</u>", "", text)
    return re.sub(r"[ \u00a0]+", " ", text).strip()


def normalise(text: str) -> str:
    """For comparing wordings: case, whitespace, typographic quotes and dashes and
    extraction markup do not count."""
    text = clean(text.replace("\t", " "))
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[–—]", "-", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    # 'Percentage of ...' reads as 'percentage of ...'; acronyms ('EET', 'CIN') and names
    # ('Family Wellbeing episodes') stay as they are
    words = text.split()
    if text[:2].isupper() or len(words) > 1 and words[1][:1].isupper():
        return text
    return text[:1].lower() + text[1:]
