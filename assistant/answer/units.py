"""The quotable pieces of a passage: sentences (and pairs of them), list items read with
their lead-in, or a whole table row read with its label and caption."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.language.sentences import split_sentences
from assistant.types import Hit, Passage


@dataclass(frozen=True)
class Unit:
    """A quotable piece of a passage and what it must be read with to make sense."""

    text: str
    context: str  # lead-in, heading, caption, row label: scored with, not quoted
    own_scope: str  # what counts as the unit's 'own' words when scoring


def units(hit: Hit) -> list[Unit]:
    """Sentences (and pairs of sentences), list items (read with their lead-in), or the
    whole table row (read with its label and caption: a row's figures mean nothing alone)."""
    return _units(hit.passage, hit.document.title)


def quotable(passage: Passage) -> list[str]:
    """What an answer may quote from a passage: the texts whose meaning is compared with a
    question's, so an ingest can embed them once rather than each question doing it."""
    return list(dict.fromkeys(unit.text for unit in _units(passage, None)))


def _units(passage: Passage, title: str | None) -> list[Unit]:
    frame = " ".join(filter(None, [title, passage.heading, passage.caption]))
    if passage.kind == "table_row":
        label = passage.text.split(" — ")[0]
        return [Unit(passage.text, frame, f"{label} {frame}")]
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
    found += [Unit(item, f"{frame} {lead}", f"{lead} {item}") for item in items]
    return found
