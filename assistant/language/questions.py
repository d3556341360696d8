"""What a question asks for: a figure, a cause, a person, or a rate of something."""

from __future__ import annotations

import re

from assistant.language.councils import strip_council_names
from assistant.language.periods import NUMBER_WORDS, asks_when
from assistant.language.vocabulary import TOKEN, said_terms, vocabulary

QUANTITY_WORDS = re.compile(
    r"\b(how many|how much|what share|what proportion|by how much|gap|what (?:is|was|were|are) the (?:number|percentage|rate|proportion|"
    r"average|total|cost|budget|forecast|target|figure|variance|overspend)|percentage|per cent|"
    r"rate|proportion|number of|figures? (?:for|on|of)|target|floor|budget|overspend|forecast|cost|£|average|total|how far|how long|"
    r"allowance|salary|salaries|pay|fees?|spend on|spent on|spending on|"
    # how members ask about performance: 'How are we doing on dental checks?', 'Are reviews on time?'
    r"how (?:is|are|was|were)\b.*\b(?:doing|getting on|faring|performing|progressing)|how well|how quickly|how timely|on time|in time|enough)\b",
    re.I,
)
COUNT = re.compile(r"^\s*how many\b", re.I)
# 'the number of foster households', however the question begins
_NUMBER_OF = re.compile(r"\b(?:the|total) number of\b", re.I)
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
# A name: two or three capitalised words ('Christine McInnes', 'Jo Smith-Jones'), not a
# sentence's 'The Chair' or 'This Committee'
_NAME_WORD = r"(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
_PERSON = re.compile(rf"\b(?!(?:The|This|That|These|Those|A|An|Our|Its|Their)\s){_NAME_WORD}(?:\s{_NAME_WORD}){{1,2}}\b")
# Capitalised words that name a body, a place, a budget or a document, never a person
_BODY = re.compile(r"\b(?:Committee|Council|Cabinet|Panel|Board|Group|Team|Service|Services|Hub|Hubs|Plan|Report|"
                   r"School|Schools|Partnership|Authority|Directorate|Decision|Children|Care|January|February|"
                   r"March|April|May|June|July|August|September|October|November|December|"
                   r"House|Hall|Centre|Street|Road|Budget|Monitoring|Strategy|Programme|Policy|Fund|Grant|"
                   r"Block|Unit|Assessment|Framework|Review|Update|Agenda|Minutes|Meeting)\b")


# A name with its title, as minutes write them ('Mr R W Gough', 'Cllr Smith')
_TITLED = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Dr|Cllr|Councillor)\.?\s+(?:[A-Z]\.?\s+){0,3}[A-Z][a-z'’-]+")


def names_person(text: str) -> bool:
    """Whether the text names someone: 'Mrs Jackie Meade', 'Mr R W Gough', not 'the
    Scrutiny Committee'."""
    return bool(_TITLED.search(text)) or any(not _BODY.search(m.group(0)) for m in _PERSON.finditer(text))


# what a rate or a ratio is of ('re-referral rate', 'benefit-cost ratio')
_MEASURED = re.compile(r"\b([A-Za-z][\w'’-]*)\s+(?:rates?|ratios?)\b")


def wants_reason(question: str) -> bool:
    return bool(REASON_QUESTION.search(question))


def subject_of(question: str) -> str:
    """'What explains the low dental check rate …?' -> 'the low dental check rate …?': the
    words asking for a cause are not words its answer repeats."""
    return REASON_QUESTION.sub(" ", question)


def wants_figure(question: str) -> bool:
    """'How many…', '…rate', '…budget' ask for a figure; 'Why is … off target?' does not."""
    return bool(QUANTITY_WORDS.search(question) or asks_when(question)) and not EXPLANATION.search(question)


# The kind of figure a question asks for, and how a quote shows it has one of that kind.
_KIND_ASKED = {
    "share": re.compile(r"\b(percentage|per ?cent|proportion|what share)\b|%", re.I),
    # money is asked for as an amount ('what did it cost?', 'how much of the budget is for
    # staffing?'), not whenever spending is named ('by how much has spend risen?' is answered
    # by a percentage)
    "money": re.compile(r"\b(salary|salaries|wages?|fees?|how much money|"
                        r"(?<!by )how much (?:[\w'’]+ ){0,8}(?:cost|pay|paid|spen[dt]|budget|funding|grant|savings?|overspend|underspend)|"
                        r"what (?:did|does|do|will|would) .{0,60}\b(?:cost|spend)|(?:is|was|were|are) spent on|what (?:are|is) .{0,40}\bspending on)\b", re.I),
    # a rate is a share or a rate per so many children, never a plain count ('7 leavers a month')
    "rate": re.compile(r"\brates?\b", re.I),
    "time": re.compile(r"\bhow long\b|\b(?:average|mean|typical)? ?(?:time|wait) (?:from|to|taken|between|for)\b|"
                       r"\blength of\b", re.I),
    # what is aimed for is not what was achieved, nor an average what one child or team had
    # (a target's value: 'the target for', 'aiming for'; not 'why is it off target?')
    "target": re.compile(r"\b(?:targets? (?:for|of|is|was|set)|(?:is|was|the|its|their) targets?\b(?! (?:and|or))|"
                         r"aim(?:s|ed|ing)? (?:for|at|to)|goal)\b", re.I),
    "average": re.compile(r"\b(?:average|typical(?:ly)?)\b", re.I),
    # a KPI's floor standard is the level below which it is rated red: neither its target nor its latest value
    "floor": re.compile(r"\bfloor\b", re.I),
}
_KIND_STATED = {
    "share": re.compile(r"\d\s?(?:%|per ?cent)|\b(?:percentage|proportion)\b", re.I),
    # finance tables often give sums without '£', under 'Budget' or 'Forecast Spend' columns
    "money": re.compile(r"[£$€]|\b(?:pounds|spend|spent|budget|costs?|expenditure|variance)\b", re.I),
    "rate": re.compile(r"\d\s?(?:%|per ?cent)|\bper\s+[\d,]+\b|\b(?:rates?|percentage|proportion)\b", re.I),
    "time": re.compile(r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|few|several))\s*"
                       r"(?:working\s+|calendar\s+)?(?:days?|weeks?|months?|years?)\b", re.I),
    "target": re.compile(r"\b(?:targets?|aim(?:s|ed|ing)?|ambitions?|goals?|expect(?:s|ed|ation)?|standards?|should)\b", re.I),
    # the England, regional and similar councils' columns are averages too
    "average": re.compile(r"\b(?:average|mean|avg|typical(?:ly)?|per (?:worker|social worker|head|child|month|week|year)|"
                          r"england|national|statistical neighbours?|comparators?|regional)\b", re.I),
    "floor": re.compile(r"\bfloor\b", re.I),
}


# Age bands as papers and members write them: 'aged 19-21', '17 to 18 year olds', 'under 16',
# 'under-16s', 'Age 16+', 'aged 16 and over'. A figure for one band is no answer about another.
# A bare '22-23' is a year or a range of days, so a range is an age only after 'aged' or
# before 'year olds'.
_AGE_RANGE = re.compile(r"\baged?\s+(\d{1,2})\s*(?:-|–|to)\s*(\d{1,2})\b|"
                        r"\b(\d{1,2})\s*(?:-|–|to)\s*(\d{1,2})(?=\s*(?:(?:year|yr)s?[- ]olds?|\(?age\b))", re.I)
_AGE_UNDER = re.compile(r"\bunder(?:[- ]?|\s+the\s+age\s+of\s+)(\d{1,2})s?\b", re.I)
_AGE_OVER = re.compile(r"\baged?\s+(\d{1,2})\s*(?:\+|(?:and|or)\s+(?:over|above|older)\b)", re.I)
_OLDEST = 25  # care leavers are supported up to 25
_AGE_IN_WORDS = re.compile(rf"\b(under|aged?)\s+({'|'.join(NUMBER_WORDS)})\b", re.I)
# A year of school: 'Year R' (reception), 'Year 7'; capitalised, as papers write it
_SCHOOL_YEAR = re.compile(r"\bYear\s+(R|1[0-3]|[1-9])\b|\bReception\b")


def age_bands(text: str) -> set[tuple[int, int]]:
    """The age bands a text names, as (youngest, oldest)."""
    return {band for _, band in _named_ages(text)}


def school_years(text: str) -> set[str]:
    """The years of school the text names: 'Year R' and 'Reception' are 'R'."""
    return {m.group(1) or "R" for m in _SCHOOL_YEAR.finditer(text)}


def age_wording(text: str) -> str:
    """The words the text names its age bands with ('under-16s'): a quote about that band
    answers them in its own ('Under 16')."""
    return " ".join(words for words, _ in _named_ages(text))


def _named_ages(text: str) -> list[tuple[str, tuple[int, int]]]:
    text = _AGE_IN_WORDS.sub(lambda m: f"{m.group(1)} {NUMBER_WORDS[m.group(2).lower()]}", text)  # 'under five'
    found = [(m.group(0), (int(m.group(1) or m.group(3)), int(m.group(2) or m.group(4)))) for m in _AGE_RANGE.finditer(text)]
    found += [(m.group(0), (0, int(m.group(1)) - 1)) for m in _AGE_UNDER.finditer(text)]
    found += [(m.group(0), (int(m.group(1)), _OLDEST)) for m in _AGE_OVER.finditer(text)]
    return [(words, (lo, hi)) for words, (lo, hi) in found if lo <= hi <= _OLDEST]


def kinds_asked(question: str) -> set[str]:
    """'What percentage…' asks for a share, 'What is the average salary…' for money, 'How
    long…' for a length of time: a figure of another kind (34 % of a salary, an allowance
    for 'time to adoption') is a tempting non-answer."""
    return {kind for kind, asked in _KIND_ASKED.items() if asked.search(question)}


def kinds_stated(text: str) -> set[str]:
    return {kind for kind, stated in _KIND_STATED.items() if stated.search(text)}


# Words that ask what should be, rather than what is: a target or floor answers these.
_STANDARD_ASKED = re.compile(r"\b(?:targets?|aim(?:s|ed|ing)?|goals?|ambitions?|standards?|floors?|should|"
                             r"expected|supposed|at most|at least|maximum|minimum|limit)\b", re.I)


def asks_standard(question: str) -> bool:
    """'What caseload target applies…', 'How many cases should a worker hold at most?'"""
    return bool(_STANDARD_ASKED.search(question))


def wants_count(question: str) -> bool:
    """'How many …' asks for a number of children first (a rate answers it only failing that);
    so does 'the number of …', unless it is asked for as a share or rate."""
    number_of = _NUMBER_OF.search(question) and not (_KIND_ASKED["share"].search(question) or _KIND_ASKED["rate"].search(question))
    return bool(COUNT.search(question) or number_of)


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


# A sum asked for by the week, day or night ('per week', 'weekly', 'each day') is a rate of
# spending: a year's total for the same service is no answer to it.
_PER_UNIT = re.compile(r"\b(?:(?:per|each|a|every)\s+(?P<unit>week|day|night|hour)|(?P<adverb>week|dai|night|hour)ly)\b", re.I)


def cost_per(question: str) -> str | None:
    """The unit of time a sum is asked for by ('week' in 'cost per week'), if any."""
    m = _PER_UNIT.search(question)
    return None if m is None else (m["unit"] or m["adverb"].replace("dai", "day")).lower()


def states_per(unit_of_time: str, text: str) -> bool:
    """Whether the text gives a figure by that unit ('per week', 'a week', 'weekly', 'pw')."""
    adverb = "daily" if unit_of_time == "day" else f"{unit_of_time}ly"
    short = {"week": "|pw|p/w", "day": "|pd|p/d"}.get(unit_of_time, "")
    return bool(re.search(rf"\b(?:(?:per|a|each|every)\s+{unit_of_time}|{adverb}{short})\b", text, re.I))
