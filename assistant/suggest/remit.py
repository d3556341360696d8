"""Keep a whole-council paper's questions to the committee's remit.

A quarterly performance report for the whole council holds highways, adult social care
and data-protection indicators beside the children's ones; a children's committee member
wants the children's. A paper whose own committee names a remit (a children's panel's
report, a transport committee's) is that committee's business throughout and is not cut.
"""

from __future__ import annotations

from assistant.language.remits import Remit, committee_remit, remit_of, remits_in_place
from assistant.suggest.signals import Signal
from assistant.types import Passage, SourceDocument


def within_remit(signals: list[Signal], document: SourceDocument, passages: list[Passage],
                 remit: Remit | None) -> tuple[list[Signal], int]:
    """(the signals within the remit, how many were left out). Only a paper that covers
    the whole council is cut: not a committee's own paper, and not one whose points are
    mostly the remit's (a children's report mentioning adult mental health services)."""
    if remit is None or committee_remit(document.committee) is not None:
        return signals, 0
    place = dict(zip((p.passage_id for p in passages), remits_in_place([_words(p) for p in passages])))

    def remit_of_signal(signal: Signal) -> Remit | None:
        own = remit_of(" ".join(filter(None, [signal.subject, signal.area, signal.statement])))
        return own or place.get(signal.passages[0].passage_id)

    remits = [remit_of_signal(s) for s in signals]
    inside = [s for s, r in zip(signals, remits) if r == remit]
    others = [r.key for r in remits if r is not None and r != remit]
    if not inside or not _whole_council(others, len(signals)):
        return signals, 0
    return inside, len(signals) - len(inside)


def _whole_council(other_remits: list[str], signals: int) -> bool:
    """At least a third of the paper's points are about other services, and about more than one."""
    return len(other_remits) * 3 >= signals and len(set(other_remits)) >= 2


def _words(passage: Passage) -> str:
    return " ".join(filter(None, [passage.heading, passage.caption, passage.text]))
