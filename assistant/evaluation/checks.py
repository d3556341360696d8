"""Checks on one response, the same for the assistant and the baseline.

A response is the `ask --json` object (or the baseline's equivalent): an answer text, an
abstained flag and numbered citations.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from assistant.language.figures import (
    Figure,
    cited_numbers,
    figure_in,
    figures,
    strip_markers,
    ungrounded,
)
from assistant.language.sentences import normalise

ANSWER_TYPES = ("number", "text", "date", "not_in_corpus")


def load_dataset(path: Path) -> list[dict]:
    items = []
    for n, line in enumerate(Path(path).read_text("utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        missing = {"id", "question", "answer_type"} - record.keys()
        if missing:
            raise ValueError(f"{path}:{n}: missing {sorted(missing)}")
        if record["answer_type"] not in ANSWER_TYPES:
            raise ValueError(f"{path}:{n}: answer_type must be one of {ANSWER_TYPES}")
        record.setdefault("answer", "")
        record.setdefault("evidence", "")
        record.setdefault("source", "")
        items.append(record)
    return items


def evidence_rank(evidence: str, citations: list[dict]) -> int | None:
    needle = normalise(evidence)
    for rank, citation in enumerate(citations, start=1):
        if needle and holds(normalise(citation["text"]), needle):
            return rank
    return None


# Table evidence is written as the PDF lays the row out ('Children, Young People &
# Education 430.6 420.8 -9.9'); a passage names each figure's column ('... — Budget:
# 430.6; Forecast: 420.8; Variance: -9.9'). The same words and figures in the same order,
# with at most a column name between each, are the same row.
COLUMN_NAME_WORDS = 4
_PUNCTUATION = ",;:|()&—-–*"


def holds(text: str, evidence: str) -> bool:
    """Whether `text` holds `evidence` (both normalised): word for word (a figure with or
    without the unit its table's note gives it), or, for evidence of three words or more,
    its words in order with only column names between them."""
    if evidence in text or _in_millions(evidence) in _in_millions(text):
        return True
    return _holds_words(text, evidence) or _holds_words(_BRACKETED.sub(" ", text), evidence)


def _in_millions(text: str) -> str:
    """'£315.5 million' and '£1million' as the other papers print them: '£315.5m', '£1m'."""
    return _MILLIONS.sub(r"\1m", text)


_MILLIONS = re.compile(r"(£\d[\d,]*(?:\.\d+)?)\s?million\b")


# A row's group in brackets ('Family Hubs (Integrated Children's Services (Operations and
# County Wide)) — Working Budget: £8.4m') stands between its name and its figures as a
# column name does, but longer.
_BRACKETED = re.compile(r"\((?:[^()]|\([^()]*\))*\)")


def _holds_words(text: str, evidence: str) -> bool:
    wanted, words = _words(evidence), _words(text)
    if len(wanted) < 3:  # too short to be a row: only the same words together (a figure less its unit)
        return any(words[start : start + len(wanted)] == wanted for start in range(len(words)))
    return any(_in_order(wanted, words, start) for start, word in enumerate(words) if word == wanted[0])


def _words(text: str) -> list[str]:
    """Its words, a figure without the unit its table's note gives it ('-£9.9m' is '-9.9')."""
    words = (word.strip(_PUNCTUATION) if not _signed(word) else word.rstrip(_PUNCTUATION) for word in text.split())
    return [_MONEY_WORD.sub(r"\1\2", w) for w in words if w]


_MONEY_WORD = re.compile(r"^([+\-−–]?)£(\d[\d,]*(?:\.\d+)?)[mk]$")


def _signed(word: str) -> bool:
    return len(word) > 1 and word[0] in "+-" and (word[1].isdigit() or word[1] == "£")


def _in_order(wanted: list[str], words: list[str], start: int) -> bool:
    at = start
    for word in wanted[1:]:
        ahead = words[at + 1 : at + 2 + COLUMN_NAME_WORDS]
        if word not in ahead:
            return False
        at += 1 + ahead.index(word)
    return True


def answer_correct(item: dict, response: dict) -> bool:
    if item["answer_type"] == "not_in_corpus":
        return response["abstained"]
    if response["abstained"]:
        return False
    said = strip_markers(response["answer"])
    if item["answer_type"] == "number":
        gold = figures(item["answer"])
        return bool(gold) and all(figure_in(f, said) or _same_digits_in(f, said) for f in gold)
    if item["answer_type"] == "date":
        return _day_plain(normalise(item["answer"])) in _day_plain(normalise(said))
    return normalise(item["answer"]) in normalise(said)


def _day_plain(text: str) -> str:
    """'29th January 2025' is '29 January 2025'."""
    return re.sub(r"\b(\d{1,2})(?:st|nd|rd|th)\b", r"\1", text)


def _same_digits_in(gold: Figure, said: str) -> bool:
    """A gold figure written bare ('4.5', from a table whose note says £m) states no scale,
    so the answer's '+£4.5m' gives it: the same number, with the unit the table states."""
    if _unit_free(gold.text) != gold.text.strip("+-−– "):
        return False  # the gold names its unit: the answer must give the same value
    return any(_unit_free(f.text) == _unit_free(gold.text) and not f.percent for f in figures(said))


def _unit_free(text: str) -> str:
    """'+£4.5m', '£23.3 million', '£850k' -> '4.5', '23.3', '850'."""
    return re.sub(r"\s*(?:million|thousand|bn|m|k)$", "", text.strip("+-−– ").removeprefix("£"))


def citations_valid(response: dict) -> bool:
    numbers = {c["n"] for c in response["citations"]}
    return all(n in numbers for n in cited_numbers(response["answer"]))


def numerically_grounded(response: dict) -> bool:
    if response["abstained"]:
        return True  # an abstention states no figures
    return not ungrounded(response["answer"], [c["text"] for c in response["citations"]])


def check(item: dict, response: dict) -> dict:
    answerable = item["answer_type"] != "not_in_corpus"
    rank = evidence_rank(item["evidence"], response["citations"]) if answerable else None
    return {
        "answerable": answerable,
        "evidence_rank": rank,
        "hit_at_1": rank == 1,
        "hit_at_5": rank is not None and rank <= 5,
        "answer_correct": answer_correct(item, response),
        "citations_valid": citations_valid(response),
        "numerically_grounded": numerically_grounded(response),
        "abstained": response["abstained"],
    }
