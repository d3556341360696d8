"""Small text helpers shared by retrieval, answering, grounding and evaluation."""

from __future__ import annotations

import re
from functools import lru_cache

STOPWORDS = frozenset(
    """a an and are as at be been being by did do does for from had has have how i in into is
    it its of on or our over so than that the their them then there these they this to was
    were what when where which who whom why will with would you your we us can could should
    about any all also more most much many not no nor only other same such up down out own
    very just tell me please show give much many number figure per latest current
    currently council councils report papers paper say says said mean means meaning""".split()
)
TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*|\d+(?:[.,]\d+)*%?")
QUANTITY_WORDS = re.compile(
    r"\b(how many|how much|what share|what proportion|by how much|gap|what (?:is|was|were|are) the (?:number|percentage|rate|proportion|"
    r"average|total|cost|budget|forecast|target|figure|variance|overspend)|percentage|per cent|"
    r"rate|proportion|number of|target|budget|overspend|forecast|cost|£|average|total|how far|how long|"
    r"allowance|salary|salaries|pay|fees?|^\s*when)\b",
    re.I,
)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def content_terms(text: str, expand: bool = True) -> list[str]:
    """Lower-cased, stemmed words that carry meaning (stop words dropped); figures kept."""
    if expand:
        text = expand_acronyms(text)
    words = [w.lower().strip("'’-") for w in TOKEN.findall(text)]
    words = [w for w in words if w and w not in STOPWORDS and len(w) > 1]
    return _stemmer().stemWords(words)


EXPLANATION = re.compile(r"^\s*(why|who|what (?:explains|reasons?|caused|is being done|actions?))\b", re.I)
REASON_QUESTION = re.compile(r"^\s*(why|what (?:explains|is the reason|are the reasons|caused|is driving|drives))\b", re.I)
REASON_CUES = re.compile(
    r"\b(because|due to|owing to|as a result|result(?:s|ed|ing)? (?:from|in)|reflect\w*|indicative|driven|"
    r"caused|pressures?|challeng\w*|shortage\w*|too few|lack of|demand|attribut\w*)\b",
    re.I,
)


def wants_reason(question: str) -> bool:
    return bool(REASON_QUESTION.search(question))


def wants_figure(question: str) -> bool:
    """'How many…', '…rate', '…budget' ask for a figure; 'Why is … off target?' does not."""
    return bool(QUANTITY_WORDS.search(question)) and not EXPLANATION.search(question)


def has_figure(text: str, question: str = "") -> bool:
    """Does `text` state a figure the question does not already give? ('…for 2024/25' in
    a question about 2024/25 budgets is a restatement, not an answer.)"""
    from assistant.answer.figures import figure_in, figures

    skipped = [m.span() for m in _PARAGRAPH_REFS.finditer(text)]
    skipped += [] if _WHEN.match(question) else [m.span() for m in _DATE.finditer(text)]
    return any(
        not figure_in(f, question)
        and not _REFERENCE.search(text[: f.start])
        and not any(a <= f.start < b for a, b in skipped)
        for f in figures(text)
    )


# '(3.6-3.9)', '(1.2)': the paragraphs a recommendation points to.
_PARAGRAPH_REFS = re.compile(r"\(\s*\d+\.\d+(?:\s*(?:[-–&,]|and)\s*\d+\.\d+)*\s*\)")
# A date answers 'when', not 'how many': '04 December 2019' holds no count.
_WHEN = re.compile(r"\s*(when|what date|by when|since when)\b", re.I)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*"
_DATE = re.compile(
    rf"\b(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:\s+\d{{4}})?|{_MONTH}\s+\d{{4}}|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})\b"
)


# 'Appendix 1', 'section 3.2', 'Phase 2': numbers that point somewhere rather than measure.
_REFERENCE = re.compile(
    r"\b(appendix|annex|section|paragraph|para|page|table|item|chart|graph|recommendation|"
    r"priority|ref|phase|tier|level|stage|step|version|no\.?)\s*$",
    re.I,
)


# Children's services shorthand. Papers use the acronym, members often ask in words (or
# the other way round); both sides are expanded so either form matches.
GLOSSARY = {
    "CIN": "child in need", "CP": "child protection", "CPP": "child protection plan",
    "CLA": "children looked after", "LAC": "looked after children", "CIC": "children in care",
    "CL": "care leaver", "EET": "education employment or training",
    "NEET": "not in education employment or training",
    "ICPC": "initial child protection conference", "S47": "section 47 enquiry",
    "RHI": "return home interview", "SGO": "special guardianship order",
    "PLO": "public law outline", "IRO": "independent reviewing officer",
    "PEP": "personal education plan", "EHCP": "education health and care plan",
    "SEND": "special educational needs and disabilities", "MASH": "multi-agency safeguarding hub",
    "NQSW": "newly qualified social worker", "ASYE": "assessed and supported year in employment",
    "UASC": "unaccompanied asylum-seeking children", "NFA": "no further action",
    "FTE": "full-time equivalent", "IFA": "independent fostering agency",
    "DFE": "department for education", "RAG": "red amber green", "DOT": "direction of travel",
    "ISRO": "independent safeguarding and reviewing officer", "PA": "personal adviser",
    "MTFP": "medium term financial plan", "SW": "social worker", "IFD": "integrated front door",
    "OSC": "overview and scrutiny committee", "HOS": "head of service",
}
# Not expanded: every KPI row says 'RAG: RED', and the long form would put 'amber' and
# 'green' into all of them.
_NOT_EXPANDED = {"RAG"}
_EXPANDED = {k: v for k, v in GLOSSARY.items() if k not in _NOT_EXPANDED}
_ACRONYM = re.compile(r"\b(" + "|".join(sorted(_EXPANDED, key=len, reverse=True)) + r")s?\b")
_PHRASES = {v: k for k, v in _EXPANDED.items()}


def acronym_expansions(text: str) -> str:
    """The long form of each acronym and the acronym of each long form found in `text`."""
    extra = [GLOSSARY[m.group(1)] for m in _ACRONYM.finditer(text)]
    lowered = " ".join(re.sub(r"[^\w\s-]", " ", text.lower()).split())  # 'education, employment or training'
    extra += [acronym for phrase, acronym in _PHRASES.items() if phrase in lowered]
    return " ".join(dict.fromkeys(extra))


def expand_acronyms(text: str) -> str:
    extra = acronym_expansions(text)
    return f"{text} {extra}" if extra else text


_MEASURED = re.compile(r"\b([A-Za-z][\w'’-]*)\s+rates?\b")


def measured_terms(question: str) -> set[str]:
    """What a rate is a rate *of* ('re-referral rate' -> re-referral). A rate of
    something else (a take-up rate for a re-referral question) is not an answer."""
    from assistant.ingest.metadata import strip_council_names

    asked = strip_council_names(question)
    return {t for m in _MEASURED.finditer(asked) for t in content_terms(m.group(1))}


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    # 'Percentage of ...' reads as 'percentage of ...'; acronyms ('EET', 'CIN') stay as they are
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


PERSON = re.compile(r"\b[A-Z][a-z]+(?:\s[A-Z][a-z]+){1,2}\b")


def wants_person(question: str) -> bool:
    return bool(re.match(r"\s*who\b", question, re.I))


def question_terms(question: str) -> list[str]:
    """The terms a passage must cover to answer: council names are left out, because
    retrieval is already scoped to the council named, and every one of its passages
    would otherwise 'match' them. Acronyms are not expanded here: passages are, so 'EET'
    in a question still meets 'education, employment or training' in a passage, and a
    phrase with an acronym ('social worker' / 'SW') is not counted twice."""
    from assistant.ingest.metadata import strip_council_names

    return content_terms(strip_council_names(question), expand=False)


def normalise(text: str) -> str:
    """For comparing wordings: case, whitespace, typographic quotes and dashes and
    extraction markup do not count."""
    from assistant.ingest.structure import clean

    text = clean(text.replace("\t", " "))
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    text = re.sub(r"[–—]", "-", text)
    return re.sub(r"\s+", " ", text).strip().lower()


# A paper may contain text aimed at an AI assistant ('ignore previous instructions and ...').
WITHHELD = "[text that reads as an instruction to an AI assistant was withheld]"

_INSTRUCTION_LIKE = re.compile(
    r"\b(?:ignore|disregard|forget)\b(?:\s+\w+){0,3}\s+(?:instructions?|prompts?)\b"
    r"|\b(?:system|developer)\s+(?:prompt|message)\b"
    r"|\byou\s+are\s+now\b|\bnew\s+instructions?\s*:"
    r"|\b(?:AI|chatbot|language model|LLM)(?:\s+assistant)?s?\s+(?:must|should|shall|will)\b",
    re.I,
)


def withhold_instructions(text: str) -> str:
    """The passage with any sentence that reads as an instruction to an assistant replaced."""
    if not _INSTRUCTION_LIKE.search(text):
        return text
    from assistant.ingest.passages import split_sentences

    return "\n".join(
        " ".join(WITHHELD if _INSTRUCTION_LIKE.search(s) else s for s in split_sentences(line))
        for line in text.split("\n")
    )
