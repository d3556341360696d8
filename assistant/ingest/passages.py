"""Blocks -> passages: the units we index and cite.

- A numbered paragraph stays whole, anchored on its number ("3.11").
- A list keeps its lead-in sentence with its items.
- A table becomes one passage per row, serialised with its headers (see tables.py).
- Nothing is cut mid-sentence: a unit too long for the embedding model is split at
  sentence boundaries (lists at item boundaries, repeating the lead-in).
"""

from __future__ import annotations

from typing import Callable, Iterator

from assistant.ingest.structure import Block
from assistant.ingest.tables import TableReader
from assistant.language.sentences import split_sentences
from assistant.types import Passage

TokenCounter = Callable[[str], int]


def build_passages(doc_id: str, blocks: list[Block], count_tokens: TokenCounter, limit: int) -> list[Passage]:
    passages: list[Passage] = []
    tables = TableReader()
    cover, blocks = _cover(blocks)
    if cover is not None:
        blocks = [cover, *blocks]
    for block in blocks:
        for kind, text in _block_texts(block, tables, count_tokens, limit):
            passages.append(
                Passage(
                    passage_id=f"{doc_id}:{len(passages):04d}",
                    doc_id=doc_id,
                    text=text,
                    kind=kind,
                    section=block.section,
                    heading=block.heading,
                    caption=block.caption,
                    page=block.page,
                    order=len(passages),
                )
            )
    return passages


def _cover(blocks: list[Block]) -> tuple[Block | None, list[Block]]:
    """The title lines before the first paragraph (subject, author, meeting date...) are
    headings by shape, but they answer 'who presented this?': keep them as one passage."""
    leading = []
    for block in blocks:
        if block.kind != "heading" or block.section is not None:
            break
        leading.append(block)
    if len(leading) < 2:
        return None, blocks
    text = "\n".join(b.lines[0] for b in leading)
    return Block("cover", [text], leading[0].page), blocks[len(leading):]


def _block_texts(block: Block, tables: TableReader, count: TokenCounter, limit: int) -> Iterator[tuple[str, str]]:
    for kind, text in _unit_texts(block, tables, count, limit):
        for part in _within_limit(text, count, limit, keep=_row_label(text) if kind == "table_row" else ""):
            yield kind, part


def _unit_texts(block: Block, tables: TableReader, count: TokenCounter, limit: int) -> Iterator[tuple[str, str]]:
    if block.kind == "heading":
        return
    if block.kind == "cover":
        yield "text", block.lines[0]
        return
    if block.kind == "table":
        for row in tables.read(block.lines, block.caption):
            text = row.serialise()
            if text:
                yield "table_row", text
        return
    lead = " ".join(block.lines).strip()
    if block.kind == "list" and block.items:
        for text in _pack_list(lead, block.items, count, limit):
            yield "list", text
        return
    for text in _pack_sentences(split_sentences(lead), count, limit):
        yield ("paragraph" if block.section else "text"), text


def _within_limit(text: str, count: TokenCounter, limit: int, keep: str = "") -> Iterator[str]:
    """The text in parts the embedding model reads whole: never truncated. Sentences and
    list items are kept together upstream; a unit still too long (a list item of several
    sentences, a run of names with no full stop, a very wide row) is split between its
    sentences, then between words into parts of even length, each part of a row keeping
    its label: an even split leaves no tail of a few words ('family.') to be found alone."""
    if count(text) <= limit:
        yield text
        return
    sentences = [] if keep else split_sentences(text)
    if len(sentences) > 1:
        for part in _pack_sentences(sentences, count, limit):
            yield from _within_limit(part, count, limit) if count(part) > limit else [part]
        return
    yield from _even_parts(text, count, limit, keep)


def _even_parts(text: str, count: TokenCounter, limit: int, keep: str) -> list[str]:
    words = text[len(keep):].split(" ")
    parts = -(-count(text) // limit)
    while True:
        size = -(-len(words) // parts)
        chunks = [keep + " ".join(words[i:i + size]) for i in range(0, len(words), size)]
        if size == 1 or all(count(chunk) <= limit for chunk in chunks):
            return chunks
        parts += 1


def _row_label(row: str) -> str:
    """'Status: Total — ' of 'Status: Total — Dec-23: 1,997; ...'."""
    label, dash, _ = row.partition(" — ")
    return f"{label}{dash}" if dash else ""


def _pack_sentences(sentences: list[str], count: TokenCounter, limit: int) -> Iterator[str]:
    chunk: list[str] = []
    for sentence in sentences:
        if chunk and count(" ".join(chunk + [sentence])) > limit:
            yield " ".join(chunk)
            chunk = []
        chunk.append(sentence)
    if chunk:
        yield " ".join(chunk)


def _pack_list(lead: str, items: list[str], count: TokenCounter, limit: int) -> Iterator[str]:
    # Repeat the lead-in (its last sentence) on every part so each part says what the list is.
    intro = split_sentences(lead)[-1] if lead else ""
    first_lead = lead
    bullets: list[str] = []
    for item in items:
        head = first_lead if first_lead is not None else intro
        candidate = _format_list(head, bullets + [item])
        if bullets and count(candidate) > limit:
            yield _format_list(head, bullets)
            first_lead = None
            bullets = []
        bullets.append(item)
    if bullets:
        yield _format_list(first_lead if first_lead is not None else intro, bullets)


def _format_list(lead: str, items: list[str]) -> str:
    body = "\n".join(f"- {item}" for item in items)
    return f"{lead}\n{body}" if lead else body
