"""How much of a question a passage covers, rare words weighing more."""

from __future__ import annotations

import math
from collections import Counter
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


def passages_with(texts: list[str]) -> Counter:
    """How many of `texts` (one per passage) hold each content term."""
    counts: Counter = Counter()
    for text in texts:
        counts.update(set(content_terms(text)))
    return counts


def inverse_frequencies(counts: Counter, passages: int) -> dict[str, float]:
    """Inverse document frequency of each term held by `counts[term]` of `passages`."""
    n = max(passages, 1)
    return {t: min(MAX_IDF, math.log(1 + n / c)) for t, c in counts.items()}
