"""Shared fixtures: the real bundled embedding model and a real Chroma index of the corpus.

Both are built once per test session (the model loads in seconds; the corpus index
takes about half a minute on two cores) and shared read-only. Tests that write get
their own index in tmp_path.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assistant import _offline  # noqa: F401
from assistant.config import Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


def corpus_file(prefix: str) -> Path:
    matches = sorted(CORPUS.glob(f"{prefix}*"))
    assert matches, f"no corpus file starts with {prefix}"
    return matches[0]


@pytest.fixture(scope="session")
def embedder():
    from assistant.embedding import Embedder

    return Embedder(Settings())


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory) -> Settings:
    return Settings(corpus_dir=CORPUS, index_dir=tmp_path_factory.mktemp("corpus-index"))


@pytest.fixture(scope="session")
def corpus_assistant(corpus_settings, embedder):
    """An Assistant over the whole bundled corpus, in a fresh index."""
    from assistant.index import Index
    from assistant.pipeline import Assistant

    assistant = Assistant(corpus_settings)
    assistant.__dict__["index"] = Index(corpus_settings, embedder)
    results = assistant.ingest([CORPUS])
    assert all(r.status != "skipped" for r in results), results
    return assistant


@pytest.fixture
def make_assistant(tmp_path, embedder):
    """A fresh, empty Assistant writing to its own index in tmp_path."""
    from assistant.index import Index
    from assistant.pipeline import Assistant

    def make(**overrides) -> Assistant:
        settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", **overrides)
        assistant = Assistant(settings)
        assistant.__dict__["index"] = Index(settings, embedder)
        return assistant

    return make


@pytest.fixture
def copy_corpus(tmp_path):
    def copy(*prefixes: str) -> Path:
        target = tmp_path / "corpus"
        target.mkdir(exist_ok=True)
        for prefix in prefixes:
            shutil.copy(corpus_file(prefix), target)
        return target

    return copy
