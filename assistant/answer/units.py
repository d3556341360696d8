"""The quotable pieces of a passage: sentences (and pairs of them), list items read with
their lead-in, or a whole table row read with its label and caption."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.language.glossary import spelled_out
from assistant.language.periods import months_named
from assistant.language.sentences import split_sentences
from assistant.types import Hit, Passage


@dataclass(frozen=True)
class Unit:
    """A quotable piece of a passage and what it must be read with to make sense."""

    text: str
    context: str  # lead-in, heading, caption, row label: scored with, not quoted
    own_scope: str  # what counts as the unit's 'own' words when scoring


# A row's cell is 'Column: value', cells apart by '; ' ('Target: 700; Floor: 650'). The
# fields of a KPI card or row name the role of a figure; a finance table's columns
# ('2024-25 Savings Target', 'Revenue Forecast') are shared by every row and decide nothing.
_COLUMN = re.compile(r"(?:^|;\s)([^:;]+):")
_KPI_FIELDS = frozenset({"latest", "target", "floor", "previous", "rag"})
# The group closing a row's name says whose the row is ('Family Hubs (Integrated Children's
# Services (Operations and County Wide))'), not what it is: the group's own row is its total.
WHOSE = re.compile(r"(?<=\S)\s+\((?:[^()]|\([^()]*\))*\)\s*$")


def units(hit: Hit) -> list[Unit]:
    """Sentences (and pairs of sentences), list items (read with their lead-in), or the
    whole table row (read with its label and caption: a row's figures mean nothing alone)."""
    committee = hit.document.committee if hit.document.kind == "minutes" else None
    found = _units(hit.passage, _paper(hit.document.title, committee))
    glossary = dict(hit.document.glossary)
    return [_with_names(unit, glossary) for unit in found] if glossary else found


def _with_names(unit: Unit, glossary: dict[str, str]) -> Unit:
    """A unit using an abbreviation its paper defined says the name too: 'The current IMS
    contract' is about the Integrated Micromobility Service in its own words."""
    names = spelled_out(glossary, unit.text)
    return replace(unit, context=f"{unit.context} {names}", own_scope=f"{unit.own_scope} {names}") if names else unit


def quotable(passage: Passage) -> list[str]:
    """What an answer may quote from a passage: the texts whose meaning is compared with a
    question's, so an ingest can embed them once rather than each question doing it."""
    return list(dict.fromkeys(unit.text for unit in _units(passage, None)))


def _paper(title: str | None, committee: str | None) -> str | None:
    """What a paper's passages are read with: its title, and the committee whose minutes
    they are where the title does not name it ('Minutes of the meeting of 12 September 2024'
    are some committee's, and their 'Ed Plowden (Chair)' answers who chairs it). A report's
    title says what it is about; its committee's name ('Children and Young People's
    Services Panel') would make every line of it seem about children's services."""
    if committee and committee.lower() not in (title or "").lower():
        return f"{title or ''} {committee}".strip()
    return title


def _units(passage: Passage, title: str | None) -> list[Unit]:
    frame = " ".join(filter(None, [title, passage.heading, passage.caption]))
    if passage.kind == "table_row":
        label, _, cells = passage.text.partition(" — ")
        # a KPI row says which of its figures is which ('Floor: 650' is the floor); a row
        # that is a period ('01 June – 30 June 23') has measures for columns ('Major concern: 7')
        by_period = bool(months_named(label))
        columns = " ".join(c for c in _COLUMN.findall(cells) if by_period or c.strip().lower() in _KPI_FIELDS)
        return [Unit(passage.text, frame, f"{WHOSE.sub('', label)} {columns} {frame}")]
    lead_lines = [l for l in passage.text.split("\n") if l.strip() and not l.startswith("- ")]
    items = [l[2:].strip() for l in passage.text.split("\n") if l.startswith("- ")]
    sentences = split_sentences(" ".join(lead_lines))
    # Commentary on a list ('These measures are indicative of ...') is about the list's
    # items, which the passage keeps as its caption: they are part of what it says.
    # A paragraph is also about its heading ('Corporate Capacity' over 4.8).
    listed = passage.caption if passage.kind == "paragraph" and passage.caption else ""
    about = f"{passage.heading or ''} {listed}"
    found = [Unit(s, frame, f"{about} {s}") for s in sentences]
    found += [Unit(f"{a} {b}", frame, f"{about} {a} {b}") for a, b in zip(sentences, sentences[1:])]
    lead = sentences[-1] if sentences else ""
    for item in items:
        found.append(Unit(item, f"{frame} {lead}", f"{lead} {item}"))
        # an item of several sentences (minutes' 'c. There were 21 activity days ... The
        # annual picnic ...') is quoted sentence by sentence too, as a paragraph is
        found += [Unit(s, f"{frame} {lead}", f"{lead} {s}") for s in _within(split_sentences(_ITEM_MARK.sub("", item)))]
    return found


# An item's own letter or number ('c. ', '(ii) ', '3) ')
_ITEM_MARK = re.compile(r"^\(?(?:[a-z]|[ivx]{1,4}|\d{1,2})[.)]\s+", re.I)


def _within(sentences: list[str]) -> list[str]:
    """An item's sentences and pairs of them, when it has more than one."""
    if len(sentences) < 2:
        return []
    return sentences + [f"{a} {b}" for a, b in zip(sentences, sentences[1:])]
