"""Everything a member sees, as one JSON file: for checking that a refactor changes nothing.

    python bench/fingerprint.py --index /tmp/fp-index > before.json   # old commit: builds the index
    python bench/fingerprint.py --index /tmp/fp-index > after.json    # new commit: reads a copy of it
    cmp before.json after.json

Or, since a few near ties still fall either way from run to run (embedded Chroma answers
some dense queries before its background indexing has caught up), run each side a few
times and compare the sets:

    python bench/fingerprint.py compare before-1.json before-2.json -- after-1.json after-2.json

Pass the same `--index` to both: Chroma builds its vector graph with parallel inserts, so
two builds of the same passages can rank a near tie differently. The passages themselves
(ids, text, metadata) are compared too, and those do not vary from build to build.

Covers every evaluation answer with its citations and grounding (timings left out: they
are the only part that may differ), every document's suggested questions and its Markdown
and Word briefing, the example questions and the library. Uses only the public surface
(`Assistant`, `briefing`), so the same script runs on both sides of a change.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import chromadb
import docx
from chromadb.config import Settings as ChromaSettings

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


def _single_threaded_collection(folder: Path) -> None:
    """Create the collection first, with one HNSW thread: a graph built in parallel differs
    from build to build, and with it the order of near ties in dense retrieval."""
    client = chromadb.PersistentClient(path=str(folder), settings=ChromaSettings(anonymized_telemetry=False))
    client.get_or_create_collection(Settings().collection, metadata={"hnsw:space": "cosine", "hnsw:num_threads": 1})
    chromadb.api.shared_system_client.SharedSystemClient.clear_system_cache()


def compare(paths: list[str]) -> None:
    """Every item (passages, each answer, each document's suggestions, examples, library)
    must have an output on the new side that the old side also gave."""
    split = paths.index("--")
    old, new = ([json.loads(Path(p).read_text("utf-8")) for p in side] for side in (paths[:split], paths[split + 1:]))
    seen_old, seen_new = _outputs(old), _outputs(new)
    unmatched = [item for item, outputs in seen_new.items() if not outputs & seen_old.get(item, set())]
    varying = [item for item in seen_old if len(seen_old[item] | seen_new[item]) > 1]
    print(f"{len(seen_old)} items; varying between runs: {len(varying)}; new with no matching old output: {len(unmatched)}")
    for item in unmatched:
        print("  changed:", item)
    sys.exit(1 if unmatched or seen_old.keys() != seen_new.keys() else 0)


def _outputs(runs: list[dict]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for run in runs:
        items = [("passages", run["passages"]), ("examples", run["examples"]), ("library", run["library"])]
        items += [(f"answer: {a['question']}", a) for a in run["answers"]]
        items += [(f"suggestions: {doc_id}", v) for doc_id, v in run["suggestions"].items()]
        for item, value in items:
            found.setdefault(item, set()).add(json.dumps(value, sort_keys=True, ensure_ascii=False))
    return found


def main() -> None:
    if sys.argv[1:2] == ["compare"]:
        return compare(sys.argv[2:])
    parser = argparse.ArgumentParser()
    parser.add_argument("--index", type=Path, help="Build the index here if absent; else ask over a copy of it.")
    index = parser.parse_args().index
    work = Path(tempfile.mkdtemp())
    if index and index.exists():
        shutil.copytree(index, work / "index")
    else:
        _single_threaded_collection(work / "index")
    assistant = Assistant(Settings(corpus_dir=ROOT / "corpus", index_dir=work / "index"))
    assistant.ingest([ROOT / "corpus"])  # unchanged files are skipped: a copied index stays as built
    if index and not index.exists():
        shutil.copytree(work / "index", index)
    passages = [[n.node_id, n.get_content(metadata_mode="none"), n.metadata] for n in assistant.index.committed_nodes()]
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
    json.dump({"passages": passages, "answers": answers, "suggestions": suggestions, "examples": assistant.example_questions(),
               "library": library}, sys.stdout, ensure_ascii=False, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
