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
    currently council councils report papers paper say says said""".split()
)
TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*|\d+(?:[.,]\d+)*%?")
FIGURE = re.compile(r"(?<![\w.])[£$]?\(?-?\d[\d,]*(?:\.\d+)?\)?(?:\s?%|\s?(?:k|m|bn|M|K)\b)?")
QUANTITY_WORDS = re.compile(
    r"\b(how many|how much|what (?:is|was|were|are) the (?:number|percentage|rate|proportion|"
    r"average|total|cost|budget|forecast|target|figure|variance|overspend)|percentage|per cent|"
    r"rate|proportion|number of|target|budget|overspend|forecast|cost|£|average|total|how far)\b",
    re.I,
)


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def content_terms(text: str) -> list[str]:
    """Lower-cased, stemmed words that carry meaning (stop words dropped); figures kept."""
    words = [w.lower().strip("'’-") for w in TOKEN.findall(text)]
    words = [w for w in words if w and w not in STOPWORDS and len(w) > 1]
    return _stemmer().stemWords(words)


def wants_figure(question: str) -> bool:
    return bool(QUANTITY_WORDS.search(question))


def has_figure(text: str) -> bool:
    return any(_is_real_figure(m.group(0)) for m in FIGURE.finditer(text))


def _is_real_figure(token: str) -> bool:
    return bool(re.search(r"\d", token))
