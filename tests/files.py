"""Helpers for tests: where the papers are, and real files made in tests (PDFs with reportlab)."""

from __future__ import annotations

import socket
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
# Real council PDFs as published: read in place, never copied into the repository.
REAL_PAPERS = ROOT.parent / "shared" / "realpapers"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def corpus_file(prefix: str) -> Path:
    matches = sorted(CORPUS.glob(f"{prefix}*"))
    assert matches, f"no corpus file starts with {prefix}"
    return matches[0]


def make_pdf(path, pages):
    """A text-layer PDF, one list of lines per page."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        y = 800
        for line in lines:
            pdf.drawString(60, y, line)
            y -= 18
        pdf.showPage()
    pdf.save()
    return path
