"""Everything a member sees, as one JSON file: for checking that a refactor changes nothing.

    python bench/fingerprint.py > before.json    # on the old commit
    python bench/fingerprint.py > after.json     # on the new one
    cmp before.json after.json

Covers every evaluation answer with its citations and grounding (timings left out: they
are the only part that may differ), every document's suggested questions and its Markdown
and Word briefing, the example questions and the library. Uses only the public surface
(`Assistant`, `briefing`), so the same script runs on both sides of a change.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import docx

from assistant import _offline  # noqa: F401, I001
from assistant.briefing import as_markdown, write_briefing
from assistant.config import Settings
from assistant.evaluation import load_dataset
from assistant.pipeline import Assistant

ROOT = Path(__file__).resolve().parent.parent


def docx_text(path: Path) -> list[str]:
    document = docx.Document(str(path))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return [p.text for p in document.paragraphs] + cells


def main() -> None:
    work = Path(tempfile.mkdtemp())
    assistant = Assistant(Settings(corpus_dir=ROOT / "corpus", index_dir=work / "index"))
    assistant.ingest([ROOT / "corpus"])
    answers = []
    for item in load_dataset(ROOT / "eval" / "known_facts.jsonl"):
        response = assistant.ask(item["question"]).to_json()
        response.pop("timings_ms")
        answers.append(response)
    suggestions = {}
    for document in assistant.documents():
        found = assistant.suggest([document.doc_id])
        briefing = write_briefing(found, list(found.questions), work / f"{document.doc_id}.docx")
        suggestions[document.doc_id] = {
            "json": found.to_json(),
            "markdown": as_markdown(found, list(found.questions)),
            "docx": docx_text(briefing),
        }
    library = [[e.document.doc_id, e.passages, e.document.title] for e in assistant.library()]
    json.dump({"answers": answers, "suggestions": suggestions, "examples": assistant.example_questions(),
               "library": library}, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
