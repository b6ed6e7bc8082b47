"""Labelled candidate quotes generated from real article text, for calibration and benchmarks.

Each positive sample takes a real passage and mutates it the way quotes mutate in the wild
(MemeTracker; Simmons, Adamic & Adar 2011: truncation, omission and substitution dominate), plus
typos, British/American spelling, ellipses, [editorial] brackets and changed negations or numbers.
Negatives are real sentences from articles left out of the index (same genre and period) and
fabricated sentences from a word-bigram model of the corpus, rejected if they copy any real 4-word
run. Everything is driven by one `random.Random`, so runs are reproducible.
"""

from __future__ import annotations

import itertools
import random
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from service.matching.lexicon import NEGATIONS, NUMBER_WORDS, is_function_word
from service.matching.normalise import WORD_RE, normalise_word
from service.models import Article

POSITIVE_KINDS = (
    "exact",
    "truncate",
    "ellipsis",
    "typo",
    "spelling",
    "drop",
    "insert",
    "substitute",
    "negation",
    "number",
    "bracket",
    "paraphrase",
)
# The kinds the issue calls "altered quotes" (words added, dropped or changed).
ALTERED_KINDS = ("drop", "insert", "substitute", "negation", "number", "bracket", "paraphrase")
NEGATIVE_KINDS = ("unseen", "fabricated")

_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’']))\s+|\n+")
_AUX = frozenset(
    "is are was were will would can could should has have had do does did must may might".split()  # noqa: SIM905
)
_FILLERS = ("really", "very", "actually", "just", "certainly", "absolutely", "clearly", "frankly")
_FILLER_PHRASES = ("to be honest", "you know", "I think", "of course", "at the end of the day")
_PRONOUNS = frozenset(["he", "she", "they", "it", "we", "this", "that", "them", "him", "her"])
# British -> American spellings (both directions are used).
_SPELLING_RULES = (
    (r"our$", "or"),
    (r"ise$", "ize"),
    (r"ised$", "ized"),
    (r"ising$", "izing"),
    (r"isation$", "ization"),
    (r"yse$", "yze"),
    (r"tre$", "ter"),
    (r"ence$", "ense"),
    (r"elled$", "eled"),
    (r"elling$", "eling"),
    (r"ogue$", "og"),
)
_SPELLING_EXCEPTIONS = frozenset(
    """wise rise otherwise likewise precise concise promise premise surprise exercise our four
    hour your pour tour sour since once hence whence fence science silence evidence sentence
    experience conference influence difference independence presence audience sequence violence
    patience residence confidence existence""".split()  # noqa: SIM905 - a word list reads better
)


@dataclass(frozen=True, slots=True)
class Sample:
    """A candidate quote and where it truly comes from (article_id None: nowhere in the index)."""

    kind: str
    quote: str
    article_id: str | None
    start: int = 0  # the source passage in the article
    end: int = 0


@dataclass(frozen=True, slots=True)
class _Passage:
    article: Article
    start: int
    end: int
    words: list[str]  # original word strings


def sentences(article: Article, min_words: int = 8, max_words: int = 40) -> list[tuple[int, int]]:
    """Character spans of the article's sentences of a quotable length."""
    spans = []
    pos = 0
    text = article.text
    for m in [*_SENTENCE_END.finditer(text), None]:
        end = m.start() if m else len(text)
        chunk = text[pos:end]
        lead = len(chunk) - len(chunk.lstrip())
        s, e = pos + lead, pos + len(chunk.rstrip())
        if min_words <= len(WORD_RE.findall(text[s:e])) <= max_words:
            spans.append((s, e))
        pos = m.end() if m else len(text)
    return spans


class QuoteGenerator:
    """Generates positive and negative samples from a list of real articles."""

    def __init__(self, articles: Sequence[Article], rng: random.Random) -> None:
        self.articles = [a for a in articles if sentences(a)]
        self.rng = rng
        self._vocab = sorted(
            {
                w
                for a in self.articles
                for w in WORD_RE.findall(a.text)
                if len(w) > 3 and w.isalpha()
            }
        )
        self._bigrams: dict[str, list[str]] = defaultdict(list)
        self._fourgrams: set[tuple[str, ...]] = set()
        self._starts: list[str] = []
        for a in self.articles:
            for s, e in sentences(a, 4, 80):
                ws = WORD_RE.findall(a.text[s:e])
                self._starts.append(ws[0])
                for x, y in itertools.pairwise(ws):
                    self._bigrams[x].append(y)
                norm = [normalise_word(w) for w in ws]
                self._fourgrams.update(zip(norm, norm[1:], norm[2:], norm[3:], strict=False))

    # -- positives -------------------------------------------------------------------------------

    def positive(self, kind: str, article: Article | None = None) -> Sample | None:
        """One sample of `kind` from `article` (or a random one); None if the passage drawn has
        nothing to mutate that way (e.g. no number for "number")."""
        article = article or self.rng.choice(self.articles)
        spans = sentences(article)
        if not spans:
            return None
        k = self.rng.randrange(len(spans))
        s, e = spans[k]
        passage = _Passage(article, s, e, WORD_RE.findall(article.text[s:e]))
        method = getattr(self, f"_{kind}")
        if kind == "ellipsis":
            return method(article, spans, k)
        quote = method(passage)
        if quote is None:
            return None
        return Sample(kind, quote, article.id, s, e)

    def _exact(self, p: _Passage) -> str:
        text = p.article.text[p.start : p.end]
        return self.rng.choice(['"{}"', "“{}”", "{}", "'{}'"]).format(text)

    def _truncate(self, p: _Passage) -> str | None:
        n = len(p.words)
        length = self.rng.randint(6, max(6, n - 2))
        if length >= n:
            return None
        i = self.rng.randrange(0, n - length + 1)
        return " ".join(p.words[i : i + length])

    def _ellipsis(self, article: Article, spans: list[tuple[int, int]], k: int) -> Sample | None:
        if k + 1 >= len(spans):
            return None
        k2 = min(len(spans) - 1, k + self.rng.randint(1, 2))
        (s1, e1), (s2, e2) = spans[k], spans[k2]
        w1 = WORD_RE.findall(article.text[s1:e1])
        w2 = WORD_RE.findall(article.text[s2:e2])
        a = w1[: self.rng.randint(5, min(12, len(w1)))]
        b = w2[self.rng.randint(0, max(0, len(w2) - 6)) :][:12]
        joiner = self.rng.choice([" ... ", "… ", " . . . ", "..."])
        return Sample("ellipsis", " ".join(a) + joiner + " ".join(b), article.id, s1, e2)

    def _typo(self, p: _Passage) -> str | None:
        words = list(p.words)
        idx = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
        if not idx:
            return None
        for i in self.rng.sample(idx, min(len(idx), self.rng.randint(1, 2))):
            words[i] = self._misspell(words[i])
        return " ".join(words)

    def _misspell(self, w: str) -> str:
        j = self.rng.randrange(1, len(w) - 1)
        op = self.rng.choice(["swap", "drop", "double", "replace"])
        if op == "swap":
            return w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        if op == "drop":
            return w[:j] + w[j + 1 :]
        if op == "double":
            return w[:j] + w[j] + w[j:]
        return w[:j] + self.rng.choice("aeioulnrst") + w[j + 1 :]

    def _spelling(self, p: _Passage) -> str | None:
        words = list(p.words)
        changed = False
        for i, w in enumerate(words):
            if w.lower() in _SPELLING_EXCEPTIONS or len(w) < 5:
                continue
            for pattern, repl in _SPELLING_RULES:
                forward, backward = re.sub(pattern, repl, w), None
                if forward != w:
                    words[i], changed = forward, True
                    break
                backward = re.sub(repl + "$", pattern.rstrip("$"), w)
                if backward != w:
                    words[i], changed = backward, True
                    break
        return " ".join(words) if changed else None

    def _drop(self, p: _Passage) -> str | None:
        words = list(p.words)
        n = len(words)
        if n < 10:
            return None
        if self.rng.random() < 0.5:  # a dropped clause
            length = self.rng.randint(3, min(8, n // 3))
            i = self.rng.randrange(1, n - length)
            del words[i : i + length]
        else:
            for i in sorted(self.rng.sample(range(1, n - 1), self.rng.randint(1, 2)), reverse=True):
                del words[i]
        return " ".join(words)

    def _insert(self, p: _Passage) -> str:
        words = list(p.words)
        for _ in range(self.rng.randint(1, 2)):
            filler = self.rng.choice(
                [*_FILLERS, *_FILLER_PHRASES, self.rng.choice(self._vocab).lower()]
            )
            i = self.rng.randrange(1, len(words) + 1)
            words[i:i] = filler.split()
        return " ".join(words)

    def _substitute(self, p: _Passage) -> str | None:
        words = list(p.words)
        idx = [i for i, w in enumerate(words) if not is_function_word(normalise_word(w))]
        if len(idx) < 3:
            return None
        for i in self.rng.sample(idx, self.rng.randint(1, 2)):
            words[i] = self.rng.choice(self._vocab).lower()
        return " ".join(words)

    def _negation(self, p: _Passage) -> str | None:
        words = list(p.words)
        for i, w in enumerate(words):
            n = normalise_word(w)
            if n in NEGATIONS and n not in ("nor", "without"):
                del words[i]
                return " ".join(words)
            if n.endswith("n't"):
                words[i] = w[:-3] if n != "won't" else "will"
                return " ".join(words)
        for i, w in enumerate(words):
            if normalise_word(w) in _AUX:
                words.insert(i + 1, "not")
                return " ".join(words)
        return None

    def _number(self, p: _Passage) -> str | None:
        words = list(p.words)
        for i, w in enumerate(words):
            if w.isdigit():
                value = int(w)
                words[i] = str(
                    value + self.rng.choice([-3, -2, -1, 1, 2, 5, 10])
                    if value > 3
                    else value + self.rng.randint(1, 9)
                )
                return " ".join(words)
            if w.lower() in NUMBER_WORDS and w.lower() not in ("first", "second", "once", "half"):
                other = self.rng.choice(sorted(NUMBER_WORDS - {w.lower()}))
                words[i] = other
                return " ".join(words)
        return None

    def _bracket(self, p: _Passage) -> str | None:
        words = list(p.words)
        names = [w for w in WORD_RE.findall(p.article.text) if w[:1].isupper() and len(w) > 3][:50]
        for i, w in enumerate(words):
            if w.lower() in _PRONOUNS and i > 0:
                who = self.rng.choice(names) if names else "the government"
                words[i] = f"[{who}]"
                return " ".join(words)
        return None

    def _paraphrase(self, p: _Passage) -> str | None:
        words = list(p.words)
        n = len(words)
        if n < 10:
            return None
        for i in sorted(self.rng.sample(range(n), max(1, n // 6)), reverse=True):
            del words[i]
        idx = [i for i, w in enumerate(words) if not is_function_word(normalise_word(w))]
        for i in self.rng.sample(idx, min(len(idx), max(1, len(words) // 7))):
            words[i] = self.rng.choice(self._vocab).lower()
        i = self.rng.randrange(0, len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
        return " ".join(words)

    # -- negatives -------------------------------------------------------------------------------

    def unseen(self, article: Article) -> Sample | None:
        """A real sentence from an article that is not in the index."""
        spans = sentences(article)
        if not spans:
            return None
        s, e = self.rng.choice(spans)
        return Sample("unseen", article.text[s:e], None)

    def fabricated(self) -> Sample:
        """A fluent-looking sentence no article contains (no real 4-word run)."""
        while True:
            words = [self.rng.choice(self._starts)]
            target = self.rng.randint(10, 25)
            while len(words) < target and self._bigrams.get(words[-1]):
                words.append(self.rng.choice(self._bigrams[words[-1]]))
            if len(words) < 8:
                continue
            norm = [normalise_word(w) for w in words]
            grams = zip(norm, norm[1:], norm[2:], norm[3:], strict=False)
            if not any(g in self._fourgrams for g in grams):
                return Sample("fabricated", " ".join(words) + ".", None)


def generate(
    gen: QuoteGenerator,
    kinds: Sequence[str],
    per_kind: int,
    unseen_articles: Sequence[Article] = (),
) -> list[Sample]:
    """`per_kind` samples of each kind (negatives included when named in `kinds`)."""
    samples: list[Sample] = []
    for kind in kinds:
        made, tries = 0, 0
        while made < per_kind and tries < per_kind * 50:
            tries += 1
            if kind == "fabricated":
                sample = gen.fabricated()
            elif kind == "unseen":
                if not unseen_articles:
                    break
                sample = gen.unseen(gen.rng.choice(list(unseen_articles)))
            else:
                sample = gen.positive(kind)
            if sample is not None:
                samples.append(sample)
                made += 1
    return samples
