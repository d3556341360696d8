"""Text in a paper aimed at an AI assistant ('ignore previous instructions and ...').

Such sentences are withheld wherever passages go to a language model, and never count
as evidence.
"""

from __future__ import annotations

import re

from assistant.language.sentences import split_sentences

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
    return "\n".join(
        " ".join(WITHHELD if _INSTRUCTION_LIKE.search(s) else s for s in split_sentences(line))
        for line in text.split("\n")
    )
