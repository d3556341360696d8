"""Scrutiny Assistant: cited answers from council committee papers.

    >>> from assistant import Assistant, Settings
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
    # Importing any module of the package runs this file first, so the pipeline (torch,
    # chroma, llama-index: seconds to import) is loaded only when `Assistant` is asked for;
    # the language layer and ingest stay light for whoever imports just them.
    if name == "Assistant":
        from assistant.pipeline import Assistant

        return Assistant
    raise AttributeError(name)
