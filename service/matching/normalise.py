"""Turn text into comparable words while remembering where each word came from.

Matching happens on normalised words (Unicode NFKC, accents stripped, case-folded, one apostrophe,
digit grouping removed) but every answer must slice the caller's original text exactly, so each
word keeps the character offsets of its original form. Punctuation, quote marks, dashes and
whitespace separate words and are otherwise ignored: a quote's punctuation style never matters.

Nothing here may raise on any `str`: lone surrogates, NUL, right-to-left marks, emoji and
100,000-character "words" all tokenise (possibly to nothing).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, chain, repeat

# Unicode assigns combining marks in the Basic and Supplementary Multilingual Planes and in the
# Supplementary Special-purpose Plane (variation selectors) only: scanning those three planes
# instead of all seventeen takes a fifth of the time at import. A test checks the result against
# the scan of every code point, for the Unicode version Python ships.
MARK_PLANES = (range(0x0000, 0x20000), range(0xE0000, 0xF0000))


def combining_mark_ranges(
    planes: tuple[range, ...] = MARK_PLANES,
) -> list[tuple[int, int]]:
    """The runs of code points of category M (combining marks) in `planes`, first to last."""
    ranges: list[tuple[int, int]] = []
    category = unicodedata.category
    for plane in planes:
        for cp in plane:
            if category(chr(cp))[0] == "M":
                if ranges and ranges[-1][1] == cp - 1:
                    ranges[-1] = (ranges[-1][0], cp)
                else:
                    ranges.append((cp, cp))
    return ranges


def _combining_mark_class() -> str:
    """A regex class body for every combining mark (category M).

    `re`'s `\\w` excludes marks, so "café" written with a combining acute (or any Devanagari word)
    would otherwise fall apart into pieces.
    """
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in combining_mark_ranges()
    )


_WORD_CHAR = rf"[\w{_combining_mark_class()}]"
# Apostrophes that may sit *inside* a word ("they’re", "O'Neill"); at a word's edge they are quote
# marks and are dropped. Numbers keep their grouping/decimal separators so "1,000" is one word.
_APOSTROPHES = "'\u2019\u2018\u02bc\u02b9\u2032\uff07`\u00b4"
WORD_RE = re.compile(
    rf"\d+(?:[.,]\d+)+|{_WORD_CHAR}+(?:[{_APOSTROPHES}]{_WORD_CHAR}+)*",
)
_APOSTROPHE_TABLE = str.maketrans(dict.fromkeys(_APOSTROPHES, "'"))
# Fast path: most news text is ASCII apart from typographic punctuation. Mapping that punctuation
# one-to-one onto ASCII keeps every offset, and an ASCII text needs no combining-mark class (which
# makes the general pattern several times slower on every non-word character).
_TYPOGRAPHY_TABLE = str.maketrans(
    {
        **dict.fromkeys(_APOSTROPHES, "'"),
        **dict.fromkeys("“”„‟«»", '"'),
        **dict.fromkeys("‐‑‒–—―−", "-"),
        "…": ";",  # not ".": "1…5" is two numbers, as in the general pattern
        "\u00a0": " ",
    }
)


_TYPOGRAPHY = {chr(code): plain for code, plain in _TYPOGRAPHY_TABLE.items()}
_TYPOGRAPHY_RE = re.compile(f"[{re.escape(''.join(_TYPOGRAPHY))}]")


def _plain_mark(match: re.Match[str]) -> str:
    return _TYPOGRAPHY[match.group()]


def fold_marks(text: str) -> str:
    """Apostrophes, quote marks and dashes in their ASCII form, one character for one: how a
    copy of article text that a writer retyped may differ without being another text.

    `text.translate(_TYPOGRAPHY_TABLE)` gives the same string, but once it meets a non-ASCII
    character it looks every character up in the table (a third of indexing time); one regex
    scan finds the few marks an article holds."""
    if text.isascii() and "`" not in text:  # (the one ASCII character the table changes)
        return text
    return _TYPOGRAPHY_RE.sub(_plain_mark, text)


ASCII_WORD_RE = re.compile(r"\d+(?:[.,]\d+)+|[A-Za-z0-9_]+(?:'[A-Za-z0-9_]+)*")
# The same patterns as one capturing group, for `re.split` (`token_lists`).
_ASCII_SPLIT = re.compile(f"({ASCII_WORD_RE.pattern})")
_WORD_SPLIT = re.compile(f"({WORD_RE.pattern})")
_LATIN_DIACRITICS = re.compile("[\u0300-\u036f]")
_DIGIT_GROUP = re.compile(r"(?<=\d),(?=\d{3}\b)")

# Ellipsis: three or more dots (optionally spaced) or the single-character ellipsis.
ELLIPSIS_RE = re.compile(r"\u2026|\.(?:\s*\.){2,}")
# Editorial insertion in a quote: "[the UK]". Bounded length so a stray "[" cannot swallow a quote.
BRACKET_RE = re.compile(r"\[[^\[\]]{0,80}\]")


@lru_cache(maxsize=65536)
def normalise_word(word: str) -> str:
    """Canonical form of a word: NFKC, no accents, case-folded, one apostrophe, "1000" not "1,000".

    Cached because the same words recur across articles and queries.
    """
    if word.isascii():
        norm = word.lower()
        if "`" in norm:
            norm = norm.replace("`", "'")
    else:
        # Apostrophe look-alikes become "'" first: NFKD turns "´" into a space and an accent.
        decomposed = unicodedata.normalize("NFKD", word.translate(_APOSTROPHE_TABLE))
        # Only Latin-style diacritics (U+0300-036F) go: Indic vowel signs are letters, not accents.
        stripped = _LATIN_DIACRITICS.sub("", decomposed)
        norm = unicodedata.normalize("NFKC", stripped).casefold().translate(_APOSTROPHE_TABLE)
    if "," in norm and norm[0].isdigit():
        norm = _DIGIT_GROUP.sub("", norm)
    return norm


def _contractions() -> dict[str, tuple[str, str]]:
    """Contracted words and the two words they stand for ("they're" -> "they", "are").

    Only contractions that read one way: pronoun + 're/'m/'ve/'ll/'d, pronoun + 's ("it's", never
    "Trump's", a possessive) and auxiliary + n't. "won't" is "will not", so dropping the "not"
    stays a negation change. Apostrophe-less negations ("dont") are common in typed quotes.
    """
    table: dict[str, tuple[str, str]] = {
        "won't": ("will", "not"),
        "can't": ("can", "not"),
        "cannot": ("can", "not"),
        "cant": ("can", "not"),
        "shan't": ("shall", "not"),
        "let's": ("let", "us"),
        "i'm": ("i", "am"),
    }
    suffixes = {
        "'re": ("are", "they we you who what"),
        "'ve": ("have", "i you we they who would could should might must"),
        "'ll": ("will", "i you he she it we they that there who what"),
        "'d": ("would", "i you he she it we they that there who"),
        "'s": ("is", "it he she that there what who here where how when why"),
    }
    for suffix, (full, stems) in suffixes.items():
        for stem in stems.split():
            table[stem + suffix] = (stem, full)
    for aux in (
        "do does did is are was were has have had would should could must need might".split()  # noqa: SIM905
    ):
        table[aux + "n't"] = (aux, "not")
        if aux not in ("might", "need", "must"):
            table[aux + "nt"] = (aux, "not")  # "dont", "isnt": the apostrophe is often lost
    # The apostrophe is lost from the others too ("im", "theyre", "weve": a quote typed fast or
    # stripped of punctuation); those that are words of their own stay as they are.
    for word, halves in list(table.items()):
        bare = word.replace("'", "")
        if bare != word and not word.endswith("n't") and bare not in WORDS_WITHOUT_APOSTROPHE:
            table.setdefault(bare, halves)
    return table


# Contractions whose apostrophe-less spelling is another English word ("its", "were", "well").
WORDS_WITHOUT_APOSTROPHE = frozenset(
    "its lets were whore ill hell shell well wed id shed".split()  # noqa: SIM905
)


CONTRACTIONS = _contractions()


def expand_contraction(word: str) -> tuple[str, ...]:
    """The normalised words a normalised word stands for: ("they", "are") for "they're"."""
    return CONTRACTIONS.get(word, (word,))


@dataclass(frozen=True, slots=True)
class Tokens:
    """Normalised words of a text with the original character span of each.

    A contraction becomes two words sharing the span of the original ("They’re" -> "they" and
    "are", both at the offsets of "They’re"), so "They are" and "They’re" align word for word.
    """

    words: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def __len__(self) -> int:
        return len(self.words)


def tokenize(text: str, offset: int = 0) -> Tokens:
    """Split `text` into normalised words; `offset` is added to every character position."""
    words, starts, ends = token_lists(text)
    if not words:
        return Tokens((), (), ())
    if offset:
        starts = [x + offset for x in starts]
        ends = [x + offset for x in ends]
    return Tokens(tuple(words), tuple(starts), tuple(ends))


def split_parts(text: str) -> list[str]:
    """`text` split into separators and raw (not yet normalised) words, alternating, separator
    first and last: word k is part 2k + 1, and the parts' lengths add up to every offset."""
    plain = fold_marks(text)
    pattern, source = (_ASCII_SPLIT, plain) if plain.isascii() else (_WORD_SPLIT, text)
    return pattern.split(source)


def token_lists(text: str) -> tuple[list[str], list[int], list[int]]:
    """`tokenize` as three parallel lists (words, starts, ends): what indexing stores.

    Split rather than finditer, so no match object is made per word: the pattern in a capturing
    group alternates separators and words, and the running sum of their lengths is every word's
    start and end (the typography mapping keeps one character per character). `tokenize_reference`
    in `service.matching.reference` is the finditer version it is tested against.
    """
    parts = split_parts(text)
    bounds = list(accumulate(map(len, parts)))
    # map() over the cached normaliser keeps the per-word work in C for the common case.
    words = list(map(normalise_word, parts[1::2]))
    starts = bounds[0:-1:2]
    ends = bounds[1::2]
    if "" in words:  # a "word" that normalises to nothing (rare: e.g. only a combining mark)
        kept = [k for k, w in enumerate(words) if w]
        words = [words[k] for k in kept]
        starts = [starts[k] for k in kept]
        ends = [ends[k] for k in kept]
    if not CONTRACTIONS.keys().isdisjoint(words):
        words, starts, ends = _expand(words, starts, ends)
    return words, starts, ends


def _expand(
    words: list[str], starts: list[int], ends: list[int]
) -> tuple[list[str], list[int], list[int]]:
    """Contractions replaced by the words they stand for, each with the contraction's span."""
    parts = [CONTRACTIONS.get(w) or (w,) for w in words]
    counts = list(map(len, parts))
    return (
        list(chain.from_iterable(parts)),
        list(chain.from_iterable(map(repeat, starts, counts))),
        list(chain.from_iterable(map(repeat, ends, counts))),
    )


def word_set(text: str) -> set[str]:
    """Distinct normalised words of a text, without offsets (what the index stores).

    Same words as `tokenize`, but only distinct raw words are normalised (index build speed).
    """
    plain = fold_marks(text)
    pattern, source = (ASCII_WORD_RE, plain) if plain.isascii() else (WORD_RE, text)
    raw = set(pattern.findall(source))
    out: set[str] = set()
    for word in map(normalise_word, raw):
        if word:
            out.update(CONTRACTIONS.get(word, (word,)))
    return out


_QUOTE_MARKER_RE = re.compile(f"(?:{ELLIPSIS_RE.pattern})|(?:{BRACKET_RE.pattern})")


@dataclass(frozen=True, slots=True)
class QueryPart:
    """One piece of a candidate quote: a run of words, an ellipsis, or an [editorial] insertion."""

    kind: str  # "words" | "ellipsis" | "bracket"
    tokens: Tokens
    text: str  # the original characters (bracket text including its brackets)
    start: int = 0  # where `text` starts in the quote


def split_quote(quote: str) -> list[QueryPart]:
    """Split a candidate quote into word runs separated by ellipses and [bracketed] insertions.

    Positions in each part's tokens index the quote string, so diffs can show the journalist's own
    spelling and case.
    """
    parts: list[QueryPart] = []
    pos = 0
    for m in _QUOTE_MARKER_RE.finditer(quote):
        if m.start() > pos:
            _append_words(parts, quote, pos, m.start())
        if m.group().startswith("["):
            parts.append(QueryPart("bracket", tokenize(m.group(), m.start()), m.group(), m.start()))
        elif parts and parts[-1].kind != "ellipsis":
            # A leading ellipsis ("...and then") is just a truncation: nothing to skip over.
            parts.append(QueryPart("ellipsis", Tokens((), (), ()), m.group(), m.start()))
        pos = m.end()
    if pos < len(quote):
        _append_words(parts, quote, pos, len(quote))
    while parts and parts[-1].kind == "ellipsis":
        parts.pop()  # a trailing ellipsis is a truncation too
    return parts


def _append_words(parts: list[QueryPart], quote: str, start: int, end: int) -> None:
    tokens = tokenize(quote[start:end], start)
    if tokens.words:
        parts.append(QueryPart("words", tokens, quote[start:end], start))
