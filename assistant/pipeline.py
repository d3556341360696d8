"""The whole flow, top to bottom. CLI, web UI and evaluation all call this one object.

    assistant = Assistant(Settings())
    assistant.ingest([Path("corpus")])          # files -> passages -> Chroma (+ BM25)
    answer = assistant.ask("What is the re-referral rate?")   # -> Answer(citations)
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import zip_longest
from pathlib import Path
from typing import Callable, Iterable, Iterator, Sequence

from assistant.access import DEFAULT_GROUPS, is_sidecar, visible, with_access
from assistant.answer.extractive import ABSTAIN_TEXT, extract
from assistant.answer.generative import write_answer
from assistant.answer.grounding import check_sentence, evidence
from assistant.config import Settings
from assistant.conversation import condense
from assistant.errors import AssistantError, UnreadableFile
from assistant.index import Index
from assistant.ingest import SUPPORTED_SUFFIXES, file_hash, parse_file
from assistant.ingest.metadata import councils_named
from assistant.llm import describe, make_llm
from assistant.text import content_terms
from assistant.types import Answer, Citation, Filters, Grounding, Hit, SourceDocument

NO_COUNCIL = "\x00no council held\x00"
MAX_QUESTION_CHARS = 1000  # a question, not a pasted report
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A question is plain text: pasted markup (and any script in it) is not part of it.
_MARKUP = re.compile(r"<(script|style)\b.*?</\1\s*>|</?[A-Za-z][^<>]{0,300}>", re.I | re.S)


@dataclass(frozen=True)
class FileResult:
    path: str
    status: str  # "added" | "updated" | "unchanged" | "skipped" | "removed"
    documents: int = 0
    passages: int = 0
    reason: str | None = None


@dataclass(frozen=True)
class LibraryEntry:
    document: SourceDocument
    passages: int
    added: str | None  # ISO timestamp of the ingest that committed the file


class Assistant:
    def __init__(self, settings: Settings | None = None):
        self.settings = settings or Settings()

    @cached_property
    def index(self) -> Index:
        return Index(self.settings)

    @cached_property
    def llm(self):
        """The configured language model, or None (extractive answers only)."""
        return make_llm(self.settings)

    @cached_property
    def retriever(self):
        from assistant.retrieve import Retriever

        return Retriever(self.index, candidates=self.settings.candidates)

    # --- ingest ----------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[Path],
        rebuild: bool = False,
        prune: bool = False,
        on_file: Callable[[FileResult], None] | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> list[FileResult]:
        """Index every supported file under `paths`; unreadable files are skipped with a
        reason. With `prune`, documents whose files are no longer under `paths` (nor in
        the uploads folder) are removed. Holds the index's write lock throughout."""
        files = expand_paths(paths)
        results = []

        def report(result: FileResult) -> None:
            results.append(result)
            if on_file:
                on_file(result)

        with self.index.writing() as renew:
            if rebuild:
                self.index.reset()
            self.index.sweep_orphans()
            for path in files:
                report(self._ingest_one(path, on_progress))
                renew()
            if prune:
                for source in self._gone(files):
                    self.index.remove_file(source)
                    report(FileResult(source, "removed", reason="its file is no longer in the folders ingested"))
        self._forget_retriever()
        return results

    def _gone(self, files: list[Path]) -> list[str]:
        present = {f.name for f in files}
        if self.settings.upload_dir.is_dir():
            present |= {f.name for f in self.settings.upload_dir.iterdir()}
        return [source for source in self.index.manifest()["files"] if source not in present]

    def _ingest_one(self, path: Path, on_progress) -> FileResult:
        try:
            digest = file_hash(path)
            files = self.index.manifest()["files"]
            previous = files.get(path.name)
            if previous and previous["file_hash"] == digest:
                return FileResult(str(path), "unchanged", len(previous["documents"]), previous["passages"])
            # the same bytes under another name would share its passage ids
            twin = next((source for source, e in files.items() if e["file_hash"] == digest), None)
            if twin:
                raise UnreadableFile(path.name, f"it is the same paper as {twin}, which is already in the library")
            parsed = parse_file(
                path,
                self.index.embedder.count_tokens,
                self.settings.max_passage_tokens,
                max_bytes=int(self.settings.max_file_mb * 1e6),
            )
            if not parsed:
                raise UnreadableFile(path.name, "no passages could be made from the text")
            parsed = with_access(path, parsed)
            count = self.index.add_file(path.name, digest, parsed, on_batch=on_progress)
            return FileResult(str(path), "updated" if previous else "added", len(parsed), count)
        except UnreadableFile as exc:
            return FileResult(str(path), "skipped", reason=exc.reason)
        except OSError as exc:
            return FileResult(str(path), "skipped", reason=f"could not read the file ({exc.strerror})")

    def remove(self, source: str) -> bool:
        with self.index.writing():
            removed = self.index.remove_file(source)
        self._forget_retriever()
        return removed

    def check(self, repair: bool = False):
        """Inconsistencies between the manifest and the store (see `Index.check`)."""
        if not repair:
            return self.index.check()
        with self.index.writing():
            report = self.index.check(repair=True)
        self._forget_retriever()
        return report

    def documents(self, groups: tuple[str, ...] = ()) -> list[SourceDocument]:
        """The documents a viewer in `groups` may see (restricted ones only for their groups)."""
        return [d for d in self.index.documents() if visible(d, groups)]

    def set_access(self, source: str, restricted: bool, groups: tuple[str, ...] = ()) -> tuple[str, ...]:
        """An officer's decision on who may see a file's papers (confirming or overriding
        what was detected). Returns the groups that may see them (none: public)."""
        groups = tuple(groups) or (DEFAULT_GROUPS if restricted else ())
        note = f"restricted to {', '.join(groups)} by an officer" if restricted else None
        with self.index.writing():
            if not self.index.set_access(source, restricted, groups, note):
                raise AssistantError(f"no indexed file is called {source!r} (see `assistant documents`)")
        self._forget_retriever()
        return groups

    def library(self, groups: tuple[str, ...] = ()) -> list[LibraryEntry]:
        """Every document the viewer may see, with its passage count and when its file was added."""
        self._reload_if_changed()
        counts: dict[str, int] = {}
        for node in self.retriever.nodes:
            counts[node.metadata["doc_id"]] = counts.get(node.metadata["doc_id"], 0) + 1
        files = self.index.manifest()["files"]
        return [
            LibraryEntry(d, counts.get(d.doc_id, 0), files.get(d.source, {}).get("added"))
            for d in self._visible(groups)
        ]

    def example_questions(self, limit: int = 4, groups: tuple[str, ...] = ()) -> list[str]:
        from assistant.examples import example_questions
        from assistant.index import passage_from_node

        self._reload_if_changed()
        documents = self._visible(groups)
        shown = {d.doc_id for d in documents}
        passages = [passage_from_node(n) for n in self.retriever.nodes if n.metadata["doc_id"] in shown]
        return example_questions(documents, passages, limit)

    def suggest(self, doc_ids: Iterable[str], max_questions: int = 12, groups: tuple[str, ...] = ()):
        """Ranked, cited scrutiny questions for these documents (a report, or a meeting's papers)."""
        from assistant.index import passage_from_node
        from assistant.suggest import suggest_questions

        self._reload_if_changed()
        known = {d.doc_id: d for d in self._visible(groups)}
        wanted = list(dict.fromkeys(doc_ids))
        missing = [d for d in wanted if d not in known]
        if missing or not wanted:
            raise AssistantError(
                f"no indexed document has the id {', '.join(missing) or '(none given)'}; "
                "see `assistant documents` for the ids"
            )
        passages = [passage_from_node(n) for n in self.retriever.nodes if n.metadata["doc_id"] in wanted]
        suggestions = suggest_questions([known[d] for d in wanted], passages, max_questions)
        if self.llm is None or not suggestions.questions:
            return suggestions
        from assistant.suggest.rephrase import rephrase

        return rephrase(suggestions, passages, self.llm, self.settings.llm_timeout, max_questions)

    def doc_ids_for_source(self, source: str) -> list[str]:
        """The documents indexed from a file (by its name), ingesting the file first if it
        is a path to something not yet indexed."""
        path = Path(source)
        if path.is_file():
            result = self.ingest([path])[0]
            if result.status == "skipped":
                raise AssistantError(f"{path.name} could not be read: {result.reason}")
        name = path.name
        found = [d.doc_id for d in self.index.documents() if d.source == name]
        if not found:
            raise AssistantError(f"no indexed file is called {name!r} (see `assistant documents`)")
        return found

    def _visible(self, groups: tuple[str, ...]) -> list[SourceDocument]:
        """The loaded documents a viewer in `groups` may see (the snapshot the passages,
        BM25 and library counts come from)."""
        return [d for d in self.retriever.documents.values() if visible(d, groups)]

    def _forget_retriever(self) -> None:
        self.__dict__.pop("retriever", None)

    def _reload_if_changed(self) -> None:
        """Another process (or machine, with a Chroma server) may have committed since the
        passages were loaded: then load them again, BM25 included."""
        loaded = self.__dict__.get("retriever")
        if loaded is not None and loaded.version != self.index.version():
            self._forget_retriever()

    # --- ask -------------------------------------------------------------------------

    def ask(self, question: str, filters: Filters = Filters(), top_k: int | None = None,
            history: Sequence[str] = ()) -> Answer:
        """The complete answer (see `answers` for the snapshots while it is written)."""
        answer = None
        for answer in self.answers(question, filters, top_k, history):
            pass
        return answer

    def answers(self, question: str, filters: Filters = Filters(), top_k: int | None = None,
                history: Sequence[str] = ()) -> Iterator[Answer]:
        """The answer to a question, as snapshots: with a language model, the sources as
        soon as retrieval is done, then the checked sentences as they are written; the
        last snapshot is complete. `history`: earlier questions, as searched for."""
        question = " ".join(_MARKUP.sub(" ", _CONTROL.sub(" ", question)).split())
        if not question:
            raise AssistantError("Please type a question.")
        if len(question) > MAX_QUESTION_CHARS:
            raise AssistantError(
                f"Questions can be at most {MAX_QUESTION_CHARS:,} characters (this one has {len(question):,}); "
                "please ask about one thing at a time."
            )
        top_k = top_k or self.settings.top_k
        clock = _Stopwatch()
        self._reload_if_changed()
        searched_for = condense(question, list(history), self.llm, self.settings.llm_timeout)
        clock.lap("condense")
        hits, compared = self._retrieve(searched_for, filters, top_k)
        clock.lap("retrieve")
        answer = self.answer(searched_for, hits, top_k, compare=compared)
        clock.lap("answer")
        asked = {"question": question, "searched_for": searched_for if searched_for != question else None}
        if self.llm is not None and not answer.abstained:
            written = write_answer(searched_for, hits[:top_k], self.llm, self.settings.llm_timeout,
                                   describe(self.settings), fallback=answer)
            for answer in written:
                if not answer.complete:
                    yield replace(answer, **asked)
            clock.lap("write")
        yield replace(answer, **asked, timings_ms=clock.timings())

    def _retrieve(self, question: str, filters: Filters, top_k: int) -> tuple[list[Hit], tuple[str, ...]]:
        """The passages to answer from, and the councils being compared (if any)."""
        # a council filter set by the member wins over any council the question names
        mentioned = () if filters.council else tuple(councils_named(question))
        held = self._held(mentioned)
        compared = held if len(held) > 1 else ()
        if compared:
            return self._search_each_council(question, filters, compared, top_k), compared
        filters = self._scope_to_named_council(filters, mentioned, held)
        return self.retriever.search(question, filters, top_k=top_k), ()

    def _scope_to_named_council(self, filters: Filters, mentioned: tuple[str, ...], held: tuple[str, ...]) -> Filters:
        """'...in Barnsley?' means Barnsley's papers: a figure from another council would be
        a wrong answer, not a near miss. Only when exactly one council is named; councils
        we hold no papers for are ordinary words (Torbay is quoted in North Somerset's
        papers)."""
        if len(held) == 1:
            return replace(filters, council=held[0])
        if mentioned and not held and not any(self._in_papers(c) for c in mentioned):
            return replace(filters, council=NO_COUNCIL)  # e.g. Kent: nothing we hold speaks of it
        return filters

    def _held(self, councils: tuple[str, ...]) -> tuple[str, ...]:
        """The councils, of those given, that we hold papers for."""
        held = {d.council for d in self.retriever.documents.values() if d.council}
        return tuple(c for c in councils if c in held)

    def _search_each_council(self, question: str, filters: Filters, councils, top_k: int) -> list[Hit]:
        """'How do X compare between Barnsley and North Somerset?': each council's papers
        are searched on their own, so neither side is crowded out of the sources."""
        per_council = [self.retriever.search(question, replace(filters, council=c), top_k) for c in councils]
        interleaved = [hit for group in zip_longest(*per_council) for hit in group if hit]
        return interleaved[:top_k]

    def _in_papers(self, council: str) -> bool:
        place = council.replace(" County Council", "").replace(" Council", "")
        return all(term in self.retriever.idf for term in content_terms(place))

    def answer(self, question: str, hits: list[Hit], top_k: int, compare: tuple[str, ...] = ()) -> Answer:
        extraction = extract(question, hits, self.retriever.idf, compare=compare)
        if not extraction.quotes or extraction.support < self.settings.abstain_below:
            citations = tuple(Citation.from_hit(i + 1, h) for i, h in enumerate(hits[:top_k]))
            return Answer(question, ABSTAIN_TEXT, True, citations, support=extraction.support)
        order = _citation_order([q.hit_index for q in extraction.quotes], len(hits), top_k)
        number_of = {hit_index: n for n, hit_index in enumerate(order, start=1)}
        quotes_by_hit = {q.hit_index: q.text for q in extraction.quotes}
        citations = tuple(
            Citation.from_hit(n, hits[i], quote=quotes_by_hit.get(i)) for i, n in number_of.items()
        )
        sentences = [f"{q.text} [{number_of[q.hit_index]}]" for q in extraction.quotes]
        # Quotes are copied, so they pass by construction; checking them anyway keeps one
        # grounding report for every backend (and would catch a quoting bug).
        passages = {n: evidence(hits[i]) for i, n in number_of.items()}
        grounding = Grounding(tuple(check_sentence(s, passages) for s in sentences))
        return Answer(question, " ".join(sentences), False, citations, support=extraction.support, grounding=grounding)


class _Stopwatch:
    def __init__(self):
        self.started = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round((now - self.last) * 1000, 1)
        self.last = now

    def timings(self) -> dict[str, float]:
        return {**self.laps, "total": round((self.last - self.started) * 1000, 1)}


def _citation_order(quoted: list[int], available: int, top_k: int) -> list[int]:
    """Quoted passages first (in the order quoted), then the other top hits."""
    order = list(dict.fromkeys(quoted))
    order += [i for i in range(available) if i not in order]
    return order[: max(top_k, len(set(quoted)))]


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


__all__ = ["Assistant", "FileResult", "SUPPORTED_SUFFIXES", "expand_paths"]
