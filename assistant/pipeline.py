"""The whole flow, top to bottom. CLI, web UI and evaluation all call this one object.

    assistant = Assistant(Settings())
    assistant.ingest([Path("corpus")])          # files -> passages -> Chroma (+ BM25)
    answer = assistant.ask("What is the re-referral rate?")   # -> Answer(citations)

`Assistant` only puts the stages in order; each stage owns its work:
condense (conversation) -> retrieve (retrieve/) -> answer (answer/extractive) -> write and
ground (answer/generative, with a language model) -> the finished Answer. Tests and
deployments pass real components in: `Assistant(settings, index=..., embedder=..., llm=...)`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from functools import partial
from itertools import islice
from pathlib import Path
from threading import Lock
from typing import Callable, Iterable, Iterator, Sequence

from assistant.access import DEFAULT_GROUPS, declare, sidecar_of, visible, with_access
from assistant.answer.extractive import compose
from assistant.answer.quotes import embed_quotes, quotes_to_embed
from assistant.answer.generative import write_answer
from assistant.chroma_server import answering
from assistant.config import Settings
from assistant.corrections import validated, with_corrections
from assistant.conversation import condense, tidy_question
from assistant.embedding import Embedder
from assistant.errors import AssistantError, UnreadableFile
from assistant.examples import candidate_questions
from assistant.index import Index
from assistant.language.remits import remit_named
from assistant.ingest import SUPPORTED_SUFFIXES, expand_paths, file_hash, read_file, same_name_as_an_earlier_file
from assistant.ingest.cards import is_card
from assistant.ingest.results import FileResult, Progress
from assistant.llm import describe, make_llm
from assistant.retrieve import LexicalIndex, Retriever, Snapshot
from assistant.suggest import Suggestions, promised_last_time, suggest_questions
from assistant.suggest.rephrase import rephrase
from assistant.types import Answer, Filters, SourceDocument
from assistant.view import InContext, PageView, in_context, render_page, shows_pages

MAX_EXAMPLE_CANDIDATES = 24  # asked at most, for four examples (about 0.1 s each)
_CONFIGURED = object()  # `llm` not given: use the one the settings describe (or none)


@dataclass(frozen=True)
class LibraryEntry:
    document: SourceDocument
    passages: int
    added: str | None  # ISO timestamp of the ingest that committed the file


class Assistant:
    def __init__(self, settings: Settings | None = None, *, index: Index | None = None,
                 embedder: Embedder | None = None, llm=_CONFIGURED):
        self.settings = settings or Settings()
        remit_named(self.settings.remit)  # a misspelt remit is said at start, not at the first suggestion
        self.index = index or Index(self.settings, embedder)
        self.lexical = LexicalIndex.beside(self.index)
        self._llm = llm
        self._retriever: Retriever | None = None
        self._loading = Lock()
        self._examples: dict[tuple, list[str]] = {}  # by (index version, groups, limit)

    @property
    def llm(self):
        """The language model: the one given, else the configured one, or None (quotes only)."""
        if self._llm is _CONFIGURED:
            self._llm = make_llm(self.settings)
        return self._llm

    @property
    def retriever(self) -> Retriever:
        """Search over the committed passages, loaded again when another process (or
        machine, with a Chroma server) has committed since they were loaded. Members
        asking at that moment wait for one load rather than each making their own."""
        with answering(), self._loading:
            if self._retriever is None or self._retriever.version != self.index.version():
                self.index.see_other_writers()
                self._retriever = Retriever(self.index, self.lexical, self.settings.candidates)
            return self._retriever

    @property
    def snapshot(self) -> Snapshot:
        return self.retriever.snapshot

    def reload(self) -> None:
        """Read the committed passages again at the next request (after a change to the
        store made behind this object's back)."""
        self._retriever = None

    # --- ingest ----------------------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[Path],
        rebuild: bool = False,
        prune: bool = False,
        on_file: Callable[[FileResult], None] | None = None,
        on_progress: Callable[[Progress], None] | None = None,
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
            namesakes = same_name_as_an_earlier_file(files)
            for number, path in enumerate(files, 1):
                if path in namesakes:
                    report(FileResult(str(path), "skipped", reason=(
                        f"{namesakes[path]} has the same file name and the library knows papers by their "
                        "file name; rename one of them and ingest it again")))
                    continue
                tell = partial(_tell, on_progress, Progress(path.name, number, len(files), "reading"))
                report(self._ingest_one(path, tell))
                renew()
            if prune:
                for source in self._gone(files):
                    self.index.remove_file(source)
                    report(FileResult(source, "removed", reason="its file is no longer in the folders ingested"))
        self.reload()
        self.lexical.sync(self.index)  # here, so the app processes on this machine find it done
        return results

    def _gone(self, files: list[Path]) -> list[str]:
        present = {f.name for f in files}
        if self.settings.upload_dir.is_dir():
            present |= {f.name for f in self.settings.upload_dir.iterdir()}
        return [source for source in self.index.files() if source not in present]

    def _ingest_one(self, path: Path, tell: Callable[..., None]) -> FileResult:
        try:
            digest = file_hash(path)
            files = self.index.files()
            previous = files.get(path.name)
            if previous and previous.file_hash == digest:
                return FileResult(str(path), "unchanged", len(previous.documents), previous.passages)
            # the same bytes under another name would share its passage ids
            twin = next((source for source, e in files.items() if e.file_hash == digest), None)
            if twin:
                raise UnreadableFile(path.name, f"it is the same paper as {twin}, which is already in the library")
            tell(stage="reading")
            read = read_file(
                path,
                self.index.embedder.count_tokens,
                self.settings.max_passage_tokens,
                max_bytes=int(self.settings.max_file_mb * 1e6),
            )
            if not read.papers:
                raise UnreadableFile(path.name, "no passages could be made from the text")
            papers = with_corrections(with_access(path, read.papers), self.index.corrections(path.name))
            quotes = quotes_to_embed(papers, self.lexical)
            total, done = sum(len(p.passages) for p in papers) + len(quotes), 0
            tell(stage="embedding", total=total)

            def embedded(batch: int) -> None:
                nonlocal done
                done += batch
                tell(stage="embedding", done=done, total=total)

            count = self.index.add_file(path.name, digest, papers, on_batch=embedded, path=path)
            embed_quotes(path.name, quotes, self.index.embedder, self.lexical, on_batch=embedded)
            rows = [p for p in read.passages if p.kind == "table_row"]
            return FileResult(str(path), "updated" if previous else "added", len(read.papers), count,
                              pages=read.pages, pages_without_text=read.pages_without_text, tables=read.tables,
                              rows=len(rows), cards=sum(1 for p in rows if is_card(p.text)))
        except UnreadableFile as exc:
            return FileResult(str(path), "skipped", reason=exc.reason)
        except OSError as exc:
            return FileResult(str(path), "skipped", reason=f"could not read the file ({exc.strerror})")

    def remove(self, source: str) -> bool:
        """Take a file's papers out of the library; a copy uploaded through the web page is
        the library's own, so it goes too (a file ingested from elsewhere is left alone)."""
        uploaded = self.uploaded_copy(source)
        with self.index.writing():
            removed = self.index.remove_file(source)
            uploaded.unlink(missing_ok=True)
            sidecar_of(uploaded).unlink(missing_ok=True)
        self.reload()
        return removed

    def check(self, repair: bool = False):
        """Inconsistencies between the manifest and the store (see `Index.check`)."""
        if not repair:
            return self.index.check()
        with self.index.writing():
            report = self.index.check(repair=True)
        self.reload()
        return report

    def set_access(self, source: str, restricted: bool, groups: tuple[str, ...] = ()) -> tuple[str, ...]:
        """An officer's decision on who may see a file's papers (confirming or overriding
        what was detected). Returns the groups that may see them (none: public)."""
        groups = tuple(groups) or (DEFAULT_GROUPS if restricted else ())
        note = f"restricted to {', '.join(groups)} by an officer" if restricted else None
        with self.index.writing():
            uploaded = self.uploaded_copy(source)
            if uploaded.is_file():  # the library's own file: the decision goes with it
                declare(uploaded, restricted, list(groups))
            if not self.index.set_access(source, restricted, groups, note):
                raise AssistantError(f"no indexed file is called {source!r} (see `assistant documents`)")
        self.reload()
        return groups

    def correct(self, doc_id: str, **fields: str | None) -> SourceDocument:
        """An officer's correction of a paper's title, meeting date, kind, committee or
        council: shown and searched at once, and kept through re-ingests of its file."""
        fields = validated(fields)
        entry = next((e for e in self.index.files().values() if any(d.doc_id == doc_id for d in e.documents)), None)
        if entry is None:
            raise AssistantError(f"no indexed document has the id {doc_id!r}; see `assistant documents` for the ids")
        document = replace(next(d for d in entry.documents if d.doc_id == doc_id), **fields)
        with self.index.writing():
            self.index.correct(entry.source, document, fields)
        self.reload()
        return document

    # --- what the library holds ------------------------------------------------------

    def documents(self, groups: tuple[str, ...] = ()) -> list[SourceDocument]:
        """The documents a viewer in `groups` may see (restricted ones only for their groups)."""
        return [d for d in self.index.documents() if visible(d, groups)]

    def library(self, groups: tuple[str, ...] = ()) -> list[LibraryEntry]:
        """Every document the viewer may see, with its passage count and when its file was added."""
        snapshot = self.snapshot
        counts = snapshot.passage_counts()
        return [
            LibraryEntry(d, counts.get(d.doc_id, 0), snapshot.files[d.source].added)
            for d in snapshot.visible(groups)
        ]

    def original(self, source: str) -> Path | None:
        """The file a paper was read from, if it is still there (an upload, or where
        `assistant ingest` read it)."""
        entry = self.snapshot.files.get(source)
        candidates = [entry.path if entry else None, self.uploaded_copy(source)]
        return next((Path(c) for c in candidates if c and Path(c).is_file()), None)

    def uploaded_copy(self, source: str) -> Path:
        """Where a file uploaded through the web page is kept (it may not be there)."""
        return self.settings.upload_dir / Path(source).name

    def view(self, passage_id: str, quote: str | None = None, groups: tuple[str, ...] = ()) -> PageView | InContext:
        """A cited passage where it sits: its PDF page with `quote` (else the passage)
        highlighted, or the paragraphs around it for other papers."""
        snapshot = self.snapshot
        passage = snapshot.passage(passage_id)
        document = snapshot.documents.get(passage.doc_id) if passage else None
        if document is None or not visible(document, groups):
            raise AssistantError("that passage is not in the library any more")
        note = None
        if shows_pages(document.source) and passage.page:
            path = self.original(document.source)
            if path:
                return render_page(path, passage.page, quote or passage.text)
            note = f"The PDF is no longer where it was read from, so its page {passage.page} cannot be shown."
        return in_context(document, snapshot.passages_of([document.doc_id]), passage_id, note)

    def example_questions(self, limit: int = 4, groups: tuple[str, ...] = ()) -> list[str]:
        """Questions for a first visit that these papers answer: each candidate is asked,
        and kept only when the answer is not a refusal and cites the paper it was written
        from (a page's own examples must never be refused or answered from elsewhere)."""
        snapshot = self.snapshot
        key = (snapshot.version, groups, limit)
        if key not in self._examples:
            documents = snapshot.visible(groups)
            candidates = candidate_questions(documents, snapshot.passages_of, MAX_EXAMPLE_CANDIDATES)
            # every viewer's examples for the committed state; none for an earlier one
            self._examples = {k: v for k, v in self._examples.items() if k[0] == snapshot.version}
            self._examples[key] = list(islice(self._answered(candidates, groups), limit))
        return self._examples[key]

    def _answered(self, candidates: list[tuple[str, str]], groups: tuple[str, ...]) -> Iterator[str]:
        for question, doc_id in candidates[:MAX_EXAMPLE_CANDIDATES]:
            answer = self.ask(question, Filters(groups=groups), written=False)  # what is checked is the quote
            if not answer.abstained and answer.citations and answer.citations[0].doc_id == doc_id:
                yield question

    def suggest(self, doc_ids: Iterable[str], max_questions: int = 12, groups: tuple[str, ...] = ()) -> Suggestions:
        """Ranked, cited scrutiny questions for these documents (a report, or a meeting's papers)."""
        snapshot = self.snapshot
        known = {d.doc_id: d for d in snapshot.visible(groups)}
        wanted = list(dict.fromkeys(doc_ids))
        missing = [d for d in wanted if d not in known]
        if missing or not wanted:
            raise AssistantError(
                f"no indexed document has the id {', '.join(missing) or '(none given)'}; "
                "see `assistant documents` for the ids"
            )
        passages = snapshot.passages_of(wanted)
        library = list(known.values())
        suggestions = suggest_questions([known[d] for d in wanted], passages, max_questions, self.settings.remit,
                                        library, snapshot.passages_of)
        minutes, promised = promised_last_time([known[d] for d in wanted], library, snapshot.passages_of,
                                               snapshot.idf(groups))
        suggestions = replace(suggestions, promises=tuple(promised), promised_at=minutes)
        if self.llm is None or not suggestions.questions:
            return suggestions
        return rephrase(suggestions, passages, self.llm, self.settings.llm_timeout, max_questions)

    def doc_ids_for_source(self, source: str) -> list[str]:
        """The documents indexed from a file (by its name), ingesting the file first if it
        is a path to something not yet indexed."""
        path = Path(source)
        if path.is_file():
            result = self.ingest([path])[0]
            if result.status == "skipped":
                raise AssistantError(f"{path.name} could not be read: {result.reason}")
        entry = self.index.files().get(path.name)
        if entry is None:
            raise AssistantError(f"no indexed file is called {path.name!r} (see `assistant documents`)")
        return [d.doc_id for d in entry.documents]

    # --- ask -------------------------------------------------------------------------

    def ask(self, question: str, filters: Filters = Filters(), top_k: int | None = None,
            history: Sequence[str] = (), written: bool = True) -> Answer:
        """The complete answer (see `answers` for the snapshots while it is written)."""
        answer = None
        for answer in self.answers(question, filters, top_k, history, written):
            pass
        return answer

    def answers(self, question: str, filters: Filters = Filters(), top_k: int | None = None,
                history: Sequence[str] = (), written: bool = True) -> Iterator[Answer]:
        """The answer to a question, as snapshots: with a language model, the sources as
        soon as retrieval is done, then the checked sentences as they are written; the
        last snapshot is complete. `history`: earlier questions, as searched for;
        `written=False`: quotes only, even with a language model configured."""
        llm = self.llm if written else None
        question = tidy_question(question)
        top_k = top_k or self.settings.top_k
        clock = _Stopwatch()
        retriever = self.retriever
        searched_for = condense(question, list(history), llm, self.settings.llm_timeout)
        clock.lap("condense")
        with answering():
            found = retriever.retrieve(searched_for, filters, top_k)
        clock.lap("retrieve")
        answer = compose(searched_for, found.hits, retriever.snapshot.idf(filters.groups), top_k,
                         self.settings.abstain_below,
                         compare=found.compared,
                         similarity=partial(self.index.embedder.similarities, stored=self.lexical.quote_vectors))
        clock.lap("answer")
        asked = {"question": question, "searched_for": searched_for if searched_for != question else None}
        if llm is not None and not answer.abstained:
            drafts = write_answer(searched_for, found.hits[:top_k], llm, self.settings.llm_timeout,
                                  describe(self.settings), fallback=answer)
            for answer in drafts:
                if not answer.complete:
                    yield replace(_noting(answer, found.note), **asked)
            clock.lap("write")
        yield replace(_noting(answer, found.note), **asked, timings_ms=clock.timings())


def _tell(listener: Callable[[Progress], None] | None, at: Progress, **change) -> None:
    if listener:
        listener(replace(at, **change))


def _noting(answer: Answer, note: str | None) -> Answer:
    """The answer with what retrieval's scope left out said first (a filter on another
    council, a council with no papers here)."""
    return replace(answer, notice=" ".join(n for n in (note, answer.notice) if n) or None) if note else answer


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


__all__ = ["Assistant", "FileResult", "LibraryEntry", "SUPPORTED_SUFFIXES", "expand_paths"]
