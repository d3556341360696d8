"""The words that carry meaning in papers and questions, and the field's abbreviations.

Children's services write in shorthand (CIN, CLA, EET); members often ask in words, or the
other way round. Both sides are expanded so either form matches.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

from assistant.language.councils import strip_council_names

STOPWORDS = frozenset(
    """a an and are as at be been being by did do does for from had has have how i in into is
    it its of on or our over so than that the their them then there these they this to was
    were what when where which who whom why will with would you your we us can could should
    about any all also more most much many not no nor only other same such up down out own
    very just tell me please show give much many number figure per latest current
    currently council councils report papers paper say says said mean means meaning""".split()
)
TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*|\d+(?:[.,]\d+)*%?")

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


@lru_cache(maxsize=1)
def _stemmer():
    return Stemmer.Stemmer("english")


def content_terms(text: str, expand: bool = True) -> list[str]:
    """Lower-cased, stemmed words that carry meaning (stop words dropped); figures kept."""
    if expand:
        text = expand_acronyms(text)
    words = [w.lower().strip("'’-") for w in TOKEN.findall(text)]
    words = [w for w in words if w and w not in STOPWORDS and len(w) > 1]
    return _stemmer().stemWords(words)


def question_terms(question: str) -> list[str]:
    """The terms a passage must cover to answer: council names are left out, because
    retrieval is already scoped to the council named, and every one of its passages
    would otherwise 'match' them. Acronyms are not expanded here: passages are, so 'EET'
    in a question still meets 'education, employment or training' in a passage, and a
    phrase with an acronym ('social worker' / 'SW') is not counted twice."""
    return content_terms(strip_council_names(question), expand=False)


def acronym_expansions(text: str) -> str:
    """The long form of each acronym and the acronym of each long form found in `text`."""
    extra = [GLOSSARY[m.group(1)] for m in _ACRONYM.finditer(text)]
    lowered = " ".join(re.sub(r"[^\w\s-]", " ", text.lower()).split())  # 'education, employment or training'
    extra += [acronym for phrase, acronym in _PHRASES.items() if phrase in lowered]
    return " ".join(dict.fromkeys(extra))


def expand_acronyms(text: str) -> str:
    extra = acronym_expansions(text)
    return f"{text} {extra}" if extra else text
