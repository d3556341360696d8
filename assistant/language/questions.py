"""What a question asks for: a figure, a cause, a person, or a rate of something."""

from __future__ import annotations

import re

from assistant.language.councils import strip_council_names
from assistant.language.vocabulary import TOKEN, said_terms, vocabulary

QUANTITY_WORDS = re.compile(
    r"\b(how many|how much|what share|what proportion|by how much|gap|what (?:is|was|were|are) the (?:number|percentage|rate|proportion|"
    r"average|total|cost|budget|forecast|target|figure|variance|overspend)|percentage|per cent|"
    r"rate|proportion|number of|target|budget|overspend|forecast|cost|£|average|total|how far|how long|"
    r"allowance|salary|salaries|pay|fees?|^\s*when|"
    # how members ask about performance: 'How are we doing on dental checks?', 'Are reviews on time?'
    r"how (?:is|are|was|were)\b.*\bdoing|how well|how quickly|how timely|on time|in time|enough)\b",
    re.I,
)
COUNT = re.compile(r"^\s*how many\b", re.I)
# Words that say what kind of figure is asked ('re-referral *rate*'), not what it is about: a
# paper may give it as 'the percentage of re-referrals' and never use the word.
MEASURE_TERMS = frozenset(said_terms("rate rates percentage proportion number share level figure total count amount"))
EXPLANATION = re.compile(r"^\s*(why|who|what (?:explains|reasons?|caused|is being done|actions?))\b", re.I)
REASON_QUESTION = re.compile(r"^\s*(why|what (?:explains|is the reason|are the reasons|caused|is driving|drives))\b", re.I)
REASON_CUES = re.compile(
    r"\b(because|due to|owing to|as a result|result(?:s|ed|ing)? (?:from|in)|reflect\w*|indicative|driven|"
    r"caused|pressures?|challeng\w*|shortage\w*|too few|lack of|demand|attribut\w*)\b",
    re.I,
)
PERSON = re.compile(r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+){1,2}\b")
_MEASURED = re.compile(r"\b([A-Za-z][\w'’-]*)\s+rates?\b")


def wants_reason(question: str) -> bool:
    return bool(REASON_QUESTION.search(question))


def subject_of(question: str) -> str:
    """'What explains the low dental check rate …?' -> 'the low dental check rate …?': the
    words asking for a cause are not words its answer repeats."""
    return REASON_QUESTION.sub(" ", question)


def wants_figure(question: str) -> bool:
    """'How many…', '…rate', '…budget' ask for a figure; 'Why is … off target?' does not."""
    return bool(QUANTITY_WORDS.search(question)) and not EXPLANATION.search(question)


# The kind of figure a question asks for, and how a quote shows it has one of that kind.
_KIND_ASKED = {
    "share": re.compile(r"\b(percentage|per ?cent|proportion|what share)\b|%", re.I),
    # money is asked for as an amount ('what did it cost?'), not whenever spending is named
    # ('by how much has spend risen?' is answered by a percentage)
    "money": re.compile(r"\b(salary|salaries|wages?|fees?|how much money|how much (?:\w+ ){0,6}(?:cost|pay|paid)|"
                        r"what (?:did|does|will|would) .{0,60}\bcost)\b", re.I),
    "time": re.compile(r"\bhow long\b|\b(?:average|mean|typical)? ?(?:time|wait) (?:from|to|taken|between|for)\b|"
                       r"\blength of\b", re.I),
}
_KIND_STATED = {
    "share": re.compile(r"\d\s?(?:%|per ?cent)|\b(?:percentage|proportion)\b", re.I),
    "money": re.compile(r"[£$€]|\bpounds\b", re.I),
    "time": re.compile(r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|few|several))\s*"
                       r"(?:working\s+|calendar\s+)?(?:days?|weeks?|months?|years?)\b", re.I),
}


def kinds_asked(question: str) -> set[str]:
    """'What percentage…' asks for a share, 'What is the average salary…' for money, 'How
    long…' for a length of time: a figure of another kind (34 % of a salary, an allowance
    for 'time to adoption') is a tempting non-answer."""
    return {kind for kind, asked in _KIND_ASKED.items() if asked.search(question)}


def kinds_stated(text: str) -> set[str]:
    return {kind for kind, stated in _KIND_STATED.items() if stated.search(text)}


def wants_count(question: str) -> bool:
    """'How many …' asks for a number of children first (a rate answers it only failing that)."""
    return bool(COUNT.search(question))


def wants_person(question: str) -> bool:
    return bool(re.match(r"\s*who\b", question, re.I))


def measured_terms(question: str) -> set[str]:
    """What a rate is a rate *of* ('re-referral rate' -> re-referral; 'dental check rate'
    -> the term dental checks, in any wording). A rate of something else (a take-up rate
    for a re-referral question) is not an answer."""
    asked = strip_council_names(question)
    measured = set()
    for m in _MEASURED.finditer(asked):
        before = asked[max(0, m.start(1) - 40): m.end(1)]
        ending_here = [t for t in vocabulary().mentions(before) if len(TOKEN.findall(before)) - 1 in t.tokens]
        measured |= {ending_here[-1].term.token} if ending_here else set(said_terms(m.group(1)))
    return measured
