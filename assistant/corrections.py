"""An officer's corrections to what was read from a paper's front.

Title, meeting date, kind, committee and council are read from the paper itself (its
header box, "Minutes of a meeting of ... held on ..."), and reading is good, not perfect:
a pack's cover can name the wrong meeting, a report can print no date. An officer who
knows better says so once; the correction is kept with the index under the file's name and
the paper's place in it, so it is applied again whenever the file is indexed (a new
version of the file, `ingest --rebuild`) until the file is removed from the library.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import get_args

from assistant.errors import AssistantError
from assistant.types import DocumentKind, SourceDocument

EDITABLE = ("title", "meeting_date", "kind", "committee", "council")
KINDS = get_args(DocumentKind)


def validated(fields: dict[str, str | None]) -> dict[str, str]:
    """The fields an officer gave, checked and tidied (blank ones dropped). Raises
    AssistantError naming what is wrong, so nothing half-right is stored."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise AssistantError(f"only {', '.join(EDITABLE)} can be corrected, not {', '.join(sorted(unknown))}")
    tidy = {key: " ".join(str(value).split()) for key, value in fields.items() if value is not None and str(value).strip()}
    if not tidy:
        raise AssistantError("give at least one of title, meeting date, kind, committee or council to correct")
    if "meeting_date" in tidy:
        try:
            tidy["meeting_date"] = date.fromisoformat(tidy["meeting_date"]).isoformat()
        except ValueError:
            raise AssistantError(f"the meeting date must be written YYYY-MM-DD, not {tidy['meeting_date']!r}") from None
    if "kind" in tidy:
        tidy["kind"] = tidy["kind"].lower()
        if tidy["kind"] not in KINDS:
            raise AssistantError(f"the kind must be one of {', '.join(KINDS)}, not {tidy['kind']!r}")
    return tidy


def corrected(document: SourceDocument, corrections: dict[str, dict[str, str]]) -> SourceDocument:
    """The document as the officer corrected it (`corrections`: a file's, by paper part)."""
    fields = corrections.get(str(document.part))
    return replace(document, **fields) if fields else document


def with_corrections(parsed: list, corrections: dict[str, dict[str, str]]) -> list:
    """A file's parsed papers (anything with a `.document`), each as corrected."""
    return [replace(item, document=corrected(item.document, corrections)) for item in parsed]
