"""What was promised at the last meeting, and whether the new papers say it happened.

Minutes record undertakings in a few recurring forms: 'The Chair agreed to write to …',
'Ms Coombs offered to provide Members with …', '… would be circulated / brought back to a
future meeting', 'Members requested that … be sent to …', 'ACTION: …'. Each is kept with
who, what and by when, cited to its minute. For the next meeting of the same committee
the new papers are read for it: a passage that names what was promised is shown as where
they mention it ('mentioned': the member checks whether it was done), else 'not reported'.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Literal, Mapping

from assistant.language.scoring import weighted_coverage
from assistant.language.sentences import split_sentences
from assistant.language.vocabulary import content_terms
from assistant.suggest.questions import citations_for
from assistant.types import Citation, Passage, SourceDocument

Status = Literal["mentioned", "not reported"]

_DO = (r"write|circulate|provide|share|send|follow up|come back|report back|report|bring|update|look into|raise|"
       r"arrange|investigate|confirm|publish|produce|review|check|respond|present|consider|explore|contact|invite|return")
# what someone 'would' or 'will' do that is a commitment to the committee, not a forecast
_REPORT_BACK = (r"report back|come back|return to|circulate|provide|share|send|update|follow up|write to|"
                r"bring (?:back|a report|an update|it back|forward (?:a|an|the) (?:report|update))")
_DONE = (r"circulated|provided|shared|sent|brought back|bought back|brought to|reported|reported back|presented|produced|"
         r"published|considered|reviewed|incorporated|arranged|followed up|looked at|looked into|updated|added|included|"
         r"improved on|investigated|scheduled|explored|confirmed|made available|distributed|forwarded|picked up|"
         r"taken forward")
# Someone named takes it on ('agreed to', 'offered to', 'undertook to', 'would report back')
_UNDERTAKES = re.compile(rf"\b(?:agreed|offered|undertook|promised|committed|(?:was|were) asked|intention|intends) "
                         rf"to (?:{_DO})\b", re.I)
_WILL_DO = re.compile(rf"\b(?:will|would) (?:{_REPORT_BACK})\b", re.I)  # counts only with someone named doing it
# Something is to be done, by whom unsaid ('a leaflet … would be produced')
_TO_BE_DONE = re.compile(rf"\b(?:would|will) be (?:{_DONE})\b", re.I)
_WISH = re.compile(r"\b(?:hoped|wished|suggested|wondered|queried|questioned)\b", re.I)  # members' hopes are not promises
# Asked of officers by members ('Members requested that the invitations … be sent')
_REQUESTED = re.compile(rf"\b(?:requested|asked) that\b[^.]*?\bbe (?:{_DONE})\b", re.I)
_ACTION = re.compile(r"^\s*action(?:s| point)?\s*[:\-–]\s*", re.I)
# The standard resolutions every minute has: not undertakings
_ROUTINE = re.compile(r"\bbe received\b|\bbe noted\b|\bcorrect record\b|\bcomments forwarded to officers in the form of minutes\b",
                      re.I)
_WHO = re.compile(
    r"\b(?:(?:Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor)\.? [A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?"
    r"|[Tt]he (?:Chair(?:man)?|Vice[- ]Chair(?:man)?|(?:Executive |Corporate |Interim |Assistant )*Director(?: of [A-Z][\w’' ]+?)?|"
    r"Cabinet Member|Head of [A-Z][\w ]+?|Senior [A-Z][\w ]+? Officer)"
    r"|[A-Z][a-z]+ [A-Z][a-z'’-]+(?=\s*$|,? who\b| (?:agreed|offered|undertook|promised|said|shared|confirmed|stated|mentioned|added))"
    r"|[Oo]fficers|Members)\b"
)
_BY_WHEN = re.compile(
    r"\b(?:by|before|in|at|to) (?:the |a )?(?:next|future|following|later) (?:meeting|date|panel|committee)(?: of the \w+)?\b"
    r"|\bby (?:the end of )?(?:\d{1,2} )?(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)(?: \d{4})?\b|\bin (?:the )?future\b|\bthis year\b|\bin (?:20\d\d|the new year|the spring|the summer|the autumn)\b"
    r"|\bfollowing the 20\d\d elections\b|\boutside (?:of )?the meeting\b|\bwhen the results become available\b"
    r"|\bwithin (?:\w+ )?(?:weeks?|months?)\b|\bwith the minutes\b",
    re.I,
)
_LIST_MARK = re.compile(r"^(?:[-•]\s*|[a-z0-9]{1,3}[.)]\s+)+")


@dataclass(frozen=True)
class Promise:
    who: str | None  # as the minute names them; None when it does not say
    what: str  # the minute's own sentence
    by_when: str | None
    citation: Citation  # the minute it was recorded in
    status: Status = "not reported"
    evidence: Citation | None = None  # where the new papers mention it
    task: str = ""  # the part of it that says what is to be done: what the new papers are read for

    def to_json(self) -> dict:
        return {
            "who": self.who,
            "what": self.what,
            "by_when": self.by_when,
            "status": self.status,
            "citations": [self.citation.to_json()],
            "evidence": self.evidence.to_json() if self.evidence else None,
        }


def promises_in(minutes: SourceDocument, passages: list[Passage]) -> list[Promise]:
    """Every undertaking the minutes record, in the order they were made."""
    found: dict[str, Promise] = {}
    for passage in passages:
        if passage.kind == "table_row":
            continue
        for sentence in split_sentences(passage.text.replace("\n", " ")):
            sentence = _LIST_MARK.sub("", sentence.strip())
            act, who = _undertaking(sentence)
            if act is None or _ROUTINE.search(sentence) or len(sentence.split()) < 6 or sentence in found:
                continue
            by_when = _BY_WHEN.search(sentence)
            citation = citations_for([passage], {minutes.doc_id: minutes})[0]
            task = sentence[act.start():] if who else sentence
            found[sentence] = Promise(who, sentence, by_when.group(0) if by_when else None, citation, task=task)
    return list(found.values())


def _undertaking(sentence: str) -> tuple[re.Match | None, str | None]:
    """(where the sentence commits someone to something, who), or (None, None)."""
    if _ACTION.match(sentence):
        return _ACTION.match(sentence), None
    for pattern in (_UNDERTAKES, _WILL_DO, _REQUESTED, _TO_BE_DONE):
        act = pattern.search(sentence)
        if act is None or _WISH.search(sentence[: act.start()]):
            continue
        who = _who(sentence[: act.start()]) if pattern in (_UNDERTAKES, _WILL_DO) else None
        if pattern is _WILL_DO and who is None:
            continue  # 'This would provide an up-to-date framework' is a forecast, not a promise
        return act, who
    return None, None


def _who(before: str) -> str | None:
    names = _WHO.findall(before)
    return names[-1] if names else None


# Words every undertaking uses, which say nothing about what it is about
_PROMISE_WORDS = set(content_terms(
    "agreed offered undertook promised committed asked requested would will write circulate provide share send follow "
    "come back report bring update look raise arrange confirm publish produce review present consider members member "
    "panel committee meeting future chair officers copy details further information outside minutes"))


ENOUGH = 0.4  # of what was promised (rare words weighing more) a passage must name to mention it
SHARED = 3  # and at least this many of its words: 'group leaders … remind … Corporate Parent'


def followed_up(promises: list[Promise], later: Iterable[Passage], documents: Mapping[str, SourceDocument],
                idf: Mapping[str, float]) -> list[Promise]:
    """Each promise with where the later papers mention it, if they do: the passage that
    covers most of what was to be done, when it covers ENOUGH of it in SHARED words."""
    later = [p for p in later if p.kind != "table_row"]
    terms = {p.passage_id: set(content_terms(p.text)) for p in later}
    checked = []
    for promise in promises:
        about = [t for t in content_terms(promise.task or promise.what) if t not in _PROMISE_WORDS and not t[0].isdigit()]
        best = max(later, key=lambda p: weighted_coverage(about, terms[p.passage_id], idf), default=None)
        covered = weighted_coverage(about, terms[best.passage_id], idf) if best else 0.0
        shared = len(set(about) & terms[best.passage_id]) if best else 0
        if best is not None and covered >= ENOUGH and shared >= SHARED:
            evidence = citations_for([best], documents)[0]
            checked.append(_with(promise, "mentioned", evidence))
        else:
            checked.append(promise)
    return checked


def _with(promise: Promise, status: Status, evidence: Citation | None) -> Promise:
    return Promise(promise.who, promise.what, promise.by_when, promise.citation, status, evidence, promise.task)


def same_committee(a: str | None, b: str | None) -> bool:
    """'Children and Young People's Services Policy and Scrutiny Panel' and 'Children &
    Young People Policy & Scrutiny Panel' are one committee."""
    if not a or not b:
        return False
    ours, theirs = _name_words(a), _name_words(b)
    return len(ours & theirs) / len(ours | theirs) >= 0.6


def _name_words(name: str) -> set[str]:
    words = re.findall(r"[a-z]+", name.lower().replace("&", " and ").replace("’", "'"))
    return {w for w in words if w not in {"and", "the", "of", "s", "services"}}


def last_minutes(meeting: list[SourceDocument], library: list[SourceDocument]) -> SourceDocument | None:
    """The minutes of the same committee's meeting before this one (the meeting's own
    papers, or the library's), if any: what was promised there is followed up now."""
    dates = [d.meeting_date for d in meeting if d.meeting_date and d.kind != "minutes"] or \
        [d.meeting_date for d in meeting if d.meeting_date]
    committees = [d.committee for d in meeting if d.committee]
    councils = {d.council for d in meeting if d.council}
    if not dates or not committees:
        return None
    day = max(dates)
    earlier = [d for d in library
               if d.kind == "minutes" and d.meeting_date and d.meeting_date < day and d.council in councils
               and any(same_committee(d.committee, c) for c in committees)]
    return max(earlier, key=lambda d: d.meeting_date, default=None)


def promised_last_time(meeting: list[SourceDocument], library: list[SourceDocument],
                       passages_of: Callable[[list[str]], list[Passage]],
                       idf: Mapping[str, float]) -> tuple[SourceDocument | None, list[Promise]]:
    """(the minutes of the committee's last meeting, what they record as promised, each
    looked for in this meeting's papers)."""
    minutes = last_minutes(meeting, library)
    if minutes is None:
        return None, []
    promised = promises_in(minutes, passages_of([minutes.doc_id]))
    new_papers = [d.doc_id for d in meeting if d.doc_id != minutes.doc_id]
    documents = {d.doc_id: d for d in library}
    return minutes, followed_up(promised, passages_of(new_papers), documents, idf)
