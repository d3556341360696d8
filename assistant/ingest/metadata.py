"""Who wrote a paper, for which meeting, about what: read from the text, never hard-coded.

Anything the text does not state stays None. A paper inside a document pack inherits the
pack's council, committee and meeting date when it does not state its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import takewhile

from assistant.ingest.structure import Line
from assistant.language.councils import councils_named, detect_council
from assistant.language.periods import parse_date
from assistant.language.sentences import clean

COMMITTEE = re.compile(
    r"((?:[A-Z][\w'’&,-]*\s+|and\s+|of\s+|&\s+)*?(?:[A-Z][\w'’&-]*\s+)"
    r"(?:(?:Select|Scrutiny|Overview|Policy)\s+)*(?:Committee|Panel|Sub-Committee))\b"
)
# 'TITLE: ...', and a record of decision's 'Subject Matter / Title of Decision ...'
LABELLED_TITLE = re.compile(r"^(?:(?:SUBJECT(?: OF REPORT)?|TITLE|REPORT TITLE)\s*:|"
                            r"(?:subject matter\s*/\s*)?title of (?:the )?decision\s*:?)\s*(.+)$", re.I)
# A header box whose label 'REPORT TITLE:' wraps over two lines beside a value of two lines
# reads row by row: 'REPORT MAYORAL ... BUDGET TITLE: OUTTURN 2025/26 RESPONSIBLE ... OFFICER:'
SPLIT_TITLE = re.compile(r"\bREPORT\s+([^:]+?)\s+TITLE\s*:\s*(.*)$")
# where the next label of such a box begins
BOX_LABEL_START = re.compile(
    r"(?:^|\s+)\b(?:RESPONSIBLE|REPORT AUTHOR|AUTHOR|LEAD OFFICER|WARDS?|KEY DECISION|PURPOSE|"
    r"CLASSIFICATION|DECISION)\b.*$", re.I)
# A form's field label on a line of its own, its value on the lines below ('EQIA Title' /
# 'Proposed transfer of ...'): an assessment form's own name ('EQIA Submission Form') says
# what kind of paper it is, its title field what it is about
# (a contact box's 'Job title' is the officer's, not the paper's)
FIELD_TITLE = re.compile(r"^(?!(?:job|post|role)\b)(?:[A-Z][\w-]*\s+){0,2}title(?: of (?:the )?(?:report|decision|proposal|activity))?$", re.I)
# 'Appendix 1 - Key Service Statement' opening a paper: the paper is that appendix
APPENDIX_TITLE = re.compile(r"^Appendix\s+[\w.]{1,4}\s*[-–—:]\s*\S", re.I)
LABELLED_AUTHOR = re.compile(
    r"(?:^|\s)(?:REPORT FROM|REPORT AUTHOR|AUTHOR|OFFICER/MEMBER PRESENTING|OFFICER PRESENTING|"
    r"LEAD OFFICER|PRESENTED BY)\s*:\s*(.+)$",
    re.I,
)
REPORT_BY = re.compile(r"^Report (?:of|by) (?:the )?(.+?)(?:,? to the .*)?$", re.I)
KIND_WORDS = re.compile(r"\b(work (?:programme|plan))\b", re.I)


@dataclass(frozen=True)
class Metadata:
    title: str | None = None
    council: str | None = None
    committee: str | None = None
    meeting_date: str | None = None
    author: str | None = None
    kind: str = "report"

    def inherit(self, pack: "Metadata") -> "Metadata":
        """A paper's metadata filled in from its pack's front. An agenda or covering letter
        names the one meeting every paper in the pack goes to: its meeting wins over the
        committees a report says it passed through on the way. Minutes in a pack keep the
        earlier meeting they record."""
        front_names_meeting = pack.kind == "agenda" and pack.committee and pack.meeting_date
        meeting = pack if front_names_meeting and self.kind != "minutes" else self
        return Metadata(
            title=self.title,
            council=self.council or pack.council,
            committee=meeting.committee or pack.committee,
            meeting_date=meeting.meeting_date or pack.meeting_date,
            author=self.author,
            kind=self.kind,
        )


def extract(lines: list[Line]) -> Metadata:
    texts = [t for line in lines for t in _labelled(clean(line.text)) if t and "\t" not in t]
    head = texts[:40]
    kind = detect_kind(head)
    committee = detect_committee(head)
    return Metadata(
        title=detect_title(head, kind),
        # a committee named for its authority is that authority's ('West of England Combined
        # Authority Committee'), however often its papers name the city its schemes are in
        council=next(iter(councils_named(committee or "")), None) or detect_council(" \n".join(texts)),
        committee=committee,
        meeting_date=detect_meeting_date(head),
        author=detect_author(texts),
        kind=kind,
    )


# The labels of a report's header box ('From:', 'To:', 'Subject:' ...)
_BOX_LABEL = re.compile(r"\s+(?=(?:From|To|Subject|Classification|Date|Decision no|Key Decision)\s*:)")


def _labelled(text: str) -> list[str]:
    """A header box's rows as labelled lines: 'To:<tab>Cabinet - 30 January 2025' (a row of
    two cells) becomes 'To: Cabinet - 30 January 2025'; fields run together on one line
    ('From: ... To: ... Subject: ...') become a line each."""
    cells = [c.strip() for c in text.split("\t") if c.strip()]
    if len(cells) == 2 and cells[0].endswith(":") and len(cells[0]) <= 40:
        return [f"{cells[0]} {cells[1]}"]
    if re.match(r"^(?:From|To)\s*:", text):
        return _BOX_LABEL.split(text)
    return [text]


# 'MINUTES of a meeting of the Cabinet held ...', 'Bristol City Council Minutes of the ... Committee'
MINUTES_OPENING = re.compile(r"\bminutes of (?:a|the) (?:meeting\b|[\w ,'’&-]*?\b(?:committee|panel|cabinet|council|board)\b)", re.I)
# 'Minutes of the meeting held on 30 July 2024': an item approving earlier minutes, not this meeting
EARLIER_MINUTES = re.compile(r"^minutes of the (?:previous |last )?meeting (?:held )?on\b", re.I)
# 'To: Cabinet - 30 January 2025', 'To Cabinet – 30 January 2025': the meeting a report goes to
REPORT_TO = re.compile(r"^to\s*:?\s+\S", re.I)
REPORT_TO_WORDS = 10  # longer, it is a sentence ('To address this, ...')
BODY_MET = re.compile(r"^to\s*:?\s+(?P<body>[A-Z][\w &'’,]*?)\s*[-–—,]\s*\d", re.I)
# 'MINUTES of a meeting of the Cabinet held in the Council Chamber ...'
BODY_MINUTED = re.compile(r"\bminutes of (?:a|the) meeting of (?:the )?(?P<body>[A-Z][\w &'’,-]*?)\s+held\b", re.I)
# Members' questions to cabinet members, each with its answer: 'Question by Jo Bloggs to Sam Smith, Cabinet Member for ...'
QUESTION_PUT = re.compile(r"^question by \S.*\bto \S", re.I)
# A meeting's name in a running header over its date ('COUNTY COUNCIL' / 'Thursday 13 March 2025')
BODY_LINE = re.compile(r"^(?:[A-Z][\w'’&-]*\s+){0,4}(?:Council|Cabinet|Committee|Panel|Board)$")
# A header box field naming the meeting ('COMMITTEE: Transport and Connectivity Committee',
# 'REPORT TO: ... COMMITTEE'): the box's 'DATE:' is then the meeting's, not a letter's
MEETING_FIELD = re.compile(r"^(?:committee|meeting|report to|decision maker)\s*:", re.I)
DATE_FIELD = re.compile(r"^date\s*:", re.I)
# Meetings are announced with their weekday: 'CABINET - THURSDAY, 30 JANUARY 2025' (a
# covering letter's heading), 'Thursday 13 March 2025'; the body named before it is the meeting's
WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
MEETING_DAY = re.compile(rf"^(?:(?P<body>[A-Za-z][\w &'’]*?)\s*[-–—,:]\s*)?{WEEKDAY},?\s+\d{{1,2}}", re.I)


# 'Agenda', or a covering letter's list of the agenda items it encloses ('Agenda Item No');
# a report stamped 'Agenda Item 9' is a report
AGENDA_LINE = re.compile(r"agenda|agenda item no\.?(?:\s.*)?")


def detect_kind(head: list[str]) -> str:
    first = [t.lower() for t in head[:6]]
    if first and first[0] == "minutes" and any(t.startswith("of the meeting") for t in first[1:3]):
        return "minutes"
    if any(MINUTES_OPENING.search(t) and not EARLIER_MINUTES.match(t) for t in head[:3]):
        return "minutes"
    if any(t == "public document pack" for t in first) or any(AGENDA_LINE.fullmatch(t.lower()) for t in head[:60]):
        return "agenda"
    if any(KIND_WORDS.search(t) for t in head[:3]):
        return "work programme"
    return "report"


def detect_title(head: list[str], kind: str) -> str | None:
    for text in head:
        m = LABELLED_TITLE.match(text)
        if m:
            return _tidy_title(m.group(1))
        m = SPLIT_TITLE.search(text)
        if m:
            return _tidy_title(f"{m.group(1)} {BOX_LABEL_START.sub('', m.group(2))}")
    field_value = _field_value(head, FIELD_TITLE)
    if field_value:
        return _tidy_title(field_value)
    if head and APPENDIX_TITLE.match(head[0]):
        return _tidy_title(head[0])
    if kind == "minutes":
        found = next((parse_date(t) for t in head[:8] if parse_date(t)), None)
        return f"Minutes of the meeting of {_long_date(found)}" if found else "Minutes"
    if kind == "agenda" or any(QUESTION_PUT.match(t) for t in head[:12]):
        name = "Agenda" if kind == "agenda" else "Questions and answers"
        committee = detect_committee(head)
        return f"{name}: {committee}" if committee else name
    for text in head[:12]:
        if _title_candidate(text):
            return _tidy_title(text)
    return None


def _field_value(head: list[str], label: re.Pattern) -> str | None:
    """The value below a field label standing alone on its line, with the lines it wraps
    onto (they go on in lower case: '... to ASCH' / 'from CYPE')."""
    for i, text in enumerate(head[:-1]):
        if label.match(text) and not label.match(head[i + 1]):
            value = [head[i + 1]]
            value += takewhile(lambda t: t[:1].islower(), head[i + 2 : i + 4])
            return " ".join(value)
    return None


def _title_candidate(text: str) -> bool:
    if len(text) > 120 or len(text.split()) < 2 or text.endswith((".", ",", ";")):
        return False
    lowered = text.lower()
    if lowered.startswith(("report of", "report by", "item ", "summary", "page ")):
        return False
    if parse_date(text) and len(text.split()) <= 4:
        return False
    if re.fullmatch(r"[\d.\s]+.*", text) and re.match(r"^\d", text):
        return False
    if COMMITTEE.fullmatch(text.strip()):
        return False
    return bool(re.search(r"report|update|plan|programme|monitor|review|strategy|performance|"
                          r"budget|mtfp|improvement|recruitment|assessment|\bform\b", lowered))


def _tidy_title(text: str) -> str:
    text = text.strip().strip("*#").strip()
    if text.isupper():
        small = {"and", "of", "the", "to", "in", "for", "on"}
        words = text.lower().split()
        text = " ".join(
            w if (i and w in small) else (w.upper() if _acronym(w) else w.capitalize())
            for i, w in enumerate(words)
        )
    return text


def _acronym(word: str) -> bool:
    return bool(re.fullmatch(r"q\d|mtfp|\d{4}/\d\d|send|cyps|sen", word))


def detect_committee(head: list[str]) -> str | None:
    for text in head:
        m = re.match(r"^(?:MEETING|COMMITTEE)\s*:\s*(.+)$", text, re.I)
        if m:
            return m.group(1).strip()
    # the body a report goes to, or whose minutes these are, before any committee the front
    # merely mentions (a report's 'Past Pathway' of cabinet committees, an item's 'Scrutiny
    # Committee')
    for before, text in zip([""] + head, head):
        if body := _body_met(text):
            return body
        if MEETING_DAY.match(text) and BODY_LINE.match(_caps_titled(before)):
            return _caps_titled(before)
    for text in head:
        # a name in capitals beside a date ('CORPORATE PARENTING PANEL – 10th December 2024')
        # is read once its capitals are titled; acronyms in a mixed line ('CYPE') are kept
        m = COMMITTEE.search(_uncapitalise(text)) or COMMITTEE.search(_caps_titled(text))
        if m:
            name = re.sub(r"^(?:The|To the|to the|REPORT TO THE)\s+", "", m.group(1).strip())
            name = re.sub(r"^(?:Report|Draft Report) to the\s+", "", name, flags=re.I)
            # '... Key Decisions To Be Taken At Transport & Connectivity Policy Committee'
            return re.sub(r"^(?:.*\s)?(?:At|Before|By|To)\s+(?=[A-Z])", "", name)
    for text in head:  # 'CABINET - THURSDAY, 30 JANUARY 2025': a body that is no committee
        m = MEETING_DAY.match(_caps_titled(text))
        if m and m.group("body") and not re.match(r"^date\b", m.group("body"), re.I):
            return m.group("body").strip()
    return None


def _body_met(text: str) -> str | None:
    to = BODY_MET.match(_caps_titled(text))
    if to and parse_date(text) and len(text.split()) <= REPORT_TO_WORDS:
        return to.group("body").strip()
    minuted = BODY_MINUTED.search(text)
    return minuted.group("body").strip() if minuted else None


def _uncapitalise(text: str) -> str:
    return _tidy_title(text) if text.isupper() else text


def detect_meeting_date(head: list[str]) -> str | None:
    """The meeting's date: on the line naming the meeting, or just below it; a report's
    header box says where it goes ('To: Cabinet - 30 January 2025')."""
    box_names_meeting = any(MEETING_FIELD.match(t) for t in head[:15])
    for i, text in enumerate(map(_caps_titled, head[:15])):
        if EARLIER_MINUTES.match(text):
            continue
        dated_field = DATE_FIELD.match(text)  # a letter's 'Date: Wednesday, 14 February 2024' too
        if (MEETING_DAY.match(text) and not dated_field) or (box_names_meeting and dated_field):
            found = parse_date(text)
            if found:
                return found.isoformat()
        report_to = REPORT_TO.match(text) and len(text.split()) <= REPORT_TO_WORDS
        if re.match(r"^DATE OF MEETING", text, re.I) or report_to:
            found = parse_date(text)
            if found:
                return found.isoformat()
            continue
        if MINUTES_OPENING.search(text):
            found = next((parse_date(t) for t in head[i : i + 3] if parse_date(t)), None)
            if found:
                return found.isoformat()
        names_meeting = re.search(r"\bmeeting\b", text, re.I) and len(text.split()) <= 12
        if COMMITTEE.search(text) or names_meeting:
            for nearby in head[i : i + 3]:
                found = parse_date(nearby)
                if found and not re.match(r"^date\s*:", nearby, re.I) and not EARLIER_MINUTES.match(nearby):
                    return found.isoformat()
    return None


def _caps_titled(text: str) -> str:
    """'CORPORATE PARENTING PANEL– 29 October 2024' -> 'Corporate Parenting Panel– 29 October 2024'."""
    if text.isupper():
        return _uncapitalise(text)
    return re.sub(r"\b[A-Z][A-Z'’&-]{2,}\b", lambda m: m.group().capitalize(), text)


def detect_author(texts: list[str]) -> str | None:
    for i, text in enumerate(texts):
        m = LABELLED_AUTHOR.search(text)
        if m and m.group(1).strip(" :"):
            return _tidy_person(m.group(1))
        if re.fullmatch(r"(?:AUTHORS?|Author)\s*:?", text) and i + 1 < len(texts):
            return _tidy_person(texts[i + 1])
    for text in texts[:12]:
        m = REPORT_BY.match(text)
        if m:
            return m.group(1).strip(" .")
    return None


def _tidy_person(text: str) -> str:
    text = re.split(r"\s+(?:TOWN OR PARISH|KEY DECISION)\b", text)[0]
    text = text.strip(" .,")
    return _tidy_title(text) if text.isupper() else text


def _long_date(d: date) -> str:
    return f"{d.day} {d.strftime('%B %Y')}"
