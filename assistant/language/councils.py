"""Councils named in text, from a gazetteer of UK councils with children's services
(`councils.tsv`: a name as written, then the official name). Never a list of the councils
we happen to hold papers for."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _gazetteer() -> list[tuple[str, str]]:
    text = resources.files("assistant.language").joinpath("councils.tsv").read_text("utf-8")
    pairs = [tuple(line.split("\t")) for line in text.splitlines() if line and not line.startswith("#")]
    return sorted(pairs, key=lambda p: len(p[0]), reverse=True)  # "North Somerset" before "Somerset"


def official_names() -> list[str]:
    """Every council in the gazetteer, once, by its official name."""
    return sorted({official for _, official in _gazetteer()})


def councils_named(text: str) -> dict[str, int]:
    """Official council names mentioned in `text`, with how often, in the order they are
    first mentioned. Longest names are matched first ('North Somerset' before 'Somerset')."""
    remaining = text
    found: dict[str, tuple[int, int]] = {}  # official name -> (first position, count)
    for name, official in _gazetteer():
        pattern = re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")
        matches = list(pattern.finditer(remaining))
        if matches:
            first, count = found.get(official, (len(text), 0))
            found[official] = (min(first, matches[0].start()), count + len(matches))
            remaining = pattern.sub(lambda m: " " * len(m.group()), remaining)  # keeps positions
    return {official: count for official, (_, count) in sorted(found.items(), key=lambda kv: kv[1][0])}


def detect_council(text: str) -> str | None:
    """The authority the paper is mainly about: the one it names most often, else the one
    whose web domain its contacts give ('sangeeta.surana@kent.gov.uk')."""
    counts = councils_named(text)
    return max(counts, key=lambda official: counts[official]) if counts else council_of_domain(text)


# 'E: officer@kent.gov.uk', 'www.nottinghamcity.gov.uk': a council's own domain is its
# place name, sometimes with 'city' or 'council' after it
_GOV_UK_DOMAIN = re.compile(r"[@./]([a-z][a-z-]*)\.gov\.uk\b", re.I)
_DOMAIN_TAIL = re.compile(r"(?:city|council|cc)$")


def council_of_domain(text: str) -> str | None:
    """The council whose gov.uk domain the text gives most often, if any is a council's."""
    by_label = {_label(name): official for name, official in _gazetteer()}
    labels = Counter(_label(domain) for domain in _GOV_UK_DOMAIN.findall(text))
    for label, _ in labels.most_common():
        if official := by_label.get(label) or by_label.get(_DOMAIN_TAIL.sub("", label)):
            return official
    return None


def _label(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


def strip_council_names(text: str, with_preposition: bool = False) -> str:
    """The text without council names ('in Barnsley' too, with `with_preposition`)."""
    lead = r"(?:\b(?:in|for|at|by|from)\s+(?:the\s+)?)?" if with_preposition else ""
    for name, _official in _gazetteer():
        text = re.sub(rf"{lead}(?<![\w-]){re.escape(name)}(?:'s|’s)?(?:\s+(?:County\s+)?Council)?(?![\w-])", " ", text)
    return text


def place_name(council: str) -> str:
    """'Barnsley Council' -> 'Barnsley': how papers other than the council's own name it."""
    return council.replace(" County Council", "").replace(" Council", "")
