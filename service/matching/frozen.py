"""Strings kept in flat arrays, so a saved index maps them from its file instead of unpickling
them.

A Python dict of a million words costs about 100 bytes a word in every process that opens the
index, and again for each copy it keeps (two per serving process), since unpickled objects are
private memory. Here the strings are one UTF-8 array, their offsets, and an open-addressing hash
table of their numbers; all three are numpy arrays that the snapshot stores out of band
(`service.index_snapshot`), so every process and copy reads the same pages of the page cache.

`StringTable` is immutable. What changes after a snapshot is opened (words first met in a write)
goes to a small private overlay in the structures built on it (`token_store.Vocabulary`,
`postings.TermIds`); the next snapshot saved folds the overlay into a new table.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator, Sequence
from itertools import pairwise

import numpy as np

from service.matching.compiled import kernel

_EMPTY = -1
# Look-ups of saved strings remembered per table (see `GrowingTable`).
SEEN_STRINGS = 4096


def string_hash(encoded: bytes) -> int:
    """The slot hash of a string's UTF-8 bytes: the same in every process (Python's own `hash`
    of a str is salted per process, so it cannot index a table saved to a file)."""
    return zlib.crc32(encoded)


@kernel("void(uint32[::1], int32[::1])")
def _fill_slots(hashes: np.ndarray, slots: np.ndarray) -> None:  # pragma: no cover - compiled
    """`fill_slots_reference`, compiled (a million words take a second in Python)."""
    mask = slots.shape[0] - 1
    for i in range(hashes.shape[0]):
        at = hashes[i] & mask
        while slots[at] != -1:
            at = (at + 1) & mask
        slots[at] = i


def fill_slots_reference(hashes: np.ndarray, slots: np.ndarray) -> None:
    """Put string number i in the first free slot from `hashes[i]` on (linear probing); the
    strings are distinct, so none is compared. `slots` is all -1 and a power of two long."""
    mask = len(slots) - 1
    for i, h in enumerate(hashes.tolist()):
        at = h & mask
        while slots[at] != _EMPTY:
            at = (at + 1) & mask
        slots[at] = i


def _offset_dtype(size: int) -> np.dtype:
    return np.dtype(np.uint32) if size < 2**32 else np.dtype(np.int64)


class StringTable(Sequence[str]):
    """Distinct strings numbered 0..n-1 in the order given: `table[i]` is string i and
    `table.find(s)` its number (-1 when absent), from three flat arrays."""

    __slots__ = ("_blob", "_bytes", "_mask", "_offsets", "_slots", "_starts", "_table")

    def __init__(self, blob: np.ndarray, offsets: np.ndarray, slots: np.ndarray) -> None:
        self._blob, self._offsets, self._slots = blob, offsets, slots
        self._views()

    @classmethod
    def of(cls, strings: Iterable[str]) -> StringTable:
        """A table of distinct strings, numbered in the order given."""
        encoded = [s.encode("utf-8") for s in strings]
        blob = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        offsets = np.zeros(len(encoded) + 1, dtype=_offset_dtype(len(blob)))
        np.cumsum(
            np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:]
        )
        size = 1 << max(4, (2 * len(encoded)).bit_length())  # (at most half full)
        slots = np.full(size, _EMPTY, dtype=np.int32)
        hashes = np.fromiter(map(string_hash, encoded), dtype=np.uint32, count=len(encoded))
        _fill_slots(hashes, slots)
        return cls(blob, offsets, slots)

    def _views(self) -> None:
        # memoryviews: indexing one gives a Python int or bytes directly (numpy scalars cost
        # several times more per lookup).
        self._bytes = memoryview(self._blob)
        self._starts = memoryview(self._offsets)
        self._table = memoryview(self._slots)
        self._mask = len(self._slots) - 1

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        if not 0 <= i < len(self._offsets) - 1:
            raise IndexError(i)
        return str(self._bytes[self._starts[i] : self._starts[i + 1]], "utf-8")

    def __iter__(self) -> Iterator[str]:
        text = str(self._bytes, "utf-8") if len(self._blob) else ""
        if text.isascii():  # (character offsets are byte offsets)
            starts = self._offsets.tolist()
            return (text[a:b] for a, b in pairwise(starts))
        return (self[i] for i in range(len(self)))

    def find(self, string: str) -> int:
        """The number of `string`, or -1."""
        key = string.encode("utf-8")
        mask, slots, starts, blob = self._mask, self._table, self._starts, self._bytes
        at = string_hash(key) & mask
        while True:
            i = slots[at]
            if i < 0:
                return -1
            if blob[starts[i] : starts[i + 1]].tobytes() == key:
                return i
            at = (at + 1) & mask

    def __contains__(self, string: object) -> bool:
        return isinstance(string, str) and self.find(string) >= 0

    def nbytes(self) -> int:
        return self._blob.nbytes + self._offsets.nbytes + self._slots.nbytes

    def __getstate__(self) -> dict:
        return {"blob": self._blob, "offsets": self._offsets, "slots": self._slots}

    def __setstate__(self, state: dict) -> None:
        self._blob, self._offsets, self._slots = state["blob"], state["offsets"], state["slots"]
        self._views()


EMPTY_TABLE = StringTable.of(())


class GrowingTable:
    """String -> number, numbering each new string next: a `StringTable` (what was saved) and a
    private dict of the strings added since, numbered after it. Used as a dict would be:
    `table[s]` numbers a new string, `table.get(s)` does not."""

    __slots__ = ("_added", "_base", "_base_n", "_order", "_seen")

    def __init__(self, base: StringTable = EMPTY_TABLE) -> None:
        self._base = base
        self._base_n = len(base)
        self._added: dict[str, int] = {}
        self._order: list[str] = []
        # Saved strings looked up lately: a query asks for each of its words several times
        # (ids, document frequency, postings), and a dict hit costs a fifth of a table probe.
        # Bounded (emptied when full), so the private memory stays small.
        self._seen: dict[str, int] = {}

    @classmethod
    def of(cls, strings: Iterable[str]) -> GrowingTable:
        return cls(StringTable.of(strings))

    def get(self, string: str, default: int | None = None) -> int | None:
        found = self._added.get(string)
        if found is None and self._base_n:
            found = self._saved(string)
        return default if found is None else found

    def __getitem__(self, string: str) -> int:
        found = self._added.get(string)
        if found is None and self._base_n:
            found = self._saved(string)
        return self.append(string) if found is None else found

    def _saved(self, string: str) -> int | None:
        """The number of a saved string, or None."""
        found = self._seen.get(string)
        if found is None:
            i = self._base.find(string)
            if i < 0:
                return None
            if len(self._seen) >= SEEN_STRINGS:
                self._seen.clear()
            found = self._seen[string] = i
        return found

    def append(self, string: str) -> int:
        """Number a string known to be absent."""
        number = self._added[string] = self._base_n + len(self._order)
        self._order.append(string)
        return number

    def __contains__(self, string: object) -> bool:
        return isinstance(string, str) and self.get(string) is not None

    def __len__(self) -> int:
        return self._base_n + len(self._order)

    def __iter__(self) -> Iterator[str]:
        """The strings in number order."""
        yield from self._base
        yield from self._order

    def string(self, i: int) -> str:
        return self._base[i] if i < self._base_n else self._order[i - self._base_n]

    @property
    def added(self) -> int:
        """Strings held in the private overlay (not in the saved table)."""
        return len(self._order)

    def frozen(self) -> StringTable:
        """Every string in one table (the base itself when nothing was added)."""
        return self._base if not self._order else StringTable.of(self)

    def __getstate__(self) -> dict:
        return {"table": self.frozen()}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["table"])


class NumberedStrings(Sequence[str]):
    """The strings of a `GrowingTable` by number, as a list would give them."""

    __slots__ = ("_table",)

    def __init__(self, table: GrowingTable) -> None:
        self._table = table

    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        # (`StringTable.__getitem__` inlined: this is read per word of every passage described)
        table = self._table
        if 0 <= i < table._base_n:
            base = table._base
            starts = base._starts
            return str(base._bytes[starts[i] : starts[i + 1]], "utf-8")
        return table._order[i - table._base_n]

    def __len__(self) -> int:
        return len(self._table)

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)


_SEPARATOR = "\n"  # (no normalised word holds whitespace)


class WordBuckets:
    """Words grouped by first character and length, each group's words in the order given, as
    one text of newline-ended words: the candidates a mistyped word is compared with, read
    with one decode per group."""

    __slots__ = ("_bounds", "_keys", "_text", "_view")

    def __init__(self, keys: np.ndarray, bounds: np.ndarray, text: np.ndarray) -> None:
        self._keys, self._bounds, self._text = keys, bounds, text
        self._view = memoryview(text)

    @classmethod
    def of(cls, words: Iterable[str]) -> WordBuckets:
        words = list(words)
        if not words:
            return cls(np.zeros(0, np.int64), np.zeros(1, np.int64), np.zeros(0, np.uint8))
        keys = np.fromiter((_bucket_key(w[:1], len(w)) for w in words), np.int64, len(words))
        order = np.argsort(keys, kind="stable")
        encoded = [(words[i] + _SEPARATOR).encode("utf-8") for i in order.tolist()]
        text = b"".join(encoded)
        if text.count(_SEPARATOR.encode()) != len(words):
            raise ValueError("a word holds the bucket separator")
        ends = np.cumsum(np.fromiter(map(len, encoded), np.int64, len(encoded)))
        ordered = keys[order]
        firsts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
        bounds = np.append(np.concatenate(([0], ends))[firsts], len(text)).astype(np.int64)
        return cls(ordered[firsts], bounds, np.frombuffer(text, dtype=np.uint8))

    def words(self, first: str, length: int) -> list[str]:
        """The words starting with `first` and `length` characters long."""
        if not first or length <= 0 or not len(self._keys):
            return []
        key = _bucket_key(first, length)
        k = int(self._keys.searchsorted(key))
        if k == len(self._keys) or int(self._keys[k]) != key:
            return []
        lo, hi = int(self._bounds[k]), int(self._bounds[k + 1])
        return str(self._view[lo:hi], "utf-8").split(_SEPARATOR)[:-1]

    def __getstate__(self) -> dict:
        return {"keys": self._keys, "bounds": self._bounds, "text": self._text}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["keys"], state["bounds"], state["text"])


def _bucket_key(first: str, length: int) -> int:
    return (ord(first) << 32) | length


class StringList:
    """A list of strings (or None) as saved, in one UTF-8 array, with the items changed or
    appended since held privately: for per-article columns (ids, dates, titles) that a dict or
    list would hold as a Python object per article, per copy of the index."""

    __slots__ = ("_appended", "_base", "_base_n", "_changed", "_nulls")

    def __init__(self, base: StringTable | None = None, nulls: np.ndarray | None = None) -> None:
        self._base = base if base is not None else _plain(())
        self._base_n = len(self._base)
        self._nulls = nulls if nulls is not None else np.zeros(0, dtype=np.bool_)
        self._changed: dict[int, str | None] = {}
        self._appended: list[str | None] = []

    @classmethod
    def of(cls, items: Iterable[str | None]) -> StringList:
        items = list(items)
        nulls = np.fromiter((x is None for x in items), dtype=np.bool_, count=len(items))
        base = _plain("" if x is None else x for x in items)
        return cls(base, nulls if nulls.any() else None)

    def __len__(self) -> int:
        return self._base_n + len(self._appended)

    def __getitem__(self, i: int) -> str | None:
        if i >= self._base_n:
            return self._appended[i - self._base_n]
        if i < 0:
            raise IndexError(i)
        if self._changed and i in self._changed:
            return self._changed[i]
        if len(self._nulls) and self._nulls[i]:
            return None
        base = self._base  # (`StringTable.__getitem__` inlined: read per candidate document)
        starts = base._starts
        return str(base._bytes[starts[i] : starts[i + 1]], "utf-8")

    def __setitem__(self, i: int, value: str | None) -> None:
        if i >= self._base_n:
            self._appended[i - self._base_n] = value
        elif i < 0:
            raise IndexError(i)
        else:
            self._changed[i] = value

    def append(self, value: str | None) -> None:
        self._appended.append(value)

    def __iter__(self) -> Iterator[str | None]:
        return (self[i] for i in range(len(self)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, StringList | list):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> dict:
        if self._changed or self._appended:
            frozen = StringList.of(self)
            return {"base": frozen._base, "nulls": frozen._nulls}
        return {"base": self._base, "nulls": self._nulls}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["base"], state["nulls"])


def _plain(strings: Iterable[str]) -> StringTable:
    """A `StringTable` without its hash table (the strings need not be distinct, and are only
    read by number)."""
    encoded = [s.encode("utf-8") for s in strings]
    blob = np.frombuffer(b"".join(encoded), dtype=np.uint8)
    offsets = np.zeros(len(encoded) + 1, dtype=_offset_dtype(len(blob)))
    np.cumsum(np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded)), out=offsets[1:])
    return StringTable(blob, offsets, np.full(1, _EMPTY, dtype=np.int32))


class RowMap:
    """Distinct string keys -> int values (article id -> row or document number), as a dict
    would hold them, saved as a `StringTable` of the keys and an int32 array of the values;
    keys removed or set since are held privately. Iteration is in saved order, then in the
    order keys were set since (a key set again while present moves to the end)."""

    __slots__ = ("_added", "_base", "_base_n", "_removed", "_size", "_values")

    def __init__(self, base: StringTable = EMPTY_TABLE, values: np.ndarray | None = None) -> None:
        self._base = base
        self._base_n = len(base)
        self._values = values if values is not None else np.zeros(0, dtype=np.int32)
        self._added: dict[str, int] = {}
        self._removed: set[int] = set()  # saved keys (by number) removed or set again since
        self._size = self._base_n

    @classmethod
    def of(cls, items: Iterable[tuple[str, int]]) -> RowMap:
        items = list(items)
        keys = StringTable.of(k for k, _ in items)
        values = np.fromiter((v for _, v in items), dtype=np.int32, count=len(items))
        return cls(keys, values)

    def _saved(self, key: str) -> int:
        """The saved number of a present saved key, else -1."""
        if not self._base_n:
            return -1
        i = self._base.find(key)
        return -1 if i < 0 or i in self._removed else i

    def get(self, key: str, default: int | None = None) -> int | None:
        found = self._added.get(key)
        if found is not None:
            return found
        i = self._saved(key)
        return int(self._values[i]) if i >= 0 else default

    def __getitem__(self, key: str) -> int:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __setitem__(self, key: str, value: int) -> None:
        self.pop(key, None)
        self._added[key] = value
        self._size += 1

    def pop(self, key: str, *default: int | None) -> int | None:
        if key in self._added:
            self._size -= 1
            return self._added.pop(key)
        i = self._saved(key)
        if i >= 0:
            self._removed.add(i)
            self._size -= 1
            return int(self._values[i])
        if default:
            return default[0]
        raise KeyError(key)

    def __delitem__(self, key: str) -> None:
        self.pop(key)

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[str]:
        if self._removed:
            removed = self._removed
            yield from (k for i, k in enumerate(self._base) if i not in removed)
        else:
            yield from self._base
        yield from self._added

    def items(self) -> Iterator[tuple[str, int]]:
        values = self._values.tolist()
        removed = self._removed
        for i, key in enumerate(self._base):
            if i not in removed:
                yield key, values[i]
        yield from self._added.items()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RowMap | dict):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __getstate__(self) -> dict:
        if self._added or self._removed:
            frozen = RowMap.of(self.items())
            return {"keys": frozen._base, "values": frozen._values}
        return {"keys": self._base, "values": self._values}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["keys"], state["values"])
