"""An Answer as plain text with its references: what the CLI prints and what the web UI
lets a councillor copy into their notes."""

from __future__ import annotations

from assistant.types import Answer, Citation


def where(citation: Citation) -> str:
    """'section 3.11' when the paper numbers its paragraphs, else 'page 4', else ''."""
    if citation.section:
        return f"section {citation.section}"
    # the number printed on the page, which members cite, else the file's own
    return f"page {citation.page_label or citation.page}" if citation.page else ""


def notes(answer: Answer) -> list[str]:
    """What a member should know about how the answer was made, beyond its text."""
    found = []
    if answer.searched_for:
        found.append(f"Searched for: {answer.searched_for}")
    if answer.notice:
        found.append(answer.notice)
    g = answer.grounding
    if answer.backend != "extractive" and g.checks and not g.fallback:
        found.append(
            f"Checked against the papers: {g.count('supported')} of {len(g.checks)} sentences backed by "
            f"their citations, {g.count('flagged')} marked unchecked, {g.count('removed')} left out."
        )
    return found


def as_plain_text(answer: Answer, passage_chars: int = 400) -> str:
    lines = [answer.text, *notes(answer), "", "Closest passages:" if answer.abstained else "Sources:"]
    for c in answer.citations:
        meta = ", ".join(x for x in [c.title, c.council, c.meeting_date, where(c)] if x)
        lines.append(f"[{c.n}] {meta}")
        lines.append(f"    {c.text[:passage_chars]}")
    return "\n".join(lines)
