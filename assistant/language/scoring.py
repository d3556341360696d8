"""How much of a question a passage covers, rare words weighing more."""

from __future__ import annotations

import math
from typing import Iterable

from assistant.language.vocabulary import content_terms

MAX_IDF = 6.0  # a word no passage holds weighs as much as the rarest


def weighted_coverage(question_terms: list[str], passage_terms: Iterable[str], idf: dict[str, float]) -> float:
    """Share of the question's vocabulary (rare words weigh more) found in the passage."""
    if not question_terms:
        return 0.0
    present = set(passage_terms)
    unique = set(question_terms)
    total = sum(idf.get(t, MAX_IDF) for t in unique)
    found = sum(idf.get(t, MAX_IDF) for t in unique if t in present)
    return found / total if total else 0.0


def document_frequencies(texts: list[str]) -> dict[str, float]:
    """Inverse document frequency of every content term over `texts` (one per passage)."""
    counts: dict[str, int] = {}
    for text in texts:
        for term in set(content_terms(text)):
            counts[term] = counts.get(term, 0) + 1
    n = max(len(texts), 1)
    return {t: min(MAX_IDF, math.log(1 + n / c)) for t, c in counts.items()}
