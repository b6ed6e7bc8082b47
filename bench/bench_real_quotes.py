"""Independent benchmark: real quotes from the corpus, perturbed, verified through the HTTP API.

    .venv/bin/python bench/bench_real_quotes.py                      # bundled corpus, every quote
    .venv/bin/python bench/bench_real_quotes.py --max-quotes 300 --seed 7
    .venv/bin/python bench/bench_real_quotes.py --sizes bundled,10000,100000 --json /tmp/rq.json
    .venv/bin/python bench/bench_real_quotes.py --sizes 10000 --work-dir /tmp/rq  # keep/reuse

Independent of the engine on purpose: it never imports the service's matching, extraction or
normalisation code. It reads the corpus files itself, finds quotes with its own regular
expression, perturbs them with its own functions, and talks to the service only through
`service.create_app` and the Flask test client (`POST /v1/verify`, `GET /v1/articles`,
`GET /version`). Scaled corpora are made with `bench/make_corpus.py` and loaded with the
`verbatim import` command line, each into a fresh `VERBATIM_DATA_DIR`.

What counts as right:
- bundled corpus: the article the quote was taken from, or any article whose text contains the
  exact quote (plain substring search here);
- scaled corpora: any article whose text contains the exact quote.
A query is "right top-1" when the answer's `match.article.id` is a right article (whatever the
verdict, except `not_found`, which has no match); "right top-5" also accepts `alternatives`.
"top-1*" is right top-1, or, for truncated and ellipsis queries, a top article that contains the
query's own text exactly (its fragments in order): on scaled corpora, where paragraphs are reused
with other names, the shortened quote can have sources the full quote does not.

Variants of each real quote: exact; lower-case without punctuation; lower-case with every mark
stripped, apostrophes, hyphens and separators inside words too (made only where that differs);
one typo; a dropped word; an inserted word; truncation (first ~65% of words); an ellipsis join;
other quote marks and apostrophes; a synonym; negation added or removed. Fabricated quotes
(hand-written sentences and halves of two different quotes) should be `not_found`. Exact quotes
are also run at limit=1 and the top match compared with limit=5.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "corpus"
VENV_BIN = ROOT / ".venv" / "bin"

MIN_WORDS = 3
MAX_QUERY_CHARS = 1800  # the API takes at most 2,000 characters; variants add a few
COMMON_TOP = 300
DEFAULT_SCALED_QUOTES = 1000
VERDICTS = ("verbatim", "close", "altered", "not_found")
BUCKETS = ("3", "4-5", "6-8", "9-12", "13+")

# What the README's verdict definitions lead one to expect for each variant.
EXPECTED: dict[str, tuple[str, ...]] = {
    "exact": ("verbatim",),
    "lower_nopunct": ("verbatim",),
    "stripped": ("verbatim",),
    "typo": ("close",),
    # The README lets "trivial word changes" ("the", "very", "just") be close; which words are
    # trivial is the engine's lexicon, so either verdict is right here, verbatim never.
    "drop_word": ("close", "altered"),
    "insert_word": ("close", "altered"),
    "truncate": ("verbatim",),
    "ellipsis": ("verbatim",),
    "requote": ("verbatim",),
    "synonym": ("close", "altered"),
    "negation": ("altered",),
    "fabricated": ("not_found",),
    "recombined": ("not_found",),
}
VARIANTS = tuple(EXPECTED)
REAL_VARIANTS = VARIANTS[:-2]
FAKE_VARIANTS = VARIANTS[-2:]

# --------------------------------------------------------------------------------------------
# Words and quotes (this benchmark's own definitions)

# A word: letters/digits, with internal apostrophes or hyphens ("don't", "ten-storey").
# A word: letters and digits with the combining marks that belong to them (Devanagari vowel
# signs and viramas are marks, not letters, and not punctuation to strip).
_MARKS = "".join(
    chr(c) for c in range(0x300, 0x10000) if unicodedata.category(chr(c)).startswith("M")
)
_LETTER = rf"(?:[^\W_]|[{re.escape(_MARKS)}])"
WORD_RE = re.compile(rf"{_LETTER}+(?:[-'’]{_LETTER}+)*")

# Double-quoted passages on one line: „…“ (or „…”), “…” (also a paragraph left open because the
# next paragraph reopens the quote, the British multi-paragraph convention), «…», "…".
QUOTE_RE = re.compile(
    r"„(?P<low>[^„“”\n]+)[“”]"
    r"|“(?P<curly>[^“”\n]+)(?:”|(?=[ \t]*\n\s*“))"
    r"|«(?P<guillemet>[^«»\n]+)»"
    r'|"(?P<straight>[^"\n]+)"'
)
TRIM_END = " \t,;:"


@dataclass(frozen=True)
class QuoteSpan:
    start: int  # character offsets of the quoted words inside the marks, trimmed
    end: int
    text: str
    style: str  # low, curly, guillemet, straight


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def word_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in WORD_RE.finditer(text)]


def norm_word(word: str) -> str:
    return word.lower().replace("’", "'")


def norm_words(text: str) -> str:
    """Lower-case words joined by single spaces: for 'is this sentence in the corpus' checks."""
    return " ".join(norm_word(w) for w in words(text))


def find_quotes(text: str, min_words: int = MIN_WORDS) -> list[QuoteSpan]:
    """Every double-quoted passage of at least `min_words` words, trimmed of spaces and ,;:."""
    found: list[QuoteSpan] = []
    for m in QUOTE_RE.finditer(text):
        style = m.lastgroup or ""
        start, end = m.span(style)
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1] in TRIM_END:
            end -= 1
        inner = text[start:end]
        if len(words(inner)) >= min_words:
            found.append(QuoteSpan(start, end, inner, style))
    return found


def length_bucket(n_words: int) -> str:
    if n_words <= 3:
        return "3"
    if n_words <= 5:
        return "4-5"
    if n_words <= 8:
        return "6-8"
    if n_words <= 12:
        return "9-12"
    return "13+"


# --------------------------------------------------------------------------------------------
# Perturbations. Each deterministic function has an `rng` wrapper that picks its parameters.


EDITORIAL_RE = re.compile(r"\[[^\]]*\]")


def free_words(text: str) -> list[int]:
    """Indices of the words a perturbation may touch: not inside or against [editorial]
    brackets, which the service treats as wildcards (changing them would test nothing)."""
    brackets = [m.span() for m in EDITORIAL_RE.finditer(text)]
    free = []
    for index, (start, end) in enumerate(word_spans(text)):
        inside = any(s <= start < e or s < end <= e for s, e in brackets)
        touching = text[start - 1 : start] in ("[", "]") or text[end : end + 1] in ("[", "]")
        if not inside and not touching:
            free.append(index)
    return free


def in_brackets(text: str, start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in (m.span() for m in EDITORIAL_RE.finditer(text)))


def match_case(model: str, word: str) -> str:
    if len(model) > 1 and model.isupper():
        return word.upper()
    if model[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def lower_no_punct(text: str) -> str:
    """Lower-case words only: punctuation and quote marks gone, internal ' and - kept."""
    return norm_words(text)


_STRIP_RE = re.compile(rf"[^\w\s{re.escape(_MARKS)}]|_")


def stripped(text: str) -> str:
    r"""What `re.sub(r"[^\w\s]", "", text.lower())` does to a quote (combining marks kept): every
    mark gone, apostrophes and hyphens too ("don't" -> "dont", "8.10am" -> "810am")."""
    return " ".join(_STRIP_RE.sub("", text.lower()).split())


def typo(text: str, word_index: int, op: str, pos: int, letter: str = "") -> str:
    """One typo in word `word_index`: swap letters pos/pos+1, delete or replace letter pos."""
    start, end = word_spans(text)[word_index]
    w = text[start:end]
    if op == "swap":
        new = w[:pos] + w[pos + 1] + w[pos] + w[pos + 2 :]
    elif op == "delete":
        new = w[:pos] + w[pos + 1 :]
    elif op == "replace":
        new = w[:pos] + letter + w[pos + 1 :]
    else:
        raise ValueError(op)
    return text[:start] + new + text[end:]


def random_typo(text: str, rng: random.Random) -> str | None:
    spans = word_spans(text)
    candidates = [
        i for i in free_words(text) if len(w := text[slice(*spans[i])]) >= 4 and w.isalpha()
    ]
    if not candidates:
        return None
    index = rng.choice(candidates)
    w = text[slice(*spans[index])]
    op = rng.choice(("swap", "delete", "replace"))
    if op == "swap":
        positions = [p for p in range(1, len(w) - 1) if w[p].lower() != w[p + 1].lower()]
        if not positions:
            op = "delete"
        else:
            return typo(text, index, "swap", rng.choice(positions))
    pos = rng.randrange(1, len(w))
    if op == "delete":
        return typo(text, index, "delete", pos)
    letter = rng.choice([c for c in "abcdefghijklmnopqrstuvwxyz" if c != w[pos].lower()])
    return typo(text, index, "replace", pos, letter.upper() if w[pos].isupper() else letter)


def drop_word(text: str, index: int) -> str:
    """Remove word `index` with what separates it from the next word (the previous, if last)."""
    spans = word_spans(text)
    if index < len(spans) - 1:
        return text[: spans[index][0]] + text[spans[index + 1][0] :]
    return text[: spans[index - 1][1]] + text[spans[index][1] :]


def insert_word(text: str, index: int, word: str) -> str:
    """Insert `word` before word `index`."""
    start = word_spans(text)[index][0]
    return text[:start] + word + " " + text[start:]


INSERTABLE = ("really", "very", "also", "just", "certainly", "indeed", "clearly")


def random_drop(text: str, rng: random.Random) -> str | None:
    """Drop a word other than the first and last (a quote of 3+ words)."""
    n = len(word_spans(text))
    candidates = [i for i in free_words(text) if 0 < i < n - 1]
    return drop_word(text, rng.choice(candidates)) if candidates else None


def random_insert(text: str, rng: random.Random) -> str | None:
    """Insert a filler word before a word other than the first, after a space."""
    spans = word_spans(text)
    candidates = [i for i in free_words(text) if i > 0 and text[spans[i][0] - 1].isspace()]
    return insert_word(text, rng.choice(candidates), rng.choice(INSERTABLE)) if candidates else None


def truncate(text: str, fraction: float = 0.65) -> str | None:
    """The first ~`fraction` of the words (at least 3), as written; None for under 5 words."""
    spans = word_spans(text)
    if len(spans) < 5:
        return None
    keep = max(MIN_WORDS, int(len(spans) * fraction + 0.5))
    return text[: spans[keep - 1][1]] if keep < len(spans) else None


def ellipsis_join(text: str) -> str | None:
    """Drop a middle chunk: first ~35% and last ~35% of the words joined by ' ... '."""
    spans = word_spans(text)
    n = len(spans)
    if n < 7:
        return None
    side = max(2, int(n * 0.35 + 0.5))
    head = text[: spans[side - 1][1]]
    tail = text[spans[n - side][0] :]
    return f"{head} ... {tail}"


QUOTE_STYLES: dict[str, tuple[str, str]] = {
    "straight": ('"', '"'),
    "curly": ("“", "”"),
    "guillemet": ("«", "»"),
    "low": ("„", "“"),
}


def swap_apostrophes(text: str) -> str:
    """Straight apostrophes become curly and curly ones (’ ‘) straight."""
    return "".join({"'": "’", "’": "'", "‘": "'"}.get(c, c) for c in text)


def requote(text: str, style: str) -> str:
    """Wrap in the quote marks of `style` and swap straight/curly apostrophes."""
    opening, closing = QUOTE_STYLES[style]
    return f"{opening}{swap_apostrophes(text)}{closing}"


def random_requote(text: str, source_style: str, rng: random.Random) -> str:
    return requote(text, rng.choice([s for s in QUOTE_STYLES if s != source_style]))


SYNONYMS: dict[str, str] = {
    "big": "large",
    "large": "big",
    "said": "stated",
    "people": "persons",
    "many": "numerous",
    "important": "significant",
    "help": "assist",
    "start": "begin",
    "begin": "start",
    "country": "nation",
    "nation": "country",
    "quickly": "rapidly",
    "need": "require",
    "want": "wish",
    "think": "believe",
    "believe": "think",
    "very": "extremely",
    "small": "little",
    "end": "finish",
    "try": "attempt",
    "get": "obtain",
    "give": "provide",
    "problem": "issue",
    "issue": "problem",
    "fight": "battle",
    "children": "kids",
    "world": "globe",
    "strong": "powerful",
    "safe": "secure",
    "hard": "difficult",
    "difficult": "hard",
    "war": "conflict",
    "buy": "purchase",
    "show": "demonstrate",
    "happy": "glad",
    "sad": "unhappy",
    "job": "occupation",
    "often": "frequently",
    "enough": "sufficient",
    "area": "region",
}


def synonym_positions(text: str) -> list[tuple[int, int]]:
    spans = word_spans(text)
    return [spans[i] for i in free_words(text) if text[slice(*spans[i])].lower() in SYNONYMS]


def substitute_synonym(text: str, occurrence: int = 0) -> str | None:
    """Replace the `occurrence`-th word found in SYNONYMS; None if there is none."""
    spans = synonym_positions(text)
    if occurrence >= len(spans):
        return None
    start, end = spans[occurrence]
    w = text[start:end]
    return text[:start] + match_case(w, SYNONYMS[w.lower()]) + text[end:]


def random_synonym(text: str, rng: random.Random) -> str | None:
    count = len(synonym_positions(text))
    return substitute_synonym(text, rng.randrange(count)) if count else None


_AUX_NOT = "is|are|was|were|will|would|could|should|can|do|does|did|has|have|had|must|may|might"
_AUX_NT = "do|does|did|is|are|was|were|could|would|should|has|have|had|must|need"
_AUX_ADD = "is|are|was|were|will|would|could|should|must"
# (pattern, replacement for the matched word); the earliest match in the text wins, ties go to
# the earlier rule (so "is not" is un-negated rather than negated twice).
NEGATION_RULES: tuple[tuple[re.Pattern[str], str | None], ...] = (
    (re.compile(rf"\b({_AUX_NOT})\s+not\b", re.IGNORECASE), None),  # "is not" -> "is"
    (re.compile(r"\bcannot\b", re.IGNORECASE), "can"),
    (re.compile(r"\bcan['’]t\b", re.IGNORECASE), "can"),
    (re.compile(r"\bwon['’]t\b", re.IGNORECASE), "will"),
    (re.compile(rf"\b({_AUX_NT})n['’]t\b", re.IGNORECASE), None),  # "don't" -> "do"
    (re.compile(r"\bnever\b", re.IGNORECASE), "always"),
    (re.compile(r"\balways\b", re.IGNORECASE), "never"),
    (re.compile(r"\bcan\b(?!\s+not\b)", re.IGNORECASE), "cannot"),
    (re.compile(rf"\b({_AUX_ADD})\b(?!\s+not\b)", re.IGNORECASE), "+not"),  # "is" -> "is not"
)


def negate(text: str) -> str | None:
    """Add or remove one negation (the first place a rule applies, outside [brackets]); None if
    none applies."""
    best: tuple[int, int, re.Match[str], str | None] | None = None
    for order, (pattern, replacement) in enumerate(NEGATION_RULES):
        m = next((m for m in pattern.finditer(text) if not in_brackets(text, *m.span())), None)
        if m and (best is None or (m.start(), order) < (best[0], best[1])):
            best = (m.start(), order, m, replacement)
    if best is None:
        return None
    _, _, m, replacement = best
    if replacement is None:
        new = m.group(1)  # the auxiliary, as written
    elif replacement == "+not":
        new = m.group(0) + " not"
    else:
        new = match_case(m.group(0), replacement)
    return text[: m.start()] + new + text[m.end() :]


def recombine(first: str, second: str) -> str:
    """The first half of `first`'s words and the second half of `second`'s."""
    a, b = word_spans(first), word_spans(second)
    return first[: a[len(a) // 2 - 1][1]] + " " + second[b[len(b) // 2][0] :]


# Sentences written for this benchmark, in the corpus's register; none is in the corpus.
FABRICATED = (
    "We will not allow the harbour budget to be cut again this winter",
    "The minister told reporters that the new bridge would open before Easter",
    "Our country has never been more united behind the farmers of the north",
    "I have spoken to the families and they deserve answers by Friday",
    "The ceasefire will begin at midnight on Sunday and last for ninety days",
    "There is no evidence that the vaccine was tested on the volunteers",
    "We are asking every driver to stay off the coastal roads until further notice",
    "This is a sad day for the club and for everyone who loved the old stadium",
    "The company will move its headquarters to Lisbon by the end of next year",
    "Nobody in my government knew about the secret payments to the contractor",
    "The river burst its banks after three days of rain and the town flooded",
    "Peace talks will resume in Geneva once both delegations agree on an agenda",
    "The election result shows that voters want change in the capital",
    "We found the wreckage of the plane about forty kilometres from the airport",
    "I am proud of what our players achieved in the final against Brazil",
    "Tariffs on steel will rise by twelve percent from the first of March",
    "Every school in the province will stay closed for the rest of the week",
    "The prime minister has asked the coalition to send more engineers to the front",
    "Scientists believe the comet will pass closest to Earth in late October",
    "The protesters gathered outside parliament and demanded the resignation of the mayor",
    "Our investigation found that the fire started in the kitchen of the hotel",
    "The senator said she would vote against the bill unless the tax cuts were removed",
    "Troops will withdraw from the border villages once the monitors arrive",
    "The museum will return the stolen paintings to their owners in Warsaw",
    "We have lost contact with the fishing boat and the search continues tonight",
    "The central bank expects inflation to fall below three percent next spring",
    "I was elected to lower the price of bread and that is what I will do",
    "The striking nurses will return to work if the hospital raises their pay",
    "Police arrested two men in connection with the robbery at the jewellery shop",
    "The rocket carried four astronauts and a laboratory to the space station",
    "Dozens of homes were damaged when the earthquake struck just after dawn",
    "The festival has been cancelled because the organisers ran out of money",
    "We welcome the decision of the court and we will respect its judgement",
    "The president promised a referendum on the new constitution within a year",
    "The orchestra will play its final concert in the old cathedral on Saturday",
    "Farmers say the drought has destroyed half of this season's wheat harvest",
    "It is too early to say whether the new treaty will survive the winter",
    "The talks collapsed after the delegation walked out over the fishing quotas",
    "Our hospitals are full and we need more doctors from abroad immediately",
    "The striker scored twice in the second half to keep the club in the league",
)


# --------------------------------------------------------------------------------------------
# Corpus files, read here directly


@dataclass
class Article:
    id: str | None  # None when the file names no id; resolved through the API by title
    title: str
    text: str
    origin: str


HEADER_LINE = re.compile(r"^([A-Za-z][\w ]*):\s?(.*)$")


def parse_txt(path: Path) -> Article:
    """A `.txt` article: sidecar `<file>.meta.json` (whole file is text, title its first line),
    or a `Key: value` header, a blank line, then the text; without either, all text."""
    raw = path.read_text(encoding="utf-8")
    sidecar = path.with_name(path.name + ".meta.json")
    if sidecar.exists():
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
        title = meta.get("title") or raw.strip().splitlines()[0].strip()
        return Article(meta.get("id"), title, raw, str(path))
    head, sep, body = raw.partition("\n\n")
    fields: dict[str, str] = {}
    for line in head.splitlines():
        m = HEADER_LINE.match(line)
        if not m:
            fields = {}
            break
        fields[m.group(1).strip().lower()] = m.group(2).strip()
    if sep and "title" in fields:
        return Article(fields.get("id"), fields["title"], body, str(path))
    return Article(None, raw.strip().splitlines()[0].strip(), raw, str(path))


def iter_jsonl(path: Path) -> Iterator[Article]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                record = json.loads(line)
                yield Article(record.get("id"), record["title"], record["text"], f"{path}:{number}")


def iter_bundled(corpus_dir: Path = BUNDLED) -> Iterator[Article]:
    yield from iter_jsonl(corpus_dir / "wikinews" / "wikinews.jsonl")
    for folder in ("seed", "open"):
        for path in sorted((corpus_dir / folder).glob("*.txt")):
            yield parse_txt(path)


@dataclass
class Quote:
    qid: int
    text: str
    style: str
    source: int  # index of the article it was taken from
    n_words: int
    right: list[int] = field(default_factory=list)  # indices of articles containing the text
    common: bool = False


def _articles_holding(blob: bytes, offsets: list[int], needle: bytes) -> list[int]:
    """Indices of the articles (byte ranges of `blob` starting at `offsets`) holding `needle`,
    each once."""
    hits: list[int] = []
    at = blob.find(needle)
    while at >= 0:
        index = bisect.bisect_right(offsets, at) - 1
        hits.append(index)
        at = blob.find(needle, offsets[index + 1])
    return hits


class Corpus:
    """The articles as one UTF-8 blob (exact substring search) plus lower-cased word text."""

    def __init__(self, name: str, articles: Iterable[Article]) -> None:
        self.name = name
        self.ids: list[str | None] = []
        self.titles: list[str] = []
        self.offsets: list[int] = [0]
        self.counts: Counter[str] = Counter()
        self.found: list[tuple[int, QuoteSpan]] = []
        blob: list[bytes] = []
        normalised: list[str] = []
        for index, article in enumerate(articles):
            data = article.text.encode("utf-8") + b"\x00"
            blob.append(data)
            self.offsets.append(self.offsets[-1] + len(data))
            self.ids.append(article.id)
            self.titles.append(article.title)
            lowered = [norm_word(w) for w in words(article.text)]
            self.counts.update(lowered)
            normalised.append(" ".join(lowered))
            self.found.extend((index, span) for span in find_quotes(article.text))
        self.blob = b"".join(blob)
        self.normalised = (" " + " \n ".join(normalised) + " ").encode("utf-8")
        # Where each article's words start in `normalised`.
        self.norm_offsets = [0]
        for text in normalised:
            self.norm_offsets.append(self.norm_offsets[-1] + len(text.encode("utf-8")) + 3)

    def __len__(self) -> int:
        return len(self.titles)

    def text(self, index: int) -> str:
        return self.blob[self.offsets[index] : self.offsets[index + 1] - 1].decode("utf-8")

    def containing(self, quote: str) -> list[int]:
        """Articles whose text contains `quote` exactly."""
        return _articles_holding(self.blob, self.offsets, quote.encode("utf-8"))

    def containing_words(self, quote: str) -> list[int]:
        """Articles holding the word sequence of `quote`, case and punctuation aside: a right
        answer too (the same words, published elsewhere with other punctuation or spacing)."""
        needle = f" {norm_words(quote)} ".encode()
        return _articles_holding(self.normalised, self.norm_offsets, needle)

    def has_words(self, text: str) -> bool:
        """Whether the word sequence of `text` (case and punctuation aside) is in an article."""
        return f" {norm_words(text)} ".encode() in self.normalised

    def top_words(self, n: int = COMMON_TOP) -> set[str]:
        return {w for w, _ in self.counts.most_common(n)}


def collect_quotes(corpus: Corpus, max_quotes: int, rng: random.Random) -> list[Quote]:
    """Distinct quote texts (first occurrence is the source), optionally sampled."""
    seen: dict[str, Quote] = {}
    for index, span in corpus.found:
        if span.text not in seen and len(span.text) <= MAX_QUERY_CHARS:
            seen[span.text] = Quote(len(seen), span.text, span.style, index, len(words(span.text)))
    quotes = list(seen.values())
    if max_quotes and len(quotes) > max_quotes:
        quotes = sorted(rng.sample(quotes, max_quotes), key=lambda q: q.qid)
    common = corpus.top_words()
    for quote in quotes:
        quote.right = sorted(
            set(corpus.containing(quote.text))
            | set(corpus.containing_words(quote.text))
            | {quote.source}
        )
        quote.common = all(norm_word(w) in common for w in words(quote.text))
    return quotes


@dataclass
class Query:
    variant: str
    text: str
    quote: Quote | None  # None for fabricated quotes
    limit: int = 5


# Variants that could, by chance, be a real passage: made only if their words are not in the corpus.
# Each check scans the whole corpus, so above FULL_CHECK_MAX articles only negations are checked.
CHECKED_IN_CORPUS = ("negation", "synonym", "drop_word", "insert_word")
FULL_CHECK_MAX = 20_000


def build_queries(corpus: Corpus, quotes: Sequence[Quote], seed: int) -> tuple[list[Query], dict]:
    queries: list[Query] = []
    skipped: Counter[str] = Counter()
    checked = CHECKED_IN_CORPUS if len(corpus) <= FULL_CHECK_MAX else ("negation",)
    for quote in quotes:
        rng = random.Random(f"{seed}:{quote.text}")
        q = quote.text
        variants: dict[str, str | None] = {
            "exact": q,
            "lower_nopunct": lower_no_punct(q),
            "stripped": stripped(q),
            "typo": random_typo(q, rng),
            "drop_word": random_drop(q, rng),
            "insert_word": random_insert(q, rng),
            "truncate": truncate(q),
            "ellipsis": ellipsis_join(q),
            "requote": random_requote(q, quote.style, rng),
            "synonym": random_synonym(q, rng),
            "negation": negate(q),
        }
        if variants["stripped"] == variants["lower_nopunct"]:
            variants["stripped"] = None  # no apostrophe, hyphen or separator inside a word
        for variant, text in variants.items():
            if text is None or (text == q and variant != "exact"):
                skipped[f"{variant}: not applicable"] += 1
            elif variant in checked and corpus.has_words(text):
                skipped[f"{variant}: variant text is itself in the corpus"] += 1
            else:
                queries.append(Query(variant, text, quote))
        queries.append(Query("exact", q, quote, limit=1))
    for sentence in FABRICATED:
        if corpus.has_words(sentence):
            skipped["fabricated: in the corpus"] += 1
        else:
            queries.append(Query("fabricated", sentence, None))
    rng = random.Random(seed)
    long_quotes = [q for q in quotes if q.n_words >= 6]
    made = 0
    for _ in range(2000):
        if made >= 60 or len(long_quotes) < 2:
            break
        a, b = rng.sample(long_quotes, 2)
        if a.source == b.source:
            continue
        text = recombine(a.text, b.text)
        if corpus.has_words(text):
            skipped["recombined: in the corpus"] += 1
            continue
        queries.append(Query("recombined", text, None))
        made += 1
    return queries, dict(skipped)


# --------------------------------------------------------------------------------------------
# The service, through its public API only


def open_client(data_dir: Path, corpus_dir: Path | None = None) -> Any:
    os.environ["VERBATIM_DATA_DIR"] = str(data_dir)
    config: dict[str, Any] = {"VERBATIM_DATA_DIR": str(data_dir), "TESTING": True}
    if corpus_dir is not None:
        os.environ["VERBATIM_CORPUS_DIR"] = str(corpus_dir)
        config["VERBATIM_CORPUS_DIR"] = str(corpus_dir)
    from service import create_app

    return create_app(config).test_client()


def list_articles(client: Any) -> list[dict]:
    items: list[dict] = []
    while True:
        page = client.get(f"/v1/articles?limit=200&offset={len(items)}").get_json()
        items.extend(page["items"])
        if not page["items"] or len(items) >= page["total"]:
            return items


def resolve_ids(client: Any, corpus: Corpus, check_texts: bool) -> dict[str, int]:
    """Service id -> article index; ids missing from the files are found by title (and text).

    When every file article has an id and the service holds as many articles, 200 sampled ids
    are fetched and compared instead of listing the whole store (slow at 100k articles)."""
    count = client.get("/version").get_json().get("articles")
    if all(corpus.ids) and count == len(corpus) and len(set(corpus.ids)) == len(corpus):
        sample = random.Random(0).sample(range(len(corpus)), min(200, len(corpus)))
        for index in sample:
            response = client.get(f"/v1/articles/{corpus.ids[index]}")
            if response.status_code != 200 or response.get_json()["text"] != corpus.text(index):
                break
        else:
            return {article_id: index for index, article_id in enumerate(corpus.ids) if article_id}
    listed = list_articles(client)
    by_title: dict[str, list[str]] = defaultdict(list)
    for item in listed:
        by_title[item["title"]].append(item["id"])
    known = {item["id"] for item in listed}
    mapping: dict[str, int] = {}
    for index, article_id in enumerate(corpus.ids):
        candidates = [article_id] if article_id in known else by_title.get(corpus.titles[index], [])
        if len(candidates) > 1:
            text = corpus.text(index)
            candidates = [
                c for c in candidates if client.get(f"/v1/articles/{c}").get_json()["text"] == text
            ]
        if len(candidates) == 1:
            corpus.ids[index] = candidates[0]
            mapping[candidates[0]] = index
        else:
            print(f"  ! no service id for {corpus.titles[index]!r}", file=sys.stderr)
            corpus.ids[index] = None
    if check_texts:
        differ = [
            i
            for i, article_id in enumerate(corpus.ids)
            if article_id
            and client.get(f"/v1/articles/{article_id}").get_json()["text"] != corpus.text(i)
        ]
        if differ:
            print(f"  ! {len(differ)} article texts differ from the service's", file=sys.stderr)
    return mapping


def run_queries(client: Any, corpus: Corpus, queries: Sequence[Query], mapping: dict[str, int]):
    results: list[dict] = []
    started = time.perf_counter()
    for number, query in enumerate(queries, 1):
        t0 = time.perf_counter()
        response = client.post("/v1/verify", json={"quote": query.text, "limit": query.limit})
        elapsed = time.perf_counter() - t0
        answer = response.get_json() if response.status_code == 200 else None
        results.append(judge(corpus, query, answer, response.status_code, elapsed, mapping))
        if number % 2000 == 0:
            rate = number / (time.perf_counter() - started)
            print(f"  {number}/{len(queries)} queries ({rate:.0f}/s)", file=sys.stderr)
    return results


def judge(corpus, query: Query, answer, status: int, elapsed: float, mapping) -> dict:
    quote = query.quote
    right = {corpus.ids[i] for i in quote.right} if quote else set()
    record: dict[str, Any] = {
        "variant": query.variant,
        "limit": query.limit,
        "query": query.text,
        "original": quote.text if quote else None,
        "qid": quote.qid if quote else None,
        "words": quote.n_words if quote else len(words(query.text)),
        "bucket": length_bucket(quote.n_words) if quote else None,
        "common": quote.common if quote else False,
        "brackets": bool(quote and EDITORIAL_RE.search(quote.text)),
        "source": corpus.ids[quote.source] if quote else None,
        "right_count": len(right),
        "status": status,
        "ms": round(elapsed * 1000, 3),
    }
    if answer is None:
        record.update(verdict="error", confidence=None, match=None)
        record.update(top1=False, top5=False, top1_any=False)
        return record
    match = answer.get("match")
    top, index = None, None
    if match:
        article_id = match["article"]["id"]
        index = mapping.get(article_id)
        offsets_ok = (
            index is not None
            and corpus.text(index)[match["start"] : match["end"]] == (match["text"])
        )
        top = {
            "id": article_id,
            "start": match["start"],
            "end": match["end"],
            "text": match["text"],
            "offsets_ok": offsets_ok,
        }
    alternatives = [a["article"]["id"] for a in answer.get("alternatives", [])]
    differences = answer.get("differences", [])
    flags = sorted({f for d in differences for f in d.get("flags", [])})
    record.update(
        verdict=answer["verdict"],
        confidence=answer["confidence"],
        match=top,
        alternatives=alternatives,
        flags=flags,
        differences=[
            f"{d['op']} {d['quote']!r}->{d['original']!r}"
            + "".join(f" [{f}]" for f in d.get("flags", []))
            for d in differences
        ],
        top1=bool(top and top["id"] in right),
        top5=bool(top and top["id"] in right) or any(a in right for a in alternatives),
    )
    record["top1_any"] = record["top1"] or bool(
        top and query.variant in ("truncate", "ellipsis") and index is not None
        and contains_in_order(corpus.text(index), query.text.split(" ... "))
    )  # fmt: skip
    return record


def contains_in_order(text: str, pieces: Sequence[str]) -> bool:
    """Whether `text` holds every piece exactly, in this order."""
    at = 0
    for piece in pieces:
        at = text.find(piece, at)
        if at < 0:
            return False
        at += len(piece)
    return True


# --------------------------------------------------------------------------------------------
# Reports


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [list(map(str, headers)), *[list(map(str, r)) for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    print(f"\n{title}")
    for n, row in enumerate(cells):
        line = "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        )
        print("  " + line)
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))


def verdict_row(label: str, group: Sequence[dict], expected: tuple[str, ...] | None) -> list:
    verdicts = Counter(r["verdict"] for r in group)
    row: list[object] = [label, len(group)]
    row += [pct(sum(r["top1"] for r in group), len(group))]
    row += [pct(sum(r["top5"] for r in group), len(group))]
    row += [pct(sum(r["top1_any"] for r in group), len(group))]
    row += [pct(verdicts[v], len(group)) for v in VERDICTS]
    if expected is not None:
        row += ["/".join(expected), pct(sum(verdicts[v] for v in expected), len(group))]
    return row


VERDICT_HEADERS = ("n", "right top-1", "right top-5", "top-1*", *VERDICTS)


def shorten(text: str | None, width: int = 90) -> str:
    text = (text or "").replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def report(name: str, results: list[dict], show: int) -> dict:
    main = [r for r in results if r["limit"] == 5]
    by_variant: dict[str, list[dict]] = defaultdict(list)
    for r in main:
        by_variant[r["variant"]].append(r)
    summary: dict[str, Any] = {"variants": {}, "buckets": {}, "common": {}}

    rows = []
    for variant in VARIANTS:
        group = by_variant.get(variant, [])
        if group:
            rows.append(verdict_row(variant, group, EXPECTED[variant]))
            summary["variants"][variant] = rows[-1][1:]
    table(
        f"[{name}] by variant (limit=5)",
        ("variant", *VERDICT_HEADERS, "expected", "as expected"),
        rows,
    )

    rows = []
    for variant in REAL_VARIANTS:
        for has, label in ((False, "no [ ]"), (True, "with [ ]")):
            group = [r for r in by_variant.get(variant, []) if r["brackets"] == has]
            if group:
                rows.append(verdict_row(f"{variant}, {label}", group, EXPECTED[variant]))
    table(
        f"[{name}] by variant and whether the original quote has [editorial] brackets",
        ("variant", *VERDICT_HEADERS, "expected", "as expected"),
        rows,
    )

    rows = []
    for variant in REAL_VARIANTS:
        group = by_variant.get(variant, [])
        row: list[object] = [variant]
        for bucket in BUCKETS:
            cell = [r for r in group if r["bucket"] == bucket]
            row.append(f"{pct(sum(r['top1'] for r in cell), len(cell))} ({len(cell)})")
        rows.append(row)
    table(
        f"[{name}] right top-1 by variant x quote length in words (n)", ("variant", *BUCKETS), rows
    )

    for label, variants in (
        ("exact quotes", ("exact",)),
        ("all real variants except negation", tuple(v for v in REAL_VARIANTS if v != "negation")),
    ):
        rows = []
        for bucket in BUCKETS:
            group = [r for r in main if r["variant"] in variants and r["bucket"] == bucket]
            rows.append(verdict_row(bucket, group, None))
            summary["buckets"].setdefault(label, {})[bucket] = rows[-1][1:]
        table(f"[{name}] {label}, by quote length (words)", ("words", *VERDICT_HEADERS), rows)

    common_quotes = {r["qid"] for r in main if r["common"]}
    rows = []
    for variant in REAL_VARIANTS:
        group = [r for r in by_variant.get(variant, []) if r["common"]]
        if group:
            rows.append(verdict_row(variant, group, EXPECTED[variant]))
            summary["common"][variant] = rows[-1][1:]
    table(
        f"[{name}] common-word quotes ({len(common_quotes)} quotes: every word among the corpus's "
        f"{COMMON_TOP} most frequent)",
        ("variant", *VERDICT_HEADERS, "expected", "as expected"),
        rows,
    )
    examples = sorted({r["original"] for r in main if r["common"]}, key=len)[:show]
    if examples:
        print("  e.g. " + " | ".join(examples))

    negations = by_variant.get("negation", [])
    wrong = [r for r in negations if r["verdict"] in ("verbatim", "close")]
    flagged = [r for r in negations if "negation" in r.get("flags", [])]
    print(
        f"\n[{name}] negation variants judged verbatim/close: {len(wrong)} of {len(negations)}"
        f" (should be 0); 'negation' flag in differences: {pct(len(flagged), len(negations))}"
    )
    for r in wrong[:show]:
        print(f"  {r['verdict']:9} {r['confidence']}: {shorten(r['query'])!r}")
        print(f"            original: {shorten(r['original'])!r}")
    summary["negation_verbatim_or_close"] = len(wrong)

    for variant in FAKE_VARIANTS:
        group = by_variant.get(variant, [])
        returned = [r for r in group if r["verdict"] != "not_found"]
        print(
            f"\n[{name}] {variant}: not_found {pct(len(group) - len(returned), len(group))}"
            f" ({len(group) - len(returned)} of {len(group)})"
        )
        for r in returned[:show]:
            match_text = r["match"]["text"] if r["match"] else ""
            print(f"  {r['verdict']:9} {r['confidence']}: {shorten(r['query'])!r}")
            print(f"            matched: {shorten(match_text)!r}")
        summary[f"{variant}_not_found"] = [len(group) - len(returned), len(group)]

    misses = [r for r in by_variant.get("exact", []) if not r["top1"] or r["verdict"] != "verbatim"]
    plain = [r for r in misses if not r["brackets"]]
    print(
        f"\n[{name}] exact quotes not verbatim in a right article: {len(misses)} "
        f"({len(plain)} without [editorial] brackets, listed first)"
    )
    for r in [*plain, *(r for r in misses if r["brackets"])][: max(show, len(plain))]:
        match_text = r["match"]["text"] if r["match"] else ""
        print(f"  {r['verdict']:9} top1={r['top1']!s:5}: {shorten(r['query'])!r}")
        if match_text:
            print(f"            matched: {shorten(match_text)!r} in {r['match']['id']}")
            print(f"            differences: {shorten('; '.join(r['differences']), 120)}")

    at1 = {r["qid"]: r for r in results if r["variant"] == "exact" and r["limit"] == 1}
    changed, conf_changed = [], 0
    for r5 in by_variant.get("exact", []):
        r1 = at1.get(r5["qid"])
        if r1 is None:
            continue
        key1 = r1["match"] and (r1["match"]["id"], r1["match"]["start"], r1["match"]["end"])
        key5 = r5["match"] and (r5["match"]["id"], r5["match"]["start"], r5["match"]["end"])
        if key1 != key5 or r1["verdict"] != r5["verdict"]:
            changed.append((r1, r5))
        elif r1["confidence"] != r5["confidence"]:
            conf_changed += 1
    print(
        f"\n[{name}] exact quotes whose top match (article, offsets or verdict) differs between "
        f"limit=1 and limit=5: {len(changed)} of {len(at1)}; same match, other confidence: "
        f"{conf_changed}"
    )
    for r1, r5 in changed:
        print(f"  {shorten(r1['query'])!r}")
        for label, r in (("limit=1", r1), ("limit=5", r5)):
            m = r["match"]
            where = f"{m['id']}[{m['start']}:{m['end']}]" if m else "-"
            print(f"    {label}: {r['verdict']} {r['confidence']} {where}")
    summary["limit_changes"] = len(changed)

    bad_offsets = [r for r in results if r["match"] and not r["match"]["offsets_ok"]]
    errors = [r for r in results if r["verdict"] == "error"]
    latencies = sorted(r["ms"] for r in results)
    p50 = statistics.median(latencies) if latencies else 0.0
    p95 = latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0.0
    print(
        f"\n[{name}] {len(results)} requests; HTTP errors {len(errors)}; match offsets not slicing "
        f"the article text: {len(bad_offsets)}; latency p50 {p50:.2f} ms, p95 {p95:.2f} ms"
    )
    summary.update(requests=len(results), errors=len(errors), bad_offsets=len(bad_offsets))
    summary.update(p50_ms=p50, p95_ms=p95)
    return summary


# --------------------------------------------------------------------------------------------
# Corpora


def prepare_scaled(size: int, seed: int, work: Path) -> tuple[Path, Path, dict]:
    """Generate `size` articles and import them with the CLI into a fresh store (reused if the
    work folder already holds both)."""
    corpus_file = work / f"corpus-{size}.jsonl"
    data_dir = work / f"data-{size}"
    timings: dict[str, float] = {}
    python = VENV_BIN / "python" if (VENV_BIN / "python").exists() else Path(sys.executable)
    if not corpus_file.exists():
        t0 = time.perf_counter()
        subprocess.run(
            [str(python), str(ROOT / "bench" / "make_corpus.py"), "--size", str(size),
             "--seed", str(seed), "--out", str(corpus_file)],
            check=True, cwd=ROOT,
        )  # fmt: skip
        timings["generate_s"] = time.perf_counter() - t0
    done = data_dir / ".imported"
    if not done.exists():
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)
        verbatim = VENV_BIN / "verbatim"
        command = [str(verbatim)] if verbatim.exists() else [str(python), "-m", "service.cli"]
        t0 = time.perf_counter()
        subprocess.run(
            [*command, "--data-dir", str(data_dir), "import", "--quiet", str(corpus_file)],
            check=True, cwd=ROOT, env={**os.environ, "VERBATIM_DATA_DIR": str(data_dir)},
        )  # fmt: skip
        timings["import_s"] = time.perf_counter() - t0
        done.touch()
    return corpus_file, data_dir, timings


def run_corpus(label: str, args: argparse.Namespace, work: Path) -> tuple[dict, list[dict]]:
    rng = random.Random(args.seed)
    info: dict[str, Any] = {}
    t0 = time.perf_counter()
    if label == "bundled":
        corpus = Corpus("bundled", iter_bundled())
        data_dir = work / "data-bundled"
        shutil.rmtree(data_dir, ignore_errors=True)
        empty = None
        max_quotes = args.max_quotes
    else:
        size = int(label)
        corpus_file, data_dir, timings = prepare_scaled(size, args.seed, work)
        info.update(timings)
        corpus = Corpus(label, iter_jsonl(corpus_file))
        empty = work / "no-corpus"  # never seed the bundled articles into a scaled store
        empty.mkdir(exist_ok=True)
        max_quotes = args.max_quotes if args.max_quotes is not None else DEFAULT_SCALED_QUOTES
    info["load_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    quotes = collect_quotes(corpus, max_quotes or 0, rng)
    queries, skipped = build_queries(corpus, quotes, args.seed)
    info["prepare_s"] = time.perf_counter() - t0
    print(
        f"[{label}] {len(corpus)} articles, {len(corpus.found)} quoted passages, "
        f"{len(quotes)} distinct quotes used, {len(queries)} queries",
        file=sys.stderr,
    )
    t0 = time.perf_counter()
    client = open_client(data_dir, empty)
    client.get("/readyz")
    version = client.get("/version").get_json()
    info["startup_s"] = time.perf_counter() - t0
    info["service_articles"] = version.get("articles")
    t0 = time.perf_counter()
    mapping = resolve_ids(client, corpus, check_texts=label == "bundled")
    info["resolve_s"] = time.perf_counter() - t0
    unresolved = sum(1 for i in corpus.ids if i is None)
    if unresolved:
        quotes_ok = {q.qid for q in quotes if all(corpus.ids[i] for i in q.right)}
        queries = [q for q in queries if q.quote is None or q.quote.qid in quotes_ok]
    t0 = time.perf_counter()
    results = run_queries(client, corpus, queries, mapping)
    info["queries_s"] = time.perf_counter() - t0
    for r in results:
        r["corpus"] = label
    print(
        f"\n=== {label}: {len(corpus)} articles in the files, {info['service_articles']} in the "
        f"service; {len(corpus.found)} quoted passages of >= {MIN_WORDS} words, {len(quotes)} "
        f"distinct quotes used ({sum(q.common for q in quotes)} common-word); {len(queries)} "
        f"queries; load {info['load_s']:.1f} s, quotes and variants {info['prepare_s']:.1f} s, "
        f"service start {info['startup_s']:.1f} s, "
        f"queries {info['queries_s']:.1f} s ==="
    )
    if skipped:
        print("variants not made: " + "; ".join(f"{k} {v}" for k, v in sorted(skipped.items())))
    summary = report(label, results, args.show)
    summary.update(info=info, skipped=skipped, quotes=len(quotes))
    return summary, results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="bundled", help='e.g. "bundled,10000,100000"')
    parser.add_argument(
        "--max-quotes",
        type=int,
        default=None,
        help="sample this many distinct quotes per corpus (default: all for bundled, "
        f"{DEFAULT_SCALED_QUOTES} for scaled corpora; 0 = all)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", metavar="OUT", help="write every query and answer here")
    parser.add_argument("--show", type=int, default=10, help="examples listed per finding")
    parser.add_argument(
        "--work-dir", help="keep generated corpora and stores here and reuse them (default: temp)"
    )
    args = parser.parse_args(argv)
    labels = [s.strip() for s in args.sizes.split(",") if s.strip()]
    for label in labels:
        if label != "bundled" and not label.isdigit():
            parser.error(f"--sizes: {label!r} is neither 'bundled' nor a number")
    work = Path(args.work_dir) if args.work_dir else Path(tempfile.mkdtemp(prefix="bench-rq-"))
    work.mkdir(parents=True, exist_ok=True)
    output: dict[str, Any] = {"seed": args.seed, "max_quotes": args.max_quotes, "corpora": {}}
    all_results: list[dict] = []
    try:
        for label in labels:
            summary, results = run_corpus(label, args, work)
            output["corpora"][label] = summary
            all_results.extend(results)
    finally:
        if not args.work_dir:
            shutil.rmtree(work, ignore_errors=True)
    if args.json:
        output["results"] = all_results
        Path(args.json).write_text(json.dumps(output, ensure_ascii=False, indent=1), "utf-8")
        print(f"\nwrote {len(all_results)} results to {args.json}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
