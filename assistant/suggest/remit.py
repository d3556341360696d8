"""Keep a meeting's questions to the committee's remit.

A quarterly performance report for the whole council holds highways, adult social care
and data-protection indicators beside the children's ones; a children's committee member
wants the children's. A paper whose own committee names a remit (a children's panel's
report, a transport committee's) is that committee's business throughout and is not cut.
A meeting that takes the remit's papers beside other services' (a combined authority's
budget outturn with its transport reports) leaves the other services' papers out.
"""

from __future__ import annotations

from assistant.language.remits import Remit, committee_remit, remit_of, remits_in_place
from assistant.suggest.signals import Signal
from assistant.types import Passage, SourceDocument


def within_remit(signals: list[Signal], remits: list[Remit | None], document: SourceDocument,
                 remit: Remit | None) -> tuple[list[Signal], int]:
    """(the signals within the remit, how many were left out), given each signal's remit
    (`signal_remits`). Only a paper that covers the whole council is cut: not a committee's
    own paper, and not one whose points are mostly the remit's (a children's report
    mentioning adult mental health services)."""
    if remit is None or committee_remit(document.committee) is not None:
        return signals, 0
    inside = [s for s, r in zip(signals, remits) if r == remit]
    others = [r.key for r in remits if r is not None and r != remit]
    if not inside or not _whole_council(others, len(signals)):
        return signals, 0
    return inside, len(signals) - len(inside)


def another_services(remits: list[Remit | None], document: SourceDocument, remit: Remit | None) -> bool:
    """Whether a paper is another service's business: none of its points is the remit's and
    most are another's (a transport report on the agenda beside a children's one)."""
    if remit is None or not remits or committee_remit(document.committee) == remit:
        return False
    others = [r for r in remits if r is not None and r != remit]
    return remit not in remits and len(others) * 3 >= len(remits) * 2


def signal_remits(signals: list[Signal], passages: list[Passage]) -> list[Remit | None]:
    """Each point's remit: its own words', else that of the part of the paper it sits in."""
    place = dict(zip((p.passage_id for p in passages), remits_in_place([_words(p) for p in passages])))
    return [remit_of(" ".join(filter(None, [s.subject, s.area, s.statement]))) or place.get(s.passages[0].passage_id)
            for s in signals]


def _whole_council(other_remits: list[str], signals: int) -> bool:
    """At least a third of the paper's points are about other services, and about more than one."""
    return len(other_remits) * 3 >= signals and len(set(other_remits)) >= 2


def _words(passage: Passage) -> str:
    return " ".join(filter(None, [passage.heading, passage.caption, passage.text]))
