"""Signals -> ranked, cited scrutiny questions in plain English.

What councils' guidance asks of a scrutiny question (the Centre for Governance and
Scrutiny; Ofsted's "what do you know, how do you know, what are you doing about it"), and
what members ask in minutes: short, one clear ask, open, grounded in one figure with its
frame (trend, target, comparator). So each question here is one sentence of at most
MAX_WORDS words: "With <the indicator> at <figure>, <its frame>, <the ask>?", the ask chosen
by what the signal is (`asks_for`). It is written from one signal's own facts, so every
figure it states is in the passages it cites; the evidence is shown beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.language.sentences import lower_first, split_sentences, upper_first
from assistant.suggest.narrative import quoted_clause
from assistant.suggest.signals import Signal
from assistant.types import Citation, Hit, Passage, SourceDocument

THEMES = (
    "performance",
    "finance",
    "workforce",
    "children's experience and voice",
    "partnership",
    "leadership and governance",
    "risk",
)

# First match wins, most specific first.
_THEME_WORDS = [
    ("finance", r"budget|overspend|£|savings?|\bcosts?\b|\bspend|forecast|variance|out-?turn|mtfp|financ|invest|placement costs?"),
    ("workforce", r"social workers?|(?<!multi-)\bagency\b|vacanc|caseloads?|supervision|recruit|retention|\bstaff|workforce|\bisros?\b|"
                  r"learning and development|training programme|turnover|sickness|team managers?|resilien"),
    ("children's experience and voice", r"voice|\bviews\b|participat|feedback|life story|children and young people say|"
                                        r"quality of visits|dental|health checks?|missing|return home|stability|"
                                        r"\beet\b|education|attendance|\bpeps?\b|accommodation|care leavers?|outcomes? for children|"
                                        r"meet(?:ing)? (?:their|the) needs|sgo|special guardianship|foster"),
    ("partnership", r"partner|multi-agency|\bnhs\b|police|schools?\b|strategy discussion|health services|bscp|\bmash\b|"
                    r"health (?:presence|practitioners?|colleagues)"),
    ("risk", r"\brisks?\b|unregistered|exploitation|sufficiency|safeguard|harm"),
    ("leadership and governance", r"board|governance|leadership|ofsted|inspection|improvement plan|development (?:plan|programme)|"
                                  r"\bdata\b|mosaic|performance framework|audit|quality assurance|members|stop doing|"
                                  r"good|quality"),
]


def theme_of(text: str) -> str:
    for theme, words in _THEME_WORDS:
        if re.search(words, text, re.I):
            return theme
    return "performance"


@dataclass(frozen=True)
class SuggestedQuestion:
    question: str
    theme: str
    why: str
    severity: float
    citations: tuple[Citation, ...]
    ask: str = "action"  # which kind of ask it makes (ASKS): a trend's driver, a comparator's gap, ...

    def to_json(self) -> dict:
        return {
            "question": self.question,
            "theme": self.theme,
            "why": self.why,
            "severity": round(self.severity, 3),
            "citations": [c.to_json() for c in self.citations],
            "ask": self.ask,
        }


@dataclass(frozen=True)
class OfficerQuestion:
    """A line of enquiry the report's authors suggest ('Possible Areas for Investigation')."""

    question: str
    theme: str
    citation: Citation

    def to_json(self) -> dict:
        return {"question": self.question, "theme": self.theme, "citations": [self.citation.to_json()]}


MAX_WORDS = 35  # what councils' scrutiny guidance (and members' own questions in minutes) keep to


def is_one_short_question(text: str) -> bool:
    """One sentence of at most MAX_WORDS words, ending in its only '?'."""
    return len(text.split()) <= MAX_WORDS and text.count("?") == 1 and text.rstrip().endswith("?") \
        and len(split_sentences(text)) == 1


@dataclass(frozen=True)
class Ask:
    """One clear ask, and the facts that frame it ('latest', 'trend', 'target', ...)."""

    key: str
    text: str
    frame: tuple[str, ...]


# What a member asks depends on what the signal is (Centre for Governance and Scrutiny;
# Ofsted's "what do you know, how do you know, what are you doing about it").
_DRIVER = "what is driving the {change}?"
ASKS = {
    "budget_risk": Ask("budget_risk", "what is the risk to the budget?", ("saving", "rating")),
    "overspend": Ask("overspend", "what is driving it?", ("variance", "driver", "pressure")),
    "growth": Ask("growth", "what is driving the growth?", ("growth",)),
    "driver": Ask("driver", _DRIVER, ("latest", "trend")),
    "assurance": Ask("assurance", "how will the committee know the planned action is working?", ("latest", "target")),
    "comparator": Ask("comparator", "why do we differ from {comparator}?", ("latest", "comparator")),
    "children": Ask("children", "what does this mean for the children affected?", ("latest", "target")),
    "numbers": Ask("numbers", "how many children or cases are behind the percentage?", ("latest", "trend")),
    "target": Ask("target", "what would it take to reach the target, and by when?", ("latest", "target")),
    "rating": Ask("rating", "what lies behind the {rag} rating?", ("latest",)),
    "data": Ask("data", "how far can the committee rely on these figures?", ()),
    "action": Ask("action", "what is being done about it?", ()),
    "impact": Ask("impact", "what difference is this making to children and families?", ()),
    "voice": Ask("voice", "what are children and families telling us through it?", ()),
    "mitigation": Ask("mitigation", "how will the committee know the mitigating actions are working?", ()),
    "listen": Ask("listen", "what do the children and families affected say about it?", ("latest", "trend", "target")),
}
VOICE_THEME = "children's experience and voice"


def asks_for(signal: Signal, theme: str) -> list[Ask]:
    """The asks that fit this signal, the most telling first."""
    kinds = set(signal.kinds)
    if "voice" in kinds:
        return [ASKS["voice"]]
    if "risk" in kinds:
        return [ASKS["mitigation"]]
    if "savings_at_risk" in kinds:
        return [ASKS["budget_risk"]]
    if "overspend" in kinds:
        return [ASKS["overspend"]]
    if "cost_growth" in kinds:
        return [ASKS["growth"]]
    if "data_caveat" in kinds:
        return [ASKS["data"]]
    if "narrative_warning" in kinds:
        return [ASKS["action"], ASKS["impact"]] if theme == VOICE_THEME else [ASKS["action"]]
    if not signal.named:
        return [ASKS["target"], ASKS["action"]]
    found = []
    if "worsening" in kinds:
        found.append(ASKS["driver"])
    if signal.swings:
        found.append(ASKS["numbers"])
    if "behind_comparator" in kinds:
        found.append(ASKS["comparator"])
    if theme == VOICE_THEME and kinds & {"red", "off_target"}:
        found.append(ASKS["children"])
    if signal.response and "off_target" in kinds:
        found.append(ASKS["assurance"])
    if "off_target" in kinds:
        found.append(ASKS["target"])
    if signal.rag and not found:
        found.append(ASKS["rating"])
    return found or [ASKS["action"]]


def phrase(signal: Signal, ask: Ask) -> tuple[str, str]:
    """(question, why): one short question framed by the signal's own figures; the why
    keeps every fact, for the evidence shown beside it."""
    why = "; ".join(signal.facts.values()) if signal.facts else (signal.statement or "")
    if signal.facts:
        why = f"{_subject(signal.subject)}: {why}" + (f" (rated {signal.rag})" if signal.rag and "rating" not in signal.facts else "")
    if signal.listed_as:
        why += f". The report lists it under '{signal.listed_as}'"
    return _fit(signal, ask), _sentence(why)


def _fit(signal: Signal, ask: Ask) -> str:
    """The question at its most specific that keeps within MAX_WORDS: frames that are not
    the ask's own go first, then a long name's brackets and its 'percentage of', and last
    the ask's own frames, the least telling first."""
    text = _ask_text(signal, ask)
    frame = [k for k in ask.frame if k in signal.facts] or [k for k in ("latest", "target") if k in signal.facts]
    extra = [k for k in ("target", "unchanged") if k in signal.facts and k not in frame and "latest" in frame]
    short = _unbracketed(signal.subject)
    shortest = _UNIT_OF.sub("", short) if "%" in signal.facts.get("latest", "") else short
    variants = [(frame + extra, signal.subject), (frame, signal.subject), (frame, short), (frame, shortest)]
    variants += [(frame[:n], shortest) for n in range(len(frame) - 1, 0, -1)]
    for keys, name in variants:
        question = _compose(signal, name, keys, text)
        if len(question.split()) <= MAX_WORDS:
            break
    return question


# 'Percentage of ' before a figure in % says nothing the figure does not
_UNIT_OF = re.compile(r"^(?:the )?(?:overall )?(?:percentage|proportion) of ", re.I)


def _ask_text(signal: Signal, ask: Ask) -> str:
    previous = signal.facts.get("trend", "")
    change = "fall" if previous.startswith("down") else "rise" if previous.startswith("up") else "change"
    return ask.text.format(change=change, comparator=_comparator(signal.comparator), rag=signal.rag or "")


def _compose(signal: Signal, name: str, keys: list[str], ask: str) -> str:
    if signal.quote or not signal.named and not signal.money:
        return f"The report says \"{signal.quote or quoted_clause(signal.statement or '')}\": {ask}"
    if signal.money:
        return _money_question(signal, name, keys, ask)
    if "risk" in signal.kinds:
        return f"With '{name}' on the risk register, {ask}"
    facts = [signal.facts[k] for k in keys if k in signal.facts]
    latest, rest = (facts[0], facts[1:]) if keys and keys[0] == "latest" else ("", facts)
    subject = _noun(name)
    where = f"{subject} at {latest}" if latest else subject
    return f"With {where}{''.join(', ' + f for f in rest)}, {ask}"


def _money_question(signal: Signal, name: str, keys: list[str], ask: str) -> str:
    ind, facts = signal.indicator, signal.facts
    if "savings_at_risk" in signal.kinds and ind and ind.budget and ind.forecast:
        rated = f", rated {signal.rag}," if signal.rag and "rating" in keys else ""
        return (f"With the saving '{name}' forecast at {ind.forecast.text} against a plan of "
                f"{ind.budget.text}{signal.unit}{rated} {ask}")
    if "variance" in facts:
        driver = f", {facts['driver']}" if "driver" in keys else ""
        return f"With '{name}' forecast to overspend ({facts['variance']}){driver}, {ask}"
    if "growth" in facts:
        return f"With spending on {_noun(name)} {facts['growth']}, {ask}"
    where = f"the {name} budget" if signal.named else f"'{name}'"
    return f"With a forecast {next(iter(facts.values()))} on {where}, {ask}"


def _noun(name: str) -> str:
    """An indicator's name as it reads inside a sentence: 'the percentage of ...'; a
    table's label ('Up to Date Plan: Children on a CPP') in quotes, as the paper has it."""
    name = " ".join(name.strip().rstrip(".:").split())
    if re.match(r"(?:overall )?(?:percentage|proportion|number|rate|average)\b", name, re.I):
        return "the " + lower_first(name)
    if ":" in name or _title_cased(name):
        return f"'{name}'"
    return lower_first(name)


def _title_cased(name: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", name) if len(w) > 3]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) / len(words) > 0.6


def _unbracketed(name: str) -> str:
    return re.sub(r"\s*\([^)]*\)", "", name).strip()


def _comparator(label: str | None) -> str:
    """Who a comparator column compares us with, as members say it."""
    if not label:
        return "the comparators"
    if re.search(r"statistical neighbour|\bsn\b", label, re.I):
        return "similar councils"
    if re.search(r"england|national", label, re.I):
        return "the England average"
    if re.search(r"ofsted good", label, re.I):
        return "councils Ofsted rates good"
    return "the region"


def _subject(name: str) -> str:
    return upper_first(name.strip().rstrip(".:"))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text.endswith((".", "?", "!", '"', "”")) else text + "."


def by_theme(questions) -> list[tuple[str, list[SuggestedQuestion]]]:
    """(Theme title, its questions in the order given) for every theme that has any."""
    groups = [(theme, [q for q in questions if q.theme == theme]) for theme in THEMES]
    return [(upper_first(theme), qs) for theme, qs in groups if qs]


@dataclass(frozen=True, eq=False)
class Candidate:
    """A signal on its way to becoming a question, with the theme it belongs to."""

    signal: Signal
    theme: str

    @property
    def severity(self) -> float:
        return self.signal.severity


def rank(candidates: list[Candidate], limit: int) -> list[Candidate]:
    """Most severe first, but every theme the signals reach gets its best question in
    before any theme gets a third: a chair covers the ground, not just the worst numbers."""
    by_severity = sorted(candidates, key=lambda q: q.severity, reverse=True)
    chosen: list[Candidate] = []
    per_theme: dict[str, int] = {}
    for rounds in (1, 2):
        for q in by_severity:
            if q in chosen or per_theme.get(q.theme, 0) >= rounds:
                continue
            chosen.append(q)
            per_theme[q.theme] = per_theme.get(q.theme, 0) + 1
    chosen += [q for q in by_severity if q not in chosen]
    return sorted(chosen[:limit], key=lambda q: q.severity, reverse=True)


SAME_ASK = 2  # times one ask is used before a signal's next-best ask is taken instead


def written(candidates: list[Candidate], documents: dict[str, SourceDocument]) -> list[SuggestedQuestion]:
    """The ranked candidates as questions, most severe first; the asks vary down the list
    (a list of twelve 'what is the plan to reach target?' is not scrutiny). When the papers
    report nothing children said, the first question about children's experience asks what
    they say."""
    used: dict[str, int] = {}
    listener = None if any("voice" in c.signal.kinds for c in candidates) else _first_to_ask_children(candidates)
    questions = []
    for candidate in candidates:
        fitting = [ASKS["listen"]] if candidate is listener else asks_for(candidate.signal, candidate.theme)
        ask = next((a for a in fitting if used.get(a.key, 0) < SAME_ASK), fitting[0])
        used[ask.key] = used.get(ask.key, 0) + 1
        question, why = phrase(candidate.signal, ask)
        questions.append(SuggestedQuestion(question, candidate.theme, why, candidate.severity,
                                           citations_for(candidate.signal.passages, documents), ask.key))
    return questions


def _first_to_ask_children(candidates: list[Candidate]) -> Candidate | None:
    """The indicator about children's experience a 'what do they tell us?' question fits."""
    about_children = [c for c in candidates if c.theme == VOICE_THEME and not c.signal.money]
    measured = [c for c in about_children if c.signal.named and "latest" in c.signal.facts]
    return next(iter(measured or about_children), None)


def with_voice(ranked: list[Candidate], candidates: list[Candidate]) -> list[Candidate]:
    """The ranked list with the best question on what children said in it, where the
    papers report any (in place of the least severe question)."""
    if any("voice" in c.signal.kinds for c in ranked):
        return ranked
    voice = next((c for c in candidates if "voice" in c.signal.kinds), None)
    if voice is None:
        return ranked
    return ranked[:-1] + [voice] if ranked else [voice]


def citations_for(passages: list[Passage], documents: dict[str, SourceDocument]) -> tuple[Citation, ...]:
    unique = list({p.passage_id: p for p in passages}.values())
    return tuple(
        Citation.from_hit(n, Hit(p, documents[p.doc_id], 1.0), quote=None)
        for n, p in enumerate(unique, start=1)
    )


_OFFICER_SECTION = re.compile(r"possible areas? for investigation|areas? for investigation|members may wish to ask", re.I)


def is_officer_section(passage: Passage) -> bool:
    return bool(_OFFICER_SECTION.search(f"{passage.heading or ''} {passage.text[:120]}"))


def officer_questions(passages: list[Passage], documents: dict[str, SourceDocument]) -> list[OfficerQuestion]:
    found = []
    for passage in passages:
        if passage.kind == "table_row" or not is_officer_section(passage):
            continue
        citation = citations_for([passage], documents)[0]
        for line in passage.text.split("\n"):
            line = line.strip().lstrip("-").strip()
            if line.endswith("?"):
                found.append(OfficerQuestion(line, theme_of(line), citation))
    return found
