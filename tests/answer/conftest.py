import pytest


@pytest.fixture
def assistant_reading(make_assistant, tmp_path):
    """A fresh Assistant whose library is one paper written by the test: read(name, text)."""
    def read(name: str, text: str):
        paper = tmp_path / name
        paper.write_text(text, encoding="utf-8")
        assistant = make_assistant()
        assert [r.status for r in assistant.ingest([paper])] == ["added"]
        return assistant

    return read
