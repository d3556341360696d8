"""Which part of a council's work a committee or a passage is about (words in remits.toml).

A committee's remit comes from its name ("Children's Services Scrutiny Panel"); a
passage's from the remit whose words it uses most. A passage using none (a KPI card titled
"Percentage of case holding posts filled by permanent qualified social workers") belongs to
the part of the paper it sits in: papers keep each service's narrative and indicators
together, so the passages just before it say which part that is.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Sequence

from assistant.errors import AssistantError

CONTEXT = 6  # passages back that say which part of a paper an undecided passage sits in


@dataclass(frozen=True)
class Remit:
    key: str
    name: str
    aliases: tuple[str, ...]
    committee: re.Pattern
    terms: re.Pattern

    def used_in(self, text: str) -> int:
        """How many different words of this remit the text uses."""
        return len({m.group(0).lower() for m in self.terms.finditer(text)})


def _pattern(words: list[str]) -> re.Pattern:
    parts = [re.escape(w[:-1]) + r"[\w'’-]*" if w.endswith("*") else re.escape(w) for w in words]
    return re.compile(r"(?<![\w-])(?:" + "|".join(sorted(parts, key=len, reverse=True)) + r")(?![\w-])", re.I)


@lru_cache(maxsize=1)
def remits() -> tuple[Remit, ...]:
    data = tomllib.loads(resources.files("assistant.language").joinpath("remits.toml").read_text("utf-8"))
    return tuple(
        Remit(key, entry["name"], tuple(entry.get("aliases", ())), _pattern(entry["committee"]), _pattern(entry["terms"]))
        for key, entry in data.items()
    )


def remit_named(name: str | None) -> Remit | None:
    """The remit a setting names ("children's services", "children"); None for '' (every service)."""
    wanted = " ".join((name or "").lower().replace("’", "'").split())
    if not wanted:
        return None
    for remit in remits():
        if wanted in (remit.key, remit.name, *remit.aliases):
            return remit
    known = ", ".join(r.name for r in remits())
    raise AssistantError(f"ASSISTANT_REMIT: no remit is called {name!r}; known remits: {known} ('' for every service)")


def committee_remit(committee: str | None) -> Remit | None:
    """The remit a committee's name gives it; None for whole-council bodies (Cabinet, Full
    Council, a general scrutiny committee) and names that say nothing."""
    if not committee:
        return None
    # the longest name wins: a 'Corporate Parenting Panel' is about children, not corporate services
    return _clear_winner([max((len(m.group(0)) for m in r.committee.finditer(committee)), default=0) for r in remits()])


def remit_of(text: str) -> Remit | None:
    """The remit whose words the text uses most; None when it uses none or two tie."""
    return _clear_winner([r.used_in(text) for r in remits()])


def _clear_winner(scores: list[int]) -> Remit | None:
    """The remit scoring highest (scores in `remits()` order), if it scores and none ties it."""
    best = max(scores, default=0)
    return remits()[scores.index(best)] if best and scores.count(best) == 1 else None


def remits_in_place(texts: Sequence[str]) -> list[Remit | None]:
    """Each text's remit, in reading order: its own words, else the part of the paper it
    sits in (the remit most of the last few decided texts had)."""
    found: list[Remit | None] = []
    recent: list[Remit] = []
    for text in texts:
        own = remit_of(text)
        if own:
            recent = (recent + [own])[-CONTEXT:]
            found.append(own)
            continue
        # the most common of the recent remits; of equally common ones, the latest
        found.append(max(reversed(recent), key=recent.count) if recent else None)
    return found
