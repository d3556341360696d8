"""Shared fixtures: the real bundled embedding model and a real Chroma index of the corpus.

Both are built once per test session (the model loads in seconds; the corpus index
takes about half a minute on two cores) and shared read-only. Tests that write get
their own index in tmp_path.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from files import CORPUS, REAL_PAPERS, corpus_file

from assistant.config import Settings
from assistant.embedding import Embedder
from assistant.pipeline import Assistant

# Tests that build a real index are `slow`: `pytest -m "not slow and not browser"` is the
# inner loop (seconds); `make test` runs everything.
SLOW_FIXTURES = {"corpus_assistant", "make_assistant", "corpus_settings", "real_assistant"}


def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def embedder():
    return Embedder(Settings())


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory) -> Settings:
    return Settings(corpus_dir=CORPUS, index_dir=tmp_path_factory.mktemp("corpus-index"))


@pytest.fixture(scope="session")
def corpus_assistant(corpus_settings, embedder):
    """An Assistant over the whole bundled corpus, in a fresh index."""
    assistant = Assistant(corpus_settings, embedder=embedder)
    results = assistant.ingest([CORPUS])
    assert all(r.status != "skipped" for r in results), results
    return assistant


@pytest.fixture(scope="session")
def real_assistant(tmp_path_factory, embedder):
    """An Assistant over every real council PDF in ../shared/realpapers (about 7 minutes
    on two cores: PDF layout analysis and embedding)."""
    if not REAL_PAPERS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"{REAL_PAPERS} is missing: CI must have the shared papers beside the project")
        pytest.skip(f"{REAL_PAPERS} is not here")
    settings = Settings(corpus_dir=REAL_PAPERS, index_dir=tmp_path_factory.mktemp("real-index"))
    assistant = Assistant(settings, embedder=embedder)
    results = assistant.ingest(sorted(REAL_PAPERS.rglob("*.pdf")))
    assert all(r.status == "added" for r in results), [r for r in results if r.status != "added"]
    return assistant


@pytest.fixture
def make_assistant(tmp_path, embedder):
    """A fresh, empty Assistant writing to its own index in tmp_path."""
    def make(**overrides) -> Assistant:
        settings = Settings(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index", **overrides)
        return Assistant(settings, embedder=embedder)

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
