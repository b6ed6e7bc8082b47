"""Every indexed article's normalised words, tokenised once, as compact numpy arrays.

Re-tokenising candidate articles per query was the matcher's largest cost; keeping the tokens as
int32 word ids (a shared vocabulary), int32 start offsets and uint16 lengths costs about 10 bytes
per word, in two or three big arrays per article rather than millions of small Python objects, so
gunicorn workers forked from a preloaded app share them copy-on-write.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from service.normalise import Tokens, tokenize


class Vocabulary(dict[str, int]):
    """Normalised word -> id, assigning the next id to a word seen for the first time."""

    def __init__(self) -> None:
        super().__init__()
        self.words: list[str] = []

    def __missing__(self, word: str) -> int:
        new_id = len(self.words)
        self[word] = new_id
        self.words.append(word)
        return new_id


@dataclass(frozen=True, slots=True)
class DocTokens:
    """One article's words: ids, start offsets, and lengths (or end offsets for huge words)."""

    ids: np.ndarray  # int32 word ids
    starts: np.ndarray  # int32 character offsets
    extent: np.ndarray  # uint16 lengths, or int32 ends when a word is 65,536+ characters long

    @property
    def ends(self) -> np.ndarray:
        if self.extent.dtype == np.uint16:
            return self.starts + self.extent
        return self.extent

    def __len__(self) -> int:
        return len(self.ids)

    def view(self, lo: int, hi: int, words: list[str]) -> Tokens:
        """Words [lo, hi) as `Tokens` (what differences and offsets are computed from)."""
        ids = self.ids[lo:hi].tolist()
        return Tokens(
            tuple(words[i] for i in ids),
            tuple(self.starts[lo:hi].tolist()),
            tuple(self.ends[lo:hi].tolist()),
        )


class TokenStore:
    """Tokens of every article, by article id, over one growing vocabulary."""

    def __init__(self) -> None:
        self.vocabulary = Vocabulary()
        self._docs: dict[str, DocTokens] = {}

    def add(self, article_id: str, text: str) -> tuple[str, ...]:
        """Tokenise and keep an article's text; returns its words (for the word index)."""
        tokens = tokenize(text)
        ids = np.fromiter(
            map(self.vocabulary.__getitem__, tokens.words), dtype=np.int32, count=len(tokens)
        )
        starts = np.asarray(tokens.starts, dtype=np.int32)
        ends = np.asarray(tokens.ends, dtype=np.int32)
        lengths = ends - starts
        extent = lengths.astype(np.uint16) if not len(lengths) or lengths.max() < 65536 else ends
        self._docs[article_id] = DocTokens(ids, starts, extent)
        return tokens.words

    def remove(self, article_id: str) -> None:
        self._docs.pop(article_id, None)

    def get(self, article_id: str) -> DocTokens:
        return self._docs[article_id]

    def word_id(self, word: str) -> int:
        """The id of a known word, -1 for a word no article has."""
        return dict.get(self.vocabulary, word, -1)

    def word(self, word_id: int) -> str:
        return self.vocabulary.words[word_id]

    def nbytes(self) -> int:
        """Bytes held in token arrays (the vocabulary's strings not counted)."""
        return sum(d.ids.nbytes + d.starts.nbytes + d.extent.nbytes for d in self._docs.values())
