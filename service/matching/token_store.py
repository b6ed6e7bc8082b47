"""Every indexed article's normalised words, tokenised once, as compact numpy arrays.

Re-tokenising candidate articles per query would be the matcher's largest cost; keeping the tokens
as int32 word ids (a shared vocabulary) plus one byte for the step to the next word's start and one
for its length costs about 6 bytes per word, in three arrays per article rather than millions of
small Python objects, so gunicorn workers forked from a preloaded app share them copy-on-write.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from rapidfuzz import fuzz, process

from service.matching.compiled import kernel
from service.matching.frozen import GrowingTable, NumberedStrings, RowMap, WordBuckets
from service.matching.lexicon import is_function_word, is_negation
from service.matching.normalise import (
    CONTRACTIONS,
    Tokens,
    normalise_word,
    split_parts,
    token_lists,
)
from service.matching.packed import distinct, offsets_of, pooled_by_kind
from service.matching.similarity import LetterCounts, may_be_near_miss

MARK_EVERY = 128
# The vocabulary is compacted once this share of its words is held by no article any more (and
# there are at least VOCABULARY_COMPACT_MIN such words): replaced and deleted articles would
# otherwise leave their words behind for good, and a worker taking a stream of edits would grow
# without bound. A quarter, as for dead documents in the word index: compaction costs a pass
# over every token, so it must be rare next to the writes that make it necessary.
VOCABULARY_COMPACT_SHARE = 0.25
VOCABULARY_COMPACT_MIN = 1024


# Spare room left after the per-word arrays of a saved vocabulary, so a process adding words to
# the index it opened fills pages of its own copy-on-write mapping in place instead of copying
# the arrays (an eighth of the words, at least this many).
SPARE_WORDS = 4096


class Vocabulary:
    """Normalised word -> id, assigning the next id to a word seen for the first time.

    The words are a `GrowingTable`: as saved, flat arrays shared by every process that opens the
    index; words met since, a small private dict. Words are also bucketed by first letter and
    length, so the known words a mistyped word may stand for can be found among a few thousand
    rather than the whole vocabulary (typos rarely change the first letter): saved words as one
    text per bucket, in id order, words added since in a dict of lists.
    """

    def __init__(self) -> None:
        self._ids = GrowingTable()
        self.words = NumberedStrings(self._ids)
        # 1 where the word may be a near miss of another (aligned by id: one byte per word).
        self._fuzzable = np.zeros(1024, dtype=np.uint8)
        # True for function words and negations (word pairs with one are indexed: `shingles`).
        self._function = np.zeros(1024, dtype=np.bool_)
        self.letters = LetterCounts()
        self._saved_buckets = WordBuckets.of(())
        self._buckets: dict[tuple[str, int], list[str]] = {}

    def get(self, word: str, default: int = -1) -> int:
        """The id of a known word, else `default` (the word is not added)."""
        found = self._ids.get(word)
        return default if found is None else found

    def __contains__(self, word: object) -> bool:
        return word in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def __getitem__(self, word: str) -> int:
        found = self._ids.get(word)
        return found if found is not None else self._add(word)

    def _add(self, word: str) -> int:
        new_id = self._ids.append(word)
        if new_id >= len(self._function):
            self._function = _grown(self._function)
            self._fuzzable = _grown(self._fuzzable)
        self._fuzzable[new_id] = may_be_near_miss(word)
        self._function[new_id] = is_function_word(word) or is_negation(word)
        self.letters.append(word)
        self._buckets.setdefault((word[:1], len(word)), []).append(word)
        return new_id

    def as_dict(self) -> dict[str, int]:
        """Every word and its id (for tests and checks)."""
        return {word: i for i, word in enumerate(self._ids)}

    def kept(self, keep: np.ndarray) -> Vocabulary:
        """A vocabulary of only the words with these ids (ascending), numbered in the same order,
        so every order between word ids (pair keys, buckets) is what it was. Its words are in
        one table (compact, though private until the next snapshot is saved and opened)."""
        words = [self.words[i] for i in keep.tolist()]
        n = len(words)
        kept = Vocabulary()
        kept._ids = GrowingTable.of(words)
        kept.words = NumberedStrings(kept._ids)
        kept._fuzzable = np.zeros(max(1024, 2 * n), dtype=np.uint8)
        kept._fuzzable[:n] = self.fuzzable[keep]
        kept._function = np.zeros(max(1024, 2 * n), dtype=np.bool_)
        kept._function[:n] = self._function[keep]
        kept.letters = self.letters.kept(keep)
        kept._saved_buckets = WordBuckets.of(words)
        return kept

    @property
    def fuzzable(self) -> np.ndarray:
        """One uint8 per word id: 1 when the word may be a near miss of another."""
        return self._fuzzable[: len(self._ids)]

    @property
    def function(self) -> np.ndarray:
        """One bool per word id (and spare zeros beyond): function word or negation."""
        return self._function

    def near(self, word: str, min_ratio: float, limit: int) -> list[str]:
        """Up to `limit` known words of similar length and the same first letter, best first."""
        pool: list[str] = []
        for length in (len(word) - 1, len(word), len(word) + 1):
            pool += self._saved_buckets.words(word[:1], length)
            pool += self._buckets.get((word[:1], length), ())
        found = process.extract(word, pool, scorer=fuzz.ratio, score_cutoff=min_ratio, limit=limit)
        return [w for w, _, _ in found]

    def __getstate__(self) -> dict:
        n = len(self._ids)
        spare = max(SPARE_WORDS, n // 8)
        fuzzable = np.zeros(n + spare, dtype=np.uint8)
        fuzzable[:n] = self.fuzzable
        function = np.zeros(n + spare, dtype=np.bool_)
        function[:n] = self._function[:n]
        table = self._ids.frozen()
        return {
            "words": table,
            "fuzzable": fuzzable,
            "function": function,
            "letters": self.letters.with_room(spare),
            "buckets": self._saved_buckets if not self._ids.added else WordBuckets.of(table),
        }

    def __setstate__(self, state: dict) -> None:
        self._ids = GrowingTable(state["words"])
        self.words = NumberedStrings(self._ids)
        self._fuzzable, self._function = state["fuzzable"], state["function"]
        self.letters = state["letters"]
        self._saved_buckets = state["buckets"]
        self._buckets = {}


def _grown(values: np.ndarray) -> np.ndarray:
    grown = np.zeros(max(1024, 2 * len(values)), dtype=values.dtype)
    grown[: len(values)] = values
    return grown


@kernel(
    [
        "int64[::1](uint8[::1], int64, int64, int64, int64)",
        "int64[::1](uint16[::1], int64, int64, int64, int64)",
    ]
)
def _summed_starts(
    steps: np.ndarray, start: int, base: int, lo: int, hi: int
) -> np.ndarray:  # pragma: no cover - compiled; the offsets test checks every word range
    """Starts of words [lo, hi), given that word `base` (<= lo) starts at `start` and each
    word's step from the one before (what a numpy cumsum did, at a tenth of its call cost)."""
    out = np.empty(hi - lo, dtype=np.int64)
    position = start
    for k in range(base + 1, lo):
        position += steps[k]
    for k in range(lo, hi):
        if k > base:
            position += steps[k]
        out[k - lo] = position
    return out


def _smallest(values: np.ndarray) -> np.ndarray | None:
    """`values` in uint8 or uint16 when they fit (None when they do not)."""
    if not len(values) or (values.min() >= 0 and values.max() < 256):
        return values.astype(np.uint8)
    if values.min() >= 0 and values.max() < 65536:
        return values.astype(np.uint16)
    return None


@dataclass(frozen=True, slots=True)
class DocTokens:
    """One article's words: ids, plus offsets stored as small steps between word starts and word
    lengths (1 byte each for ordinary prose), or as int32 offsets when those do not fit."""

    ids: np.ndarray  # int32 word ids
    origin: int  # start of the first word (steps count from it)
    steps: np.ndarray  # uint8/uint16 start differences, or int32 absolute starts
    extent: np.ndarray  # uint8/uint16 lengths, or int32 absolute ends
    # Start of every MARK_EVERY-th word, so finding a passage's offsets sums at most that many
    # steps rather than every step from the top of a long article.
    marks: np.ndarray

    @classmethod
    def build(cls, ids: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> DocTokens:
        origin = int(starts[0]) if len(starts) else 0
        steps = _smallest(np.diff(starts, prepend=origin))
        lengths = _smallest(ends - starts)
        return cls(
            ids,
            origin,
            steps if steps is not None else starts,
            lengths if lengths is not None else ends,
            np.asarray(starts[::MARK_EVERY], dtype=np.int64),
        )

    @property
    def starts(self) -> np.ndarray:
        if self.steps.dtype == np.int32:
            return self.steps
        return self.origin + np.cumsum(self.steps, dtype=np.int64)

    @property
    def ends(self) -> np.ndarray:
        if self.extent.dtype == np.int32:
            return self.extent.astype(np.int64)
        return self.starts + self.extent

    @property
    def nbytes(self) -> int:
        return self.ids.nbytes + self.steps.nbytes + self.extent.nbytes + self.marks.nbytes

    def __len__(self) -> int:
        return len(self.ids)

    def offsets(self, lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """Start and end characters of words [lo, hi)."""
        if self.steps.dtype == np.int32:
            starts = self.steps[lo:hi].astype(np.int64)
        elif lo >= hi:
            starts = np.zeros(0, dtype=np.int64)
        else:  # summed from the last mark at or before `lo`
            mark = lo // MARK_EVERY
            starts = _summed_starts(self.steps, int(self.marks[mark]), mark * MARK_EVERY, lo, hi)
        if self.extent.dtype == np.int32:
            ends = self.extent[lo:hi].astype(np.int64)
        else:
            ends = starts + self.extent[lo:hi]
        return starts, ends

    def view(self, lo: int, hi: int, words: list[str]) -> Tokens:
        """Words [lo, hi) as `Tokens` (what differences and offsets are computed from)."""
        starts, ends = self.offsets(lo, hi)
        ids = self.ids[lo:hi].tolist()
        return Tokens(
            tuple(map(words.__getitem__, ids)),
            tuple(starts.tolist()),
            tuple(ends.tolist()),
        )


class PackedDocs:
    """The `DocTokens` of many articles in flat arrays; `doc(row)` is built on demand (views of
    the arrays, but for word ids stored in two bytes, which are widened)."""

    def __init__(self, docs: list[DocTokens]) -> None:
        self.id_offsets = offsets_of(len(d) for d in docs)
        ids = np.concatenate([d.ids for d in docs]) if docs else np.zeros(0, dtype=np.int32)
        # Two bytes a word while the vocabulary has fewer than 65,536 words (ids only grow
        # past that with it; `doc` widens an article's ids to int32 for the kernels).
        narrow = not len(ids) or int(ids.max()) < 1 << 16
        self.ids = ids.astype(np.uint16 if narrow else np.int32, copy=False)
        self.origins = np.fromiter((d.origin for d in docs), dtype=np.int64, count=len(docs))
        self.step_kind, self.step_start, self.steps = pooled_by_kind([d.steps for d in docs])
        self.extent_kind, self.extent_start, self.extents = pooled_by_kind([d.extent for d in docs])
        self.mark_offsets = offsets_of(len(d.marks) for d in docs)
        self.marks = (
            np.concatenate([d.marks for d in docs]) if docs else np.zeros(0, dtype=np.int64)
        ).astype(np.int64, copy=False)

    def doc(self, row: int) -> DocTokens:
        lo, hi = int(self.id_offsets[row]), int(self.id_offsets[row + 1])
        n = hi - lo
        s, e = int(self.step_start[row]), int(self.extent_start[row])
        ids = self.ids[lo:hi]
        return DocTokens(
            ids if ids.dtype == np.int32 else ids.astype(np.int32),
            int(self.origins[row]),
            self.steps[self.step_kind[row]][s : s + n],
            self.extents[self.extent_kind[row]][e : e + n],
            self.marks[self.mark_offsets[row] : self.mark_offsets[row + 1]],
        )


# `WordCodes` for a word normalising to nothing; codes below it name a contraction's words.
NO_WORD = -1


class WordCodes(dict[str, int]):
    """Raw word (as split from a text) -> the vocabulary id of its normalised form, for indexing
    many articles in a row (`TokenStore.add_coded`).

    Normalising is a cached call per word, then a vocabulary lookup; one lookup here does both.
    A word normalising to nothing is NO_WORD, a contraction `-2 - k` where `expansions[k]` holds
    the ids of the words it stands for. New words get vocabulary ids in the order the texts hold
    them, as `TokenStore.add` gives them. Valid only for the vocabulary it was made with (a
    compaction renumbers it); it keeps every raw word met, so it lives for one batch of articles.
    """

    def __init__(self, vocabulary: Vocabulary) -> None:
        super().__init__()
        self.vocabulary = vocabulary
        self.expansions: list[np.ndarray] = []

    def __missing__(self, raw: str) -> int:
        word = normalise_word(raw)
        if not word:
            code = NO_WORD
        elif word in CONTRACTIONS:
            vocabulary = self.vocabulary
            ids = [vocabulary[part] for part in CONTRACTIONS[word]]
            code = -2 - len(self.expansions)
            self.expansions.append(np.array(ids, dtype=np.int32))
        else:
            code = self.vocabulary[word]
        self[raw] = code
        return code


def coded_tokens(text: str, codes: WordCodes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`token_lists` as arrays of word ids, starts and ends (int32), words coded by `codes`:
    the per-word work is two lookups mapped in C and offsets are one cumulative sum."""
    parts = split_parts(text)
    coded = np.fromiter(map(codes.__getitem__, parts[1::2]), dtype=np.int32)
    bounds = np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)))
    starts = bounds[0:-1:2].astype(np.int32)
    ends = bounds[1::2].astype(np.int32)
    if not len(coded) or coded.min() >= 0:
        return coded, starts, ends
    # Words normalising to nothing go; a contraction becomes its words, each with its span.
    special = coded < 0
    counts = np.ones(len(coded), dtype=np.int64)
    counts[coded == NO_WORD] = 0
    contracted = np.flatnonzero(coded < NO_WORD)
    expansions = [codes.expansions[-2 - int(c)] for c in coded[contracted].tolist()]
    counts[contracted] = [len(e) for e in expansions]
    ids = np.repeat(np.where(special, 0, coded).astype(np.int32), counts)
    at = np.cumsum(counts) - counts
    for first, expansion in zip(at[contracted].tolist(), expansions, strict=True):
        ids[first : first + len(expansion)] = expansion
    return ids, np.repeat(starts, counts), np.repeat(ends, counts)


class TokenStore:
    """Tokens of every article, by article id, over one vocabulary of the words they use.

    Each word id counts the articles holding it, so the words of replaced and deleted articles
    can be dropped (`compact`) and memory follows what is indexed, not what ever was. Pickled,
    the articles' arrays are packed (`PackedDocs`); once loaded, articles written since live in
    a dict beside the packed ones.
    """

    def __init__(self) -> None:
        self.vocabulary = Vocabulary()
        self._docs: dict[str, DocTokens] = {}
        self._packed = PackedDocs([])
        self._rows: dict[str, int] | RowMap = {}  # packed articles still present -> row
        self._uses = np.zeros(1024, dtype=np.int32)  # articles holding each word id
        self._unused = 0  # word ids no article holds

    def add(self, article_id: str, text: str) -> tuple[str, ...]:
        """Tokenise and keep an article's text (replacing the copy with the same id); returns
        its words (for the word index)."""
        self.remove(article_id)
        words, starts, ends = token_lists(text)
        before = len(self.vocabulary.words)
        ids = np.fromiter(map(self.vocabulary.__getitem__, words), dtype=np.int32, count=len(words))
        starts = np.array(starts, dtype=np.int32)
        ends = np.array(ends, dtype=np.int32)
        self._docs[article_id] = DocTokens.build(ids, starts, ends)
        self._count_uses(ids, before)
        return tuple(words)

    def add_coded(self, article_id: str, text: str, codes: WordCodes) -> np.ndarray:
        """`add` for indexing many articles: words coded by `codes` (made for this store's
        vocabulary), the same tokens and ids as `add`; returns the distinct word ids."""
        self.remove(article_id)
        before = len(self.vocabulary.words)
        ids, starts, ends = coded_tokens(text, codes)
        self._docs[article_id] = DocTokens.build(ids, starts, ends)
        return self._count_uses(ids, before)

    def _count_uses(self, ids: np.ndarray, before: int) -> np.ndarray:
        """Count an added article's words (`before`: the vocabulary's size before it); returns
        its distinct word ids."""
        size = len(self.vocabulary.words)
        if size > len(self._uses):
            grown = np.zeros(max(size, 2 * len(self._uses)), dtype=np.int32)
            grown[: len(self._uses)] = self._uses
            self._uses = grown
        held = distinct(ids)
        self._unused += size - before - int(np.count_nonzero(self._uses[held] == 0))
        self._uses[held] += 1
        return held

    def remove(self, article_id: str) -> None:
        doc = self._docs.pop(article_id, None)
        if doc is None and article_id in self._rows:
            doc = self._packed.doc(self._rows.pop(article_id))
        if doc is not None:
            held = np.unique(doc.ids)
            self._uses[held] -= 1
            self._unused += int(np.count_nonzero(self._uses[held] == 0))

    @property
    def unused_words(self) -> int:
        """Words in the vocabulary that no indexed article holds."""
        return self._unused

    def wants_compaction(self) -> bool:
        return self._unused >= max(
            VOCABULARY_COMPACT_MIN, VOCABULARY_COMPACT_SHARE * len(self.vocabulary.words)
        )

    def compact(self) -> np.ndarray:
        """Drop the words no article holds and renumber the rest densely, in the same order;
        returns the old id -> new id map (-1 for a dropped word) for whatever else holds ids."""
        size = len(self.vocabulary.words)
        keep = np.flatnonzero(self._uses[:size] > 0)
        remap = np.full(size, -1, dtype=np.int64)
        remap[keep] = np.arange(len(keep))
        self.vocabulary = self.vocabulary.kept(keep)
        new_ids = remap.astype(np.int32)
        for article_id, doc in self._docs.items():
            self._docs[article_id] = replace(doc, ids=new_ids[doc.ids])
        # (Rows of removed packed articles get -1s: they are never read again.)
        self._packed.ids = new_ids[self._packed.ids]
        uses = np.zeros(max(1024, len(keep)), dtype=np.int32)
        uses[: len(keep)] = self._uses[keep]
        self._uses = uses
        self._unused = 0
        return remap

    def get(self, article_id: str) -> DocTokens:
        doc = self._docs.get(article_id)
        return doc if doc is not None else self._packed.doc(self._rows[article_id])

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        ids = [*self._rows, *self._docs]
        state["_packed"] = PackedDocs([self.get(i) for i in ids])
        state["_rows"] = RowMap.of(zip(ids, range(len(ids)), strict=True))
        state["_docs"] = {}
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def word_id(self, word: str) -> int:
        """The id of a known word, -1 for a word no article has."""
        return self.vocabulary.get(word, -1)

    def word(self, word_id: int) -> str:
        return self.vocabulary.words[word_id]

    def nbytes(self) -> int:
        """Bytes held in token arrays (the vocabulary's strings not counted)."""
        return sum(self.get(i).nbytes for i in [*self._rows, *self._docs])
