"""Scrutiny Assistant: cited answers from council committee papers.

    >>> from assistant import Assistant, Settings
    >>> answer = Assistant(Settings()).ask("What is the re-referral rate in Barnsley?")
    >>> answer.text, answer.citations[0].section
"""

from assistant import _offline  # noqa: F401  (must run before any ML import)
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.types import Answer, Citation, Filters, Hit, Passage, SourceDocument

__all__ = [
    "Answer",
    "Assistant",
    "AssistantError",
    "Citation",
    "Filters",
    "Hit",
    "Passage",
    "Settings",
    "SourceDocument",
]


def __getattr__(name: str):
    # The pipeline pulls in torch, chroma and llama-index (seconds to import): load it lazily
    # so `assistant --help` and the pure-Python parts stay fast.
    if name == "Assistant":
        from assistant.pipeline import Assistant

        return Assistant
    raise AttributeError(name)
