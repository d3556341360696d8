"""Reading -> structure -> passages: a file on disk becomes documents and their passages."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

from assistant.access import is_sidecar
from assistant.ingest import metadata, structure
from assistant.ingest.passages import TokenCounter, build_passages
from assistant.ingest.read import SUPPORTED_SUFFIXES, Page, read_pages
from assistant.language.glossary import defined_abbreviations
from assistant.language.vocabulary import vocabulary
from assistant.types import Passage, SourceDocument

__all__ = ["ParsedDocument", "ParsedFile", "SUPPORTED_SUFFIXES", "expand_paths", "file_hash", "parse_file", "read_file",
           "same_name_as_an_earlier_file"]


@dataclass(frozen=True)
class ParsedDocument:
    document: SourceDocument
    passages: list[Passage]


@dataclass(frozen=True)
class ParsedFile:
    """A file's papers, and what reading it found (for the ingest report)."""

    papers: list[ParsedDocument]
    pages: int  # 0 for formats without pages
    pages_without_text: tuple[int, ...]  # PDF pages with no text layer: scans, which need OCR
    tables: int

    @property
    def passages(self) -> list[Passage]:
        return [p for paper in self.papers for p in paper.passages]


# Bump when a change to reading, passages or what is indexed with them (context line,
# acronym expansion) means existing indexes must be rebuilt: it is part of every file's
# hash, so the next `ingest` (and `make run`) re-indexes each file once.
INDEX_FORMAT = "17"


def file_hash(path: Path) -> str:
    return hashlib.sha256(INDEX_FORMAT.encode() + path.read_bytes()).hexdigest()[:16]


def parse_file(
    path: Path, count_tokens: TokenCounter, max_tokens: int, max_bytes: int | None = None
) -> list[ParsedDocument]:
    """Every paper in the file with its passages. Raises UnreadableFile."""
    return read_file(path, count_tokens, max_tokens, max_bytes).papers


def read_file(
    path: Path, count_tokens: TokenCounter, max_tokens: int, max_bytes: int | None = None
) -> ParsedFile:
    """The file's papers with their passages, and what reading it found. Raises UnreadableFile."""
    pages = read_pages(path, max_bytes=max_bytes)
    digest = file_hash(path)
    segments = structure.split_pack(structure.to_lines(pages))
    if not segments:
        segments = [structure.to_lines(pages)]
    pack_meta = metadata.extract(segments[0])
    glossary = _own_abbreviations(pages)
    parsed, tables = [], 0
    printed = {page.number: page.printed for page in pages if page.printed}
    for part, lines in enumerate(segments):
        meta = metadata.extract(lines).inherit(pack_meta)
        doc_id = f"{digest}-{part}"
        document = SourceDocument(
            doc_id=doc_id,
            source=path.name,
            file_hash=digest,
            title=meta.title or _fallback_title(path),
            council=meta.council,
            committee=meta.committee,
            meeting_date=meta.meeting_date,
            author=meta.author,
            kind=meta.kind,  # type: ignore[arg-type]
            part=part,
            glossary=glossary,
        )
        blocks = structure.blocks(lines)
        tables += sum(1 for block in blocks if block.kind == "table")
        passages = [replace(p, page_label=printed.get(p.page)) if p.page in printed else p
                    for p in build_passages(doc_id, blocks, count_tokens, max_tokens)]
        if passages:
            parsed.append(ParsedDocument(document, passages))
    paginated = [page for page in pages if page.number is not None]
    blank = tuple(page.number for page in paginated if not page.text_layer)
    return ParsedFile(parsed, len(paginated), blank, tables)


def _own_abbreviations(pages: list[Page]) -> tuple[tuple[str, str], ...]:
    """The abbreviations the file defines that the field's vocabulary does not already
    spell out (it knows EHCP; a paper's 'IMS' is its own). Per file, not per paper: a
    pack's reports share them (the transport report defines TCR, the next one uses it)."""
    known = vocabulary().glossary()
    defined = defined_abbreviations("\n".join(page.text for page in pages))
    return tuple((a, name) for a, name in defined.items() if a not in known and a.removesuffix("s") not in known)


def _fallback_title(path: Path) -> str:
    return path.stem.replace("-", " ").replace("_", " ").strip().capitalize()


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named directly are kept whatever their type (so they can be refused with a
    reason); folders contribute their supported files and anything else that is not hidden."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found.extend(
                p for p in sorted(path.rglob("*"))
                if p.is_file() and not p.name.startswith(".") and p.name.lower() != "readme.md"
                and not is_sidecar(p)  # who may see a paper, not a paper
            )
        else:
            found.append(path)
    return found


def same_name_as_an_earlier_file(files: list[Path]) -> dict[Path, Path]:
    """Each file whose name an earlier file of the same ingest already has (two folders'
    'minutes.pdf'), with that earlier file: the second would silently replace the first."""
    first: dict[str, Path] = {}
    return {path: first[path.name] for path in files if first.setdefault(path.name, path) != path}
