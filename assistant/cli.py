"""`assistant` on the command line: a thin layer over `Assistant`.

Parses arguments, calls the pipeline, prints. Library errors become one plain line and a
non-zero exit code, never a stack trace.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from assistant import chroma_server, evaluation
from assistant.access import add_user, split_groups
from assistant.corrections import EDITABLE
from assistant.answer.render import as_plain_text
from assistant.briefing import as_markdown, write_briefing
from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.ingest import expand_paths
from assistant.pipeline import Assistant
from assistant.retrieve import make_filters
from assistant.types import Filters, SourceDocument
from assistant.web.app import serve


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        settings = Settings(**_llm_overrides(args))
    except ValueError as exc:  # pydantic's ValidationError: a bad setting, said plainly
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        return args.run(args, settings)
    except AssistantError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    llm = _llm_options()
    _library_commands(sub)
    _question_commands(sub, llm)
    _people_commands(sub)
    _eval_command(sub, llm)
    return parser


def _library_commands(sub) -> None:
    """What is in the index: ingest, index check, documents, remove."""
    ingest = sub.add_parser("ingest", help="Read papers into the index (default: corpus/).")
    ingest.add_argument("paths", nargs="*", type=Path)
    ingest.add_argument("--rebuild", action="store_true", help="Empty the index first.")
    ingest.add_argument("--prune", action="store_true",
                        help="Also remove documents whose files are no longer under PATHs (or uploaded).")
    ingest.set_defaults(run=cmd_ingest)

    index = sub.add_parser("index", help="Look after the index.")
    index_sub = index.add_subparsers(dest="index_command", required=True)
    check = index_sub.add_parser("check", help="Report (and with --repair, mend) inconsistencies.")
    check.add_argument("--repair", action="store_true", help="Delete stray passages; un-commit incomplete files.")
    check.set_defaults(run=cmd_index_check)
    server = index_sub.add_parser("serve", help="Run the shared Chroma server, demanding ASSISTANT_CHROMA_TOKEN.")
    server.add_argument("--path", type=Path, required=True, help="Where the server keeps its data.")
    server.add_argument("--host", default="127.0.0.1", help="Interface to listen on.")
    server.add_argument("--port", type=int, default=8000)
    server.set_defaults(run=cmd_index_serve)

    docs = sub.add_parser("documents", help="List the indexed documents.")
    docs.add_argument("--json", action="store_true")
    _add_group_arg(docs)
    docs.set_defaults(run=cmd_documents)

    remove = sub.add_parser("remove", help="Remove a file's documents from the index.")
    remove.add_argument("source", help="File name as listed by `assistant documents`.")
    remove.set_defaults(run=cmd_remove)


def _question_commands(sub, llm: argparse.ArgumentParser) -> None:
    """Asking and preparing: ask, chat, serve, suggest."""
    ask = sub.add_parser("ask", help="Ask a question; the answer cites the papers.", parents=[llm])
    ask.add_argument("question")
    _add_filter_args(ask)
    ask.add_argument("--top-k", type=int, default=None, help="Citations to return.")
    ask.add_argument("--json", action="store_true", help="Print one JSON object (stable schema).")
    ask.set_defaults(run=cmd_ask)

    chat = sub.add_parser("chat", help="Ask questions one after another (Ctrl-D to stop).", parents=[llm])
    _add_filter_args(chat)
    chat.set_defaults(run=cmd_chat)

    serve = sub.add_parser("serve", help="Start the web UI (default http://127.0.0.1:7860).", parents=[llm])
    serve.add_argument("--host", default="127.0.0.1", help="Interface to listen on.")
    serve.add_argument("--port", type=int, default=7860)
    serve.set_defaults(run=cmd_serve)

    suggest = sub.add_parser("suggest", help="Suggest cited scrutiny questions for a report or meeting.", parents=[llm])
    which = suggest.add_mutually_exclusive_group(required=True)
    which.add_argument("--source", help="A paper's file name (or a path: it is ingested first).")
    which.add_argument("--doc-id", action="append", help="A document id; repeat for a whole meeting.")
    suggest.add_argument("--max", type=int, default=12, help="Most questions to suggest (default 12).")
    _add_group_arg(suggest)
    suggest.add_argument("--json", action="store_true", help="Print one JSON object.")
    suggest.add_argument("--briefing", type=Path, help="Also write a briefing (.md or .docx) with all the questions.")
    suggest.set_defaults(run=cmd_suggest)


def _people_commands(sub) -> None:
    """Officers' decisions about papers and people: access, correct, users add."""
    access = sub.add_parser("access", help="Confirm or set who may see a file's papers.")
    access.add_argument("source", help="File name as listed by `assistant documents`.")
    decision = access.add_mutually_exclusive_group(required=True)
    decision.add_argument("--public", action="store_true", help="Anyone may see it.")
    decision.add_argument("--groups", help="Restricted to these groups (comma-separated).")
    access.set_defaults(run=cmd_access)

    correct = sub.add_parser("correct", help="Correct what was read from a paper's front; kept through re-ingests.")
    correct.add_argument("doc_id", help="The paper's id, as listed by `assistant documents`.")
    correct.add_argument("--title")
    correct.add_argument("--date", dest="meeting_date", help="Meeting date, YYYY-MM-DD.")
    correct.add_argument("--kind", help="report, minutes, agenda or 'work programme'.")
    correct.add_argument("--committee")
    correct.add_argument("--council")
    correct.set_defaults(run=cmd_correct)

    users = sub.add_parser("users", help="Manage the users file (ASSISTANT_USERS).")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="Add or replace a user; the password is read from stdin.")
    add.add_argument("name")
    add.add_argument("--groups", default="", help="Comma-separated groups, e.g. officers,cabinet.")
    add.set_defaults(run=cmd_users_add)


def _eval_command(sub, llm: argparse.ArgumentParser) -> None:
    ev = sub.add_parser("eval", help="Run the known-facts evaluation (and its gate).", parents=[llm])
    ev.add_argument("--dataset", type=Path, action="append",
                    help="A question set (default eval/known_facts.jsonl). Give several to score each "
                    "and their union.")
    ev.add_argument("--out", type=Path, help="Write the full results JSON here.")
    ev.add_argument("--json", action="store_true", help="Print the summary as JSON.")
    ev.add_argument("--no-gate", action="store_true", help="Report only; do not fail on thresholds.")
    ev.add_argument("--no-baseline", action="store_true", help="Skip the plain LlamaIndex baseline row.")
    ev.add_argument("--thresholds", type=Path, action="append",
                    help="The gate of each --dataset, in the same order (default eval/thresholds.toml "
                    "for the default set; several sets without thresholds are only reported).")
    ev.add_argument("--calibrate", action="store_true",
                    help="Also report the abstention threshold these questions support.")
    ev.set_defaults(run=cmd_eval)


def _llm_options() -> argparse.ArgumentParser:
    """The language-model settings, on every command that answers or suggests; each
    overrides its ASSISTANT_LLM_* variable (or .env line) for this run."""
    options = argparse.ArgumentParser(add_help=False)
    group = options.add_argument_group("language model (optional; answers are always checked)")
    group.add_argument("--llm", choices=["none", "openai-compatible", "ollama", "llama-cpp"])
    group.add_argument("--llm-base-url", help="e.g. http://127.0.0.1:11434/v1")
    group.add_argument("--llm-model", help="Model name (llama-cpp: path to a GGUF file).")
    group.add_argument("--llm-api-key", help="Prefer ASSISTANT_LLM_API_KEY: arguments are visible to other users.")
    group.add_argument("--llm-timeout", type=float, help="Seconds before the extractive answer is shown instead.")
    group.add_argument("--llm-max-tokens", type=int)
    return options


def _llm_overrides(args) -> dict:
    names = ("llm", "llm_base_url", "llm_model", "llm_api_key", "llm_timeout", "llm_max_tokens")
    return {n: getattr(args, n) for n in names if getattr(args, n, None) is not None}


def _add_group_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--group", action="append", default=[],
                        help="Also search restricted papers open to this group (for operators; repeatable).")


def _add_filter_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--council", help="Only this council's papers (e.g. 'barnsley').")
    parser.add_argument("--doc-id", action="append", default=[], help="Only this document.")
    parser.add_argument("--kind", choices=["report", "minutes", "agenda", "work programme"])
    parser.add_argument("--from", dest="date_from", type=date.fromisoformat, help="Meetings on/after YYYY-MM-DD.")
    parser.add_argument("--to", dest="date_to", type=date.fromisoformat, help="Meetings on/before YYYY-MM-DD.")
    _add_group_arg(parser)


def _filters(args) -> Filters:
    return make_filters(args.council, args.doc_id, args.kind, args.date_from, args.date_to, groups=args.group)


def _assistant(settings: Settings) -> Assistant:
    return Assistant(settings)


# --- commands --------------------------------------------------------------------------

def cmd_ingest(args, settings: Settings) -> int:
    console = Console(stderr=True)
    paths = args.paths or [settings.corpus_dir]
    files = expand_paths(paths)
    assistant = _assistant(settings)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("Ingesting", total=len(files))

        def on_file(result):
            progress.advance(task)
            _print_file_result(console, result)

        def on_progress(at) -> None:  # the same stages the web page shows
            progress.update(task, description=str(at))

        results = assistant.ingest(paths, rebuild=args.rebuild, prune=args.prune, on_file=on_file,
                                   on_progress=on_progress)
    skipped = [r for r in results if r.status == "skipped"]
    removed = [r for r in results if r.status == "removed"]
    total = assistant.index.passage_count()
    console.print(
        f"{len(results) - len(skipped) - len(removed)} file(s) indexed, {len(skipped)} skipped, {len(removed)} removed; "
        f"{len(assistant.documents())} documents, {total} passages in {settings.index_dir}"
    )
    return 1 if skipped else 0


def _print_file_result(console, result) -> None:
    name = Path(result.path).name
    if result.status == "skipped":
        console.print(f"[red]skipped[/red]   {name}: {result.reason}")
    elif result.status == "removed":
        console.print(f"removed   {name}: {result.reason}")
    else:
        console.print(f"{result.status:<9} {name}: {result.found()}")


def cmd_index_serve(args, settings: Settings) -> int:
    chroma_server.run(args.path, settings.chroma_token.get_secret_value(), args.host, args.port)
    return 0


def cmd_index_check(args, settings: Settings) -> int:
    report = _assistant(settings).check(repair=args.repair)
    print("\n".join(report.lines()))
    return 0 if report.ok or args.repair else 1


def cmd_ask(args, settings: Settings) -> int:
    answer = _assistant(settings).ask(args.question, _filters(args), top_k=args.top_k)
    if args.json:
        print(json.dumps(answer.to_json(), ensure_ascii=False))
    else:
        print(as_plain_text(answer))
    return 0


def cmd_chat(args, settings: Settings) -> int:
    assistant = _assistant(settings)
    filters = _filters(args)
    asked: list[str] = []  # as searched for, so a follow-up can be read with what came before
    print("Ask about the papers (Ctrl-D to stop).", file=sys.stderr)
    while True:
        try:
            question = input("? ").strip()
        except EOFError:
            return 0
        if question:
            try:
                answer = assistant.ask(question, filters, history=asked)
            except AssistantError as exc:
                print(f"error: {exc}", file=sys.stderr)
                continue
            asked.append(answer.searched_for or answer.question)
            print(as_plain_text(answer) + "\n")


def cmd_serve(args, settings: Settings) -> int:
    assistant = _assistant(settings)
    print(f"Loading the index and model ({len(assistant.documents())} documents)...", flush=True)
    app = serve(assistant, args.host, args.port, block=False)
    print(f"Scrutiny Assistant is running: open http://{args.host}:{args.port} in your browser "
          "(Ctrl-C to stop).", flush=True)
    app.block_thread()
    return 0


def cmd_suggest(args, settings: Settings) -> int:
    assistant = _assistant(settings)
    doc_ids = args.doc_id or assistant.doc_ids_for_source(args.source)
    suggestions = assistant.suggest(doc_ids, max_questions=args.max, groups=tuple(args.group))
    if args.briefing:
        write_briefing(suggestions, list(suggestions.questions), args.briefing)
    if args.json:
        print(json.dumps(suggestions.to_json(), ensure_ascii=False))
        return 0
    print(as_markdown(suggestions, list(suggestions.questions)))
    return 0


def cmd_documents(args, settings: Settings) -> int:
    docs = _assistant(settings).documents(tuple(args.group))
    if args.json:
        print(json.dumps([asdict(d) for d in docs], ensure_ascii=False))
        return 0
    for d in docs:
        print(_document_line(d))
    return 0


def _document_line(d: SourceDocument) -> str:
    return f"{d.doc_id}  {d.meeting_date or '----------'}  {d.kind:<8} {d.council or '?'}: {d.title}"


def cmd_access(args, settings: Settings) -> int:
    groups = _assistant(settings).set_access(args.source, restricted=not args.public,
                                             groups=tuple(split_groups(args.groups or "")))
    print(f"{args.source}: " + (f"restricted to {', '.join(groups)}" if groups else "public"))
    return 0


def cmd_correct(args, settings: Settings) -> int:
    fields = {key: getattr(args, key) for key in EDITABLE}
    d = _assistant(settings).correct(args.doc_id, **fields)
    print(_document_line(d) + (f" ({d.committee})" if d.committee else ""))
    return 0


def cmd_users_add(args, settings: Settings) -> int:
    if not settings.users:
        raise AssistantError("set ASSISTANT_USERS to the users file's path first")
    password = sys.stdin.readline().rstrip("\n")
    if len(password) < 8:
        raise AssistantError("passwords must be at least 8 characters (read from stdin)")
    add_user(settings.users, args.name, password, split_groups(args.groups))
    print(f"{args.name} added to {settings.users}")
    return 0


def cmd_remove(args, settings: Settings) -> int:
    if _assistant(settings).remove(args.source):
        print(f"removed {args.source}")
        return 0
    print(f"error: no indexed file is called {args.source!r} (see `assistant documents`)", file=sys.stderr)
    return 1


def cmd_eval(args, settings: Settings) -> int:
    datasets = args.dataset or [Path("eval/known_facts.jsonl")]
    thresholds = args.thresholds or ([Path("eval/thresholds.toml")] if not args.dataset else [])
    if args.no_gate:
        thresholds = []
    if thresholds and len(thresholds) != len(datasets):
        print("error: give one --thresholds per --dataset (or none, to report only)", file=sys.stderr)
        return 2
    assistant = _assistant(settings)
    reports = {str(d): evaluation.run(assistant, d, baseline=not args.no_baseline) for d in datasets}
    failures = [f"{name}: {failure}" if len(reports) > 1 else failure
                for (name, report), gate in zip(reports.items(), thresholds)
                for failure in evaluation.gate(report["summary"], gate)]
    scored = dict(reports)
    if len(reports) > 1:
        scored["union"] = evaluation.union(list(reports.values()))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        written = next(iter(reports.values())) if len(reports) == 1 else scored
        args.out.write_text(json.dumps(written, ensure_ascii=False, indent=1), "utf-8")
    if args.json:
        summaries = {name: report["summary"] for name, report in scored.items()}
        body = next(iter(summaries.values())) if len(reports) == 1 else summaries
        print(json.dumps({**body, "gate_failures": failures}, ensure_ascii=False))
        return 1 if failures else 0
    for name, report in scored.items():
        title = "Known-facts evaluation" if len(reports) == 1 else f"Evaluation: {name}"
        print(evaluation.format_summary(report, title), end="\n\n")
        if args.calibrate:
            print(f"abstention calibration: {json.dumps(evaluation.calibrate(report['items']))}\n")
    for failure in failures:
        print(f"GATE FAILED: {failure}")
    return 1 if failures else 0

if __name__ == "__main__":
    sys.exit(main())
