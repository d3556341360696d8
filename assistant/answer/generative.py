"""Answers written by a language model, shown only as far as the papers back them.

The model gets the retrieved passages, numbered; its reply is checked one sentence at a
time as it streams (`grounding.check_sentence`), so a member only ever sees sentences
that passed (or are visibly flagged). If the model fails, runs out of time, or writes
nothing that passes, the extractive answer is shown instead, with a notice saying why.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterator

from assistant.answer.extractive import ABSTAIN_TEXT
from assistant.answer.grounding import (
    as_shown,
    check_sentence,
    evidence,
    removal_notice,
    split_claims,
)
from assistant.llm import LLMFailure, stream
from assistant.llm.prompts import answer_messages
from assistant.types import Answer, Citation, Grounding, Hit

_ABSTAINS = re.compile(r"^\W*the papers(?: provided)? do not say\b", re.I)


def write_answer(question: str, hits: list[Hit], llm, timeout: float, backend: str, fallback: Answer) -> Iterator[Answer]:
    """Snapshots of the answer while the model writes; the last one is complete.

    `fallback` is the extractive answer for the same question and passages.
    """
    citations = tuple(Citation.from_hit(n, h) for n, h in enumerate(hits, start=1))
    passages = {n: evidence(h) for n, h in enumerate(hits, start=1)}
    draft = Answer(question, "", False, citations, backend=backend, support=fallback.support, complete=False)
    yield draft
    checks, rest = [], ""
    try:
        for piece in stream(llm, answer_messages(question, hits), timeout):
            sentences, rest = split_claims(rest + piece)
            if sentences:
                checks += [check_sentence(s, passages) for s in sentences]
                yield replace(draft, text=as_shown(checks))
    except LLMFailure as failure:
        yield _instead(fallback, f"The language model could not be used ({failure.reason}); "
                                 "this answer quotes the papers directly.", Grounding(tuple(checks), fallback=True))
        return
    if rest.strip():
        sentences, _ = split_claims(rest.strip() + "\n")
        checks += [check_sentence(s, passages) for s in sentences]
    if len(checks) == 1 and _ABSTAINS.match(checks[0].text):
        yield replace(draft, text=ABSTAIN_TEXT, abstained=True, complete=True)
        return
    grounding = Grounding(tuple(checks))
    if not any(c.status == "supported" for c in checks):
        yield _instead(fallback, "Nothing the language model wrote could be checked against the papers; "
                                 "this answer quotes them directly.", replace(grounding, fallback=True))
        return
    yield replace(draft, text=as_shown(checks), grounding=grounding, notice=removal_notice(checks), complete=True)


def _instead(fallback: Answer, notice: str, grounding: Grounding) -> Answer:
    return replace(fallback, notice=notice, grounding=grounding, complete=True)
