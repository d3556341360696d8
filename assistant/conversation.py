"""Follow-up questions made standalone before retrieval.

'And in North Somerset?' after 'What is the re-referral rate in Barnsley?' must search
for North Somerset's re-referral rate. With a language model configured, it rewrites the
follow-up; without one (or when it fails), a rule carries the topic and council over.
Either way the member is shown what was searched for.

Before that, a question is tidied: it is plain text of a sensible length.
"""

from __future__ import annotations

import re

from assistant.errors import AssistantError
from assistant.language.councils import councils_named, strip_council_names
from assistant.language.vocabulary import content_terms, said_terms
from assistant.llm import LLMFailure, complete
from assistant.llm.prompts import condense_messages

MAX_QUESTION_CHARS = 1000  # a question, not a pasted report
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A question is plain text: pasted markup (and any script in it) is not part of it.
_MARKUP = re.compile(r"<(script|style)\b.*?</\1\s*>|</?[A-Za-z][^<>]{0,300}>", re.I | re.S)

_LEAD = re.compile(r"^(?:and|but|also|so|or|what about|how about|and what about|what of|same for)\b[\s,]*", re.I)
_REFERS = re.compile(
    r"\b(?:it|its|those|these|they|them|their)\b"
    r"|\b(?:this|that|same|then)\b(?=\s*(?:\?|$|(?:compare|compares|mean|means|change|changed|figure|rate|"
    r"number|one|year|quarter|period|target)\b))",
    re.I,
)


def tidy_question(question: str) -> str:
    """The question as plain text on one line; a clear error if it is empty or too long."""
    question = " ".join(_MARKUP.sub(" ", _CONTROL.sub(" ", question)).split())
    if not question:
        raise AssistantError("Please type a question.")
    if len(question) > MAX_QUESTION_CHARS:
        raise AssistantError(
            f"Questions can be at most {MAX_QUESTION_CHARS:,} characters (this one has {len(question):,}); "
            "please ask about one thing at a time."
        )
    return question


def is_follow_up(question: str) -> bool:
    """Leans on what came before: 'And in Q2?', 'What is its target?', 'Why?', 'Dental
    checks?' (one of the field's terms, in any of its wordings, is one thing asked about)."""
    return bool(_LEAD.match(question) or _REFERS.search(question) or len(said_terms(question)) <= 1)


def carry_over(follow_up: str, previous: str) -> str:
    """The rule-based rewrite: a follow-up that only names another council asks the
    previous question of that council; any other follow-up is read with the previous
    question (its topic and council) alongside."""
    if not is_follow_up(follow_up):
        return follow_up
    rest = _LEAD.sub("", follow_up).strip(" ?.,")
    named = councils_named(rest)
    if named and not content_terms(strip_council_names(rest, with_preposition=True)):
        topic = " ".join(strip_council_names(previous, with_preposition=True).split()).rstrip(" ?")
        where = rest if re.match(r"(?:in|for|at|by|from)\b", rest, re.I) else f"in {rest}"
        return f"{topic} {where}?"
    return f"{follow_up.rstrip(' ?')}? (following on from: {previous})"


def condense(follow_up: str, history: list[str], llm=None, timeout: float = 30.0) -> str:
    """The standalone question to search with. `history`: the earlier questions, each as
    it was searched for, oldest first."""
    if not history:
        return follow_up
    if llm is not None and is_follow_up(follow_up):
        try:
            rewritten = " ".join(complete(llm, condense_messages(history[-3:], follow_up), timeout).split())
        except LLMFailure:
            rewritten = ""
        if _plausible(rewritten):
            return rewritten
    return carry_over(follow_up, history[-1])


def _plausible(question: str) -> bool:
    """A model's rewrite is used only if it looks like one question, not a reply."""
    return 3 <= len(question.split()) <= 60 and question.endswith("?") and question.count("?") == 1
