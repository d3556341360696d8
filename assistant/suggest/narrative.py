"""The report's own words that deserve a question: warnings, caveats on the data, what
children said, pressures on the budget; and the clause of a sentence a question quotes.

Plain text in, matches and clauses out: signals.py turns them into signals.
"""

from __future__ import annotations

import re

# 'an overspend of £6.975m', 'A financial pressure of £7.2M', '£1.2m overspend': the amount
# the pressure word names, never another sum in the same sentence (the out-turn beside it)
_PRESSURE = r"(?P<word>overspend|pressure|shortfall|deficit)s?"
_MONEY = r"£\d[\d.,]*\s?[mMkK]?\b"
_MONEY_PRESSURE = (
    re.compile(rf"{_PRESSURE}[^.£]{{0,60}}?\bof (?P<amount>{_MONEY})", re.I),
    re.compile(rf"(?P<amount>{_MONEY}) (?:\w+ ){{0,2}}?{_PRESSURE}", re.I),
)
WARNING = re.compile(
    r"\b(delay(?:ed|s)?|remains? (?:below|a challenge)|not yet|vacanc(?:y|ies)|(?<!multi-)agency (?:staff|workers?|costs?|numbers)|shortage|waiting list|"
    r"backlog|sickness|difficult(?:y|ies)|struggl\w+|impediment|significant (?:risk|pressure|challenge)|"
    r"too few|insufficient|deficits?|slower than (?:expected|planned)|behind schedule|unfilled|intermittent|"
    r"too variable|(?:need|needs) to (?:strengthen|improve)|not (?:yet )?(?:embedded|consistent))\b",
    re.I,
)
# A paper's own caveat on its figures ('these figures are not reflective of ...', 'data
# quality', 'cannot yet be reflected on Mosaic'): members ask how far they can rely on them.
DATA_CAVEAT = re.compile(
    r"\bdata quality\b|\b(?:figures|data|numbers?) (?:are|is|do|does) not (?:yet )?(?:reflect|accurate|reliable|complete)|"
    r"\bnot (?:yet )?reflect(?:ed|ive|ing)?\b|\bcannot (?:yet )?be (?:reflected|reported|recorded)|"
    r"\b(?:recording|reporting) (?:issues|problems|errors|delays)\b|\baccuracy of (?:the |our )?(?:data|recording)",
    re.I,
)


# What children, young people, care leavers or families said, and the ways papers report
# it (surveys, participation, complaints): Ofsted's "how do you know?" starts here.
_WHO = (r"(?:children|young people|young adults|care leavers|care[- ]experienced (?:young )?(?:people|adults)|"
        r"pupils|parents|carers|families)")
# In order of how directly they report it: what they said; a survey, council or app of
# theirs named beside them; 'the voice of the child' as a practice.
VOICE = (
    re.compile(rf"\b{_WHO}(?:\s+[\w'’,-]+){{0,5}}?\s+(?:said|say|says|told us|tell us|reported that|described|"
               rf"shared (?:their|how)|responded to|asked for|fed back)\b|"
               rf"\b(?:feedback|views|voices?|wishes and feelings) (?:from|of) {_WHO}\b", re.I),
    re.compile(r"\b(?:surveys?|bright spots|mind of my own|children in care council|youth council|"
               r"takeover day|challenge cards?|complaints?|consultation)\b", re.I),  # named beside them: see _heard
    re.compile(r"\bvoice of the child\b|\bchild(?:ren)?(?:'s|’s) voices?\b", re.I),
)


def heard(sentence: str) -> bool:
    """A survey or an app is children's voice only where children (or families) are in it:
    not a staff survey, not social workers' phones that cannot run the app."""
    return bool(re.search(rf"\b{_WHO}\b", sentence, re.I))


_ANAPHORIC = re.compile(r"^(?:… )?(?:this|these|it|they|both|which|those)\b", re.I)


def says_something(clause: str) -> bool:
    """A clause a member can read on its own: six words or more, not 'Both remain below
    the expected range' (both what?) nor a list of indicator names."""
    return len(clause.split()) >= 6 and not _ANAPHORIC.match(clause) and bool(re.search(r"\b[a-z]{2,}\b", clause))


# 'forecast against the LAC placement budget', 'an overspend on Children's Support and Safeguarding services'
BUDGET_NAMED = re.compile(r"\b(?:against|on|in|within) the (?P<what>[\w'’ -]{3,50}?) (?:budget|services)\b", re.I)


def quoted_clause(sentence: str, point: re.Pattern | None = None, most: int = 14) -> str:
    """The clause of a sentence that carries its point (where a warning, a caveat or what
    children said sits), verbatim; cut to `most` words around that point, with '…' where cut."""
    found = next(filter(None, (p.search(sentence) for p in ((point,) if point else (WARNING, DATA_CAVEAT, *VOICE)))), None)
    clauses = [c for c in re.split(r"(?<=[,;:])\s+|\s+[–—]\s+|\s+-\s+", sentence.rstrip(". ")) if c.strip()]
    at = next((c for c in clauses if found and found.group(0) in c), clauses[0] if clauses else sentence)
    words = at.rstrip(",;:. ").split()  # the quote sits inside a question: no full stop of its own
    if len(words) <= most:
        return " ".join(words)
    point = len(at[: at.find(found.group(0))].split()) if found and found.group(0) in at else 0
    begin = max(0, min(point - 4, len(words) - most))
    cut = words[begin: begin + most]
    return ("… " if begin else "") + " ".join(cut) + (" …" if begin + most < len(words) else "")


def money_pressure(sentence: str) -> tuple[str, str] | None:
    """('overspend', '£6.975m') for the first sum a sentence calls a pressure."""
    for pattern in _MONEY_PRESSURE:
        found = pattern.search(sentence)
        if found:
            return found.group("word").lower(), found.group("amount").strip()
    return None
