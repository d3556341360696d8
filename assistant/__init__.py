"""Scrutiny Assistant: cited answers from council committee papers.

    >>> from assistant import Settings
    >>> from assistant.pipeline import Assistant
    >>> answer = Assistant(Settings()).ask("What is the re-referral rate in Barnsley?")
    >>> answer.text, answer.citations[0].section
"""

# First, before any module of the package (and so any ML library) is imported: the
# offline and no-telemetry settings are read at import time.
from assistant import _offline  # noqa: F401, I001
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.types import Answer, Citation, Filters, Hit, Passage, SourceDocument

__all__ = [
    "Answer",
    "AssistantError",
    "Citation",
    "Filters",
    "Hit",
    "Passage",
    "Settings",
    "SourceDocument",
]

