"""The words that carry meaning in papers and questions, and the field's own terms.

Children's services write in shorthand (CIN, CLA, EET) and in official names ("children
looked after"); members ask in other words ("looked-after kids", "in work or study").
The terms in `terms.toml` (and a council's own file, ASSISTANT_VOCABULARY_FILE) say which
wordings name the same thing. A passage's terms gain a token for each term it mentions
('=eet'); a question's wording of a term is replaced by that token, so 'in work or study'
is fully covered by a passage saying 'education, employment or training'.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

import Stemmer

from assistant.config import Settings
from assistant.errors import AssistantError
from assistant.language.councils import strip_council_names
from assistant.language.periods import NUMBER_WORDS, TIME_WORDS, quarters_as_columns_say

STOPWORDS = frozenset(
    """a an and are as at be been being by did do does for from had has have how i in into is
    it its of on or our over so than that the their them then there these they this to was
    were what when where which who whom why will with would you your we us can could should
    about any all also more most much many not no nor only other same such up down out own
    very just tell me please show give much many number figure per latest current
    currently council councils report papers paper say says said mean means meaning
    because go goes going went get gets got getting each every through via during across upon""".split()
)
TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9'’\-]*|\d+(?:[.,]\d+)*%?")
_PARTS = re.compile(r"[a-z0-9]+")
_AUXILIARIES = frozenset({"is", "are", "was", "were", "be", "been", "being"})
POSSESSIVE = re.compile(r"['’]s?$")  # a word's possessive ending ('Trust’s', 'CLA's')
MENTIONS_REMEMBERED = 20_000  # texts; a few MB


@dataclass(frozen=True)
class Term:
    key: str
    name: str  # the official name
    abbreviations: tuple[str, ...]
    forms: tuple[str, ...]  # other wordings, official or everyday
    source: str
    expand: bool = True  # False: the abbreviation is too common to stand for its long form
    broader: tuple[str, ...] = ()  # keys of the terms this one is a kind of
    required: bool = True  # False: a quote may leave the term implied
    excludes: tuple[str, ...] = ()  # keys of terms no one can be both of (care leavers, children in care)
    not_after: tuple[str, ...] = ()  # words that make a wording part of a name ('West of England')

    @property
    def token(self) -> str:
        return f"={self.key}"


@dataclass(frozen=True)
class Mention:
    term: Term
    tokens: frozenset[int]  # positions, in TOKEN.findall(text), of the words naming it


class Vocabulary:
    def __init__(self, terms: list[Term], words: dict[str, str], sources: dict[str, str],
                 plain: dict[str, list[str]] | None = None):
        self.terms = tuple(terms)
        self.sources = sources
        self._words = words  # 'kids' -> 'child'
        # a report word's stem -> the stems of the plain words for it ('increas' -> 'rais', ...)
        self._plain: dict[str, frozenset[str]] = {}
        for report_word, plain_words in (plain or {}).items():
            stem = _stemmer().stemWord(report_word)
            self._plain[stem] = self._plain.get(stem, frozenset()) | frozenset(_stemmer().stemWords(plain_words))
        self._abbreviations = {a: t for t in terms for a in t.abbreviations}
        self._excludes: dict[str, frozenset[str]] = {}  # both ways round
        for term in terms:
            for other in term.excludes:
                self._excludes[term.key] = self.excluded_by(term.key) | {other}
                self._excludes[other] = self.excluded_by(other) | {term.key}
        self._phrases: dict[tuple[str, ...], Term] = {}
        for term in terms:
            for wording in (term.name, *term.forms):
                self._phrases.setdefault(tuple(self._stems(wording)), term)
        lengths: dict[str, set[int]] = {}
        for phrase in self._phrases:
            lengths.setdefault(phrase[0], set()).add(len(phrase))
        # a wording can start only at a stem some wording starts with: most stems are skipped
        self._lengths = {first: sorted(found, reverse=True) for first, found in lengths.items()}
        # Every question reranks ~70 candidate passages, mostly the same few hundred from one
        # question to the next: remembered, finding their terms was half of each answer's time.
        self.mentions = lru_cache(maxsize=MENTIONS_REMEMBERED)(self._mentions)

    def _mentions(self, text: str) -> tuple[Mention, ...]:
        """The terms the text names, longest wording first where two overlap."""
        tokens = TOKEN.findall(text)
        # 'kids were in care' names children in care as 'kids in care' does
        parts = [(i, part) for i, token in enumerate(tokens) if token.lower() not in _AUXILIARIES
                 for part in self._parts(token)]
        stems = _stemmer().stemWords([part for _, part in parts])
        flat = list(zip(stems, (i for i, _ in parts)))
        found, at = [], 0
        while at < len(flat):
            index = flat[at][1]
            n, phrase = self._phrase_at(stems, at)
            abbreviation = self._abbreviations.get(POSSESSIVE.sub("", tokens[index]).removesuffix("s")) or \
                self._abbreviations.get(POSSESSIVE.sub("", tokens[index]))
            if abbreviation and n < 2 and (at == 0 or flat[at - 1][1] != index):  # 'CP plan' is not 'CP'
                found.append(Mention(abbreviation, frozenset({index})))
                at = next((j for j in range(at, len(flat)) if flat[j][1] != index), len(flat))
            elif phrase and not (index and tokens[index - 1].lower() in phrase.not_after):
                found.append(Mention(phrase, frozenset(i for _, i in flat[at:at + n])))
                at += n
            else:
                at += 1
        return tuple(found)

    def _phrase_at(self, stems: list[str], at: int) -> tuple[int, Term | None]:
        """The longest wording of a term starting at `at`, and its length in stems."""
        for n in self._lengths.get(stems[at], ()):
            term = self._phrases.get(tuple(stems[at:at + n])) if at + n <= len(stems) else None
            if term:
                return n, term
        return 0, None

    def in_plain_words(self, stems: set[str]) -> set[str]:
        """The stems, with the plain words members use for the report words among them."""
        return stems.union(*(self._plain[s] for s in stems if s in self._plain))

    def excluded_by(self, key: str) -> frozenset[str]:
        return self._excludes.get(key, frozenset())

    def glossary(self) -> dict[str, str]:
        """Each abbreviation with its official name."""
        return {a: t.name for t in self.terms for a in t.abbreviations}

    def _stems(self, wording: str) -> list[str]:
        return _stemmer().stemWords(self._parts(wording))

    def _parts(self, wording: str) -> list[str]:
        """Its words, each in its usual form ('kids' -> 'child'), before stemming."""
        parts = _PARTS.findall(wording.lower().replace("’", "'").replace("'s", " s"))
        return [self._words.get(p, p) for p in parts]


@lru_cache(maxsize=1)
def _stemmer():
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The built-in terms, with a council's own file (ASSISTANT_VOCABULARY_FILE) added."""
    built_in = resources.files("assistant.language").joinpath("terms.toml").read_text("utf-8")
    files = [("terms.toml", tomllib.loads(built_in))]
    extra = Settings().vocabulary_file
    if extra:
        files.append((str(extra), _read_council_file(Path(extra))))
    terms: dict[str, Term] = {}
    words: dict[str, str] = {}
    sources: dict[str, str] = {}
    plain: dict[str, list[str]] = {}
    for name, data in files:
        sources.update(data.get("sources", {}))
        words.update({w: canonical for canonical, ws in data.get("words", {}).items() for w in ws})
        for report_word, plain_words in data.get("plain", {}).items():
            plain[report_word] = plain.get(report_word, []) + list(plain_words)
        for n, entry in enumerate(data.get("term", []), start=1):
            terms[entry.get("key", "")] = _merged(terms.get(entry.get("key", "")), entry, f"{name}: term {n}")
    return Vocabulary(list(terms.values()), words, sources, plain)


def _read_council_file(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise AssistantError(f"ASSISTANT_VOCABULARY_FILE {path} could not be read: {error}") from error


def _merged(known: Term | None, entry: dict, where: str) -> Term:
    """A term as written, or more wordings for a term already known by its key."""
    if not entry.get("key") or not (known or entry.get("name")):
        raise AssistantError(f"{where}: every term needs a key and a name")
    if known:
        return replace(known, abbreviations=known.abbreviations + tuple(entry.get("abbreviations", ())),
                       forms=known.forms + tuple(entry.get("forms", ())),
                       excludes=known.excludes + tuple(entry.get("excludes", ())))
    return Term(entry["key"], entry["name"], tuple(entry.get("abbreviations", ())), tuple(entry.get("forms", ())),
                entry.get("source", ""), entry.get("expand", True), tuple(entry.get("broader", ())),
                entry.get("required", True), tuple(entry.get("excludes", ())), tuple(entry.get("not_after", ())))


# School-place plans count forms of entry (a class of 30 in each year group) with the figure
# glued to 'FE' ('38FE', '2 FE'); 'FE' alone is as often further education ('FE College').
_FORMS_OF_ENTRY = re.compile(r"(?<=\d) ?FE\b")


def content_terms(text: str, expand: bool = True) -> list[str]:
    """Lower-cased, stemmed words that carry meaning (stop words dropped); figures kept.
    `expand`: with a token for each of the field's terms the text names."""
    text = _FORMS_OF_ENTRY.sub(" forms of entry", quarters_as_columns_say(text))
    tokens = TOKEN.findall(text)
    terms = _stems_of(tokens, skip=frozenset())
    if expand:
        terms += sorted(terms_named(text))
    return terms


# How members ask rather than what they ask about: softeners ('roughly how many', '...
# altogether?') and the asking itself ('what share of', 'how often', 'how long', 'how are we doing on').
# No answer repeats them.
ASKING_WORDS = re.compile(r"\b(roughly|approximately|approx|altogether|all told|exactly|precisely|actually|really|"
                          r"what share of|how often|how long|how well|how far|doing|done)\b", re.I)
# Whose word a member asks for ('..., according to the Cabinet Member?') says where the
# answer is, not what it is: the quote need not name its speaker.
ATTRIBUTION = re.compile(r",?\s*\baccording to\b[^,?;]*", re.I)


def question_terms(question: str) -> list[str]:
    """The terms a passage must cover to answer (see `said_terms`). Council names are
    left out: retrieval is already scoped to the council named, and every one of its
    passages would otherwise 'match' them. So are words that only place the question in
    time ('autumn', 'a year earlier') or only say how it asks ('roughly', 'how often',
    'according to the Cabinet Member'): the answer's period is checked on its own."""
    asked = ATTRIBUTION.sub(" ", strip_council_names(question))
    return said_terms(ASKING_WORDS.sub(" ", TIME_WORDS.sub(" ", asked)))


def said_terms(text: str) -> list[str]:
    """What the text says, with each wording of one of the field's terms counted as the
    term ('in work or study' is '=eet'), so any wording of it elsewhere covers it."""
    text = quarters_as_columns_say(text)
    mentions = vocabulary().mentions(text)
    named = frozenset(i for m in mentions for i in m.tokens)
    return _stems_of(TOKEN.findall(text), skip=named) + list(dict.fromkeys(m.term.token for m in mentions))


def terms_named(text: str) -> set[str]:
    """The tokens of the field's terms the text names ('=dental-checks'), with the
    broader terms they are kinds of."""
    return {token for m in vocabulary().mentions(text) for token in (m.term.token, *(f"={b}" for b in m.term.broader))}


def terms_excluded(text: str) -> set[str]:
    """The tokens of the terms the text's own terms rule out, either way round: a sentence
    about care leavers is not about children in care."""
    named = {m.term.key for m in vocabulary().mentions(text)}
    return {f"={key}" for name in named for key in vocabulary().excluded_by(name) if key not in named}


def terms_required(question: str) -> set[str]:
    """The field's terms a question names that its answer must name too (in any wording)."""
    return {m.term.token for m in vocabulary().mentions(strip_council_names(question)) if m.term.required}


def terms_about(question: str) -> set[str]:
    """The field's terms a question is about, with the broader ones they are kinds of
    ('unaccompanied children in our care' are children in care), unless another of its terms
    rules those out ('UASC care leavers' are not)."""
    asked = strip_council_names(question)
    return terms_named(asked) - terms_excluded(asked)


def term_wordings(question: str) -> dict[str, frozenset[str]]:
    """Each of the field's terms the question names, with the stems of its wording there."""
    tokens = TOKEN.findall(question)
    return {m.term.token: frozenset(_stems_of([tokens[i] for i in sorted(m.tokens)], skip=frozenset()))
            for m in vocabulary().mentions(question)}


def _stems_of(tokens: list[str], skip: frozenset[int]) -> list[str]:
    # a hyphenated word is its parts: 'secondary-age pupils' are 'secondary' pupils
    # PDFs set apostrophes curly: 'Children’s' is 'Children's', whose stem is 'children'
    words = [part for i, w in enumerate(tokens) if i not in skip
             for part in w.lower().replace("’", "'").strip("'-").split("-")]
    words = [NUMBER_WORDS.get(w, w) for w in words if w and w not in STOPWORDS]
    return _stemmer().stemWords([w for w in words if len(w) > 1])


def acronym_expansions(text: str) -> str:
    """The official name of each abbreviation and the abbreviation of each official name
    found in `text` (indexed beside a passage, so either form finds it)."""
    extra = []
    for mention in vocabulary().mentions(text):
        term = mention.term
        if not term.expand or not term.abbreviations:
            continue
        extra.append(term.name if len(mention.tokens) == 1 and _is_abbreviation(text, mention) else term.abbreviations[0])
    return " ".join(dict.fromkeys(extra))


def _is_abbreviation(text: str, mention: Mention) -> bool:
    word = TOKEN.findall(text)[next(iter(mention.tokens))]
    return word[:2].isupper()


def in_plain_words(text: str) -> set[str]:
    """A text's terms, with the plain words a member may use for its report words: what a
    passage is ranked by and a quote is scored by, so both read a member's words alike."""
    return vocabulary().in_plain_words(set(content_terms(text)))


def expand_query(text: str) -> str:
    """The question with the official name (and abbreviation) of every term it names in
    other words: what the lexical and dense searches look for."""
    extra = []
    for mention in vocabulary().mentions(text):
        if mention.term.expand:
            extra += [mention.term.name, *[a for a in mention.term.abbreviations[:1] if len(a) > 2]]
    extra = [e for e in dict.fromkeys(extra) if e.lower() not in text.lower()]
    return f"{text} {' '.join(extra)}" if extra else text


def glossary() -> dict[str, str]:
    return vocabulary().glossary()
