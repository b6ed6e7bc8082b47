"""Many small per-article objects packed into a few flat arrays, for the saved index.

A saved index of 100,000 articles held some 600,000 small numpy arrays and dataclass instances;
unpickling them one by one was most of a restart (about 10 s). Packed, they are a dozen large
contiguous arrays, which the snapshot stores out of band and maps from the file
(`service.index_snapshot`): opening costs the same at any size, the pages are shared by every
worker and every restart through the page cache, and an article's tokens or text are read only
when a query touches it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, MutableMapping

import numpy as np

from service.matching.frozen import RowMap, StringList
from service.models import Article

_KINDS = (np.dtype(np.uint8), np.dtype(np.uint16), np.dtype(np.int32))


def offsets_of(lengths: Iterable[int]) -> np.ndarray:
    """Start of each of a run of pieces of these lengths, and the end of the last."""
    lengths = np.fromiter(lengths, dtype=np.int64)
    out = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=out[1:])
    return out


def distinct(values: np.ndarray) -> np.ndarray:
    """`np.unique(values)` for a small array: sorted distinct values (without np.unique's
    general set-up, a fair share of indexing time when called per article)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=np.bool_)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


def pooled_by_kind(arrays: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Arrays of uint8/uint16/int32 kept in one concatenation per dtype (so every slice is
    aligned, as the compiled kernels require): (kind per array, offset in its kind, the three)."""
    kind = np.array([_KINDS.index(a.dtype) for a in arrays], dtype=np.int8)
    start = np.zeros(len(arrays), dtype=np.int64)
    pools = []
    for k, dtype in enumerate(_KINDS):
        chosen = np.flatnonzero(kind == k)
        parts = [arrays[i] for i in chosen.tolist()]
        if parts:
            start[chosen] = offsets_of(len(p) for p in parts)[:-1]
        pools.append(np.concatenate(parts) if parts else np.zeros(0, dtype=dtype))
    return kind, start, pools


_FIELDS = ("title", "source", "url", "published", "licence", "credit")


class ArticleMap(MutableMapping[str, Article]):
    """Article id -> the indexed copy of the article, as a dict would be, but pickled as columns
    (texts in one UTF-8 array) and, once loaded, each article rebuilt when it is looked up.

    Articles written since loading live in an ordinary dict beside the packed ones.
    """

    def __init__(self) -> None:
        self._added: dict[str, Article] = {}
        self._rows: dict[str, int] | RowMap = {}  # packed articles still present -> row
        self._columns: dict[str, StringList] = {}
        self._text = np.zeros(0, dtype=np.uint8)
        self._text_offsets = np.zeros(1, dtype=np.int64)

    def __getitem__(self, article_id: str) -> Article:
        article = self._added.get(article_id)
        if article is not None:
            return article
        row = self._rows[article_id]
        lo, hi = int(self._text_offsets[row]), int(self._text_offsets[row + 1])
        text = str(memoryview(self._text[lo:hi]), "utf-8")
        fields = {name: self._columns[name][row] for name in _FIELDS}
        return Article(id=article_id, text=text, **fields)

    def __setitem__(self, article_id: str, article: Article) -> None:
        self._rows.pop(article_id, None)
        self._added[article_id] = article

    def __delitem__(self, article_id: str) -> None:
        if self._added.pop(article_id, None) is None:
            del self._rows[article_id]

    def __contains__(self, article_id: object) -> bool:
        return article_id in self._added or article_id in self._rows

    def __iter__(self) -> Iterator[str]:
        yield from self._rows
        yield from self._added

    def __len__(self) -> int:
        return len(self._added) + len(self._rows)

    def __getstate__(self) -> dict:
        ids = list(self)
        articles = [self[i] for i in ids]
        texts = [a.text.encode("utf-8") for a in articles]
        return {
            "rows": RowMap.of(zip(ids, range(len(ids)), strict=True)),
            "columns": {
                name: StringList.of(getattr(a, name) for a in articles) for name in _FIELDS
            },
            "text": np.frombuffer(b"".join(texts), dtype=np.uint8),
            "text_offsets": offsets_of(map(len, texts)),
        }

    def __setstate__(self, state: dict) -> None:
        self._added = {}
        self._rows = state["rows"]
        self._columns = state["columns"]
        self._text = state["text"]
        self._text_offsets = state["text_offsets"]
