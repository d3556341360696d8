"""The grounding verifier: is each sentence of a written answer backed by the passages it
cites?

A sentence passes when
  - it cites at least one passage, and every passage it cites exists;
  - every figure in it (numbers, percentages, money, dates) is stated by a cited passage,
    compared as values ('£7.2m' == '£7,200,000', '45%' == '45 per cent');
  - every phrase it puts in quotation marks is in a cited passage word for word.
A sentence that fails any of these is removed. One that cites nothing but states no
figure either ('This suggests the service is under pressure.') is kept and flagged, so
the member can see it is the model's own reading.

This module judges text against passages; it never calls a model.
"""

from __future__ import annotations

import re

from assistant.language.figures import cited_numbers, figure_in, figures, strip_markers
from assistant.language.instructions import withhold_instructions
from assistant.language.sentences import normalise
from assistant.types import Hit, SentenceCheck

# A sentence ends at . ! ? (its [n] markers may follow) or a line break; '3.11',
# '£7.2m' and 'e.g.' followed by a lower-case word do not end one.
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[^\s\[a-z])|(?<=\])\s+(?=[A-Z“\"'(])|\s*\n+\s*")
_QUOTED = re.compile(r"[“\"]([^”\"]{2,}?)[”\"]")
_LIST_MARK = re.compile(r"^(?:[-*•]|\d+[.)])\s+")


def evidence(hit: Hit) -> str:
    """What a citation of this passage vouches for: its words, and the labels a member
    sees beside it (report title, heading, table caption, section, meeting date). Text
    that reads as an instruction to an assistant vouches for nothing."""
    p, d = hit.passage, hit.document
    words = withhold_instructions(p.text)
    return "\n".join(filter(None, [words, p.heading, p.caption, p.section, d.title, d.meeting_date]))


def split_claims(text: str) -> tuple[list[str], str]:
    """(complete sentences, unfinished rest): what can be checked now, and what must wait
    for more of the reply."""
    pieces = _BOUNDARY.split(text)
    done = [_LIST_MARK.sub("", p.strip()) for p in pieces[:-1] if p.strip()]
    return done, pieces[-1]


def without_citations(sentence: str) -> str:
    return strip_markers(sentence).replace(" .", ".").strip()


def check_sentence(sentence: str, passages: dict[int, str]) -> SentenceCheck:
    """`passages`: the evidence text of each numbered passage the model was given."""
    cited = cited_numbers(sentence)
    claim = without_citations(sentence)

    def verdict(status, reason=None, problem=None) -> SentenceCheck:
        return SentenceCheck(sentence, cited, status, reason, problem)

    missing = [n for n in cited if n not in passages]
    if missing:
        return verdict("removed", f"cites passage {', '.join(f'[{n}]' for n in missing)}, which was not given",
                       "it cites a passage the model was not given")
    stated = figures(claim)
    if not cited:
        if stated:
            return verdict("removed", f"states {stated[0].text} without citing a passage", "it states a figure without a source")
        return verdict("flagged", "cites no passage", "cites no passage")
    backing = "\n".join(passages[n] for n in cited)
    unbacked = [f.text for f in stated if not figure_in(f, backing)]
    if unbacked:
        return verdict("removed", f"{', '.join(unbacked)} is not in the cited passage(s)",
                       "it states a figure that the passage it cites does not")
    misquoted = [q for q in _QUOTED.findall(claim) if not _quoted_from(q, normalise(backing))]
    if misquoted:
        return verdict("removed", f"the quotation \u201c{misquoted[0]}\u201d is not in the cited passage(s)",
                       "it quotes words the passage it cites does not contain")
    return verdict("supported")


def _quoted_from(quotation: str, backing: str) -> bool:
    """Word for word, where an ellipsis ('…', '...') marks words left out."""
    fragments = [normalise(f) for f in re.split(r"…|\.\.\.", quotation)]
    return all(f in backing for f in fragments if f.strip(" .,;:"))


def as_shown(checks: list[SentenceCheck]) -> str:
    """The answer a member sees: supported sentences as written, flagged ones marked,
    removed ones left out."""
    shown = []
    for c in checks:
        if c.status == "supported":
            shown.append(c.text)
        elif c.status == "flagged":
            shown.append(f"{c.text} (unchecked: {c.problem})")
    return " ".join(shown)


def removal_notice(checks: list[SentenceCheck]) -> str | None:
    removed = [c for c in checks if c.status == "removed"]
    if not removed:
        return None
    if len(removed) == 1:
        return f"1 sentence was left out because the papers cited do not back it: {removed[0].problem}."
    return f"{len(removed)} sentences were left out because the papers cited do not back them (e.g. {removed[0].problem})."
