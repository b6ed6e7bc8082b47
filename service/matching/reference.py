"""Plain-Python reference implementations: the specifications the compiled kernels are tested on.

Each function here computes, cell by cell or document by document, what a fast kernel elsewhere in
`service.matching` computes in one compiled pass. They are never on the request path; the tests
compare kernel and reference on generated inputs, so a kernel cannot drift from its definition.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from service.matching.align import (
    _NEG,
    ARTICLE_GAP_EXTEND,
    ARTICLE_GAP_OPEN,
    BRACKET_MAX_WORDS,
    END_BONUS,
    FUZZY,
    MATCH,
    MISMATCH,
    QUOTE_GAP_EXTEND,
    QUOTE_GAP_OPEN,
    Alignment,
    Row,
    Step,
)
from service.matching.normalise import (
    _TYPOGRAPHY_TABLE,
    ASCII_WORD_RE,
    CONTRACTIONS,
    WORD_RE,
    Tokens,
    normalise_word,
)
from service.matching.occurrences import MAX_HITS_PER_WORD, MAX_WINDOWS, WINDOW_SLACK, QuoteWords
from service.matching.similarity import fuzzy_equal


def similarity_matrix_reference(rows: Sequence[Row], words: Sequence[str]) -> np.ndarray:
    """Oracle for `similarity_matrix`: one `fuzzy_equal` call per cell."""
    sim = np.full((len(rows), len(words)), MISMATCH)
    for i, row in enumerate(rows):
        if row.kind != "word":
            continue
        for j, w in enumerate(words):
            if w == row.word:
                sim[i, j] = row.weight * MATCH
            elif fuzzy_equal(row.word, w):
                sim[i, j] = row.weight * FUZZY
    return sim


def align_reference(rows: Sequence[Row], sim: np.ndarray) -> Alignment | None:
    """The textbook Gotoh recurrences cell by cell; the oracle `align` must agree with."""
    m, n = sim.shape
    if m == 0 or n == 0:
        return None
    h = np.zeros((m + 1, n + 1))
    h[0] = END_BONUS
    e = np.full((m + 1, n + 1), _NEG)
    f = np.full((m + 1, n + 1), _NEG)
    for i in range(1, m + 1):
        row = rows[i - 1]
        for j in range(n + 1):
            if row.kind == "ellipsis":
                h[i, j] = max(h[i - 1, : j + 1])
                continue
            if row.kind == "bracket":
                h[i, j] = max(h[i - 1, max(0, j - BRACKET_MAX_WORDS) : j + 1])
                continue
            f[i, j] = max(h[i - 1, j] - QUOTE_GAP_OPEN, f[i - 1, j] - QUOTE_GAP_EXTEND)
            if j > 0:
                e[i, j] = max(h[i, j - 1] - ARTICLE_GAP_OPEN, e[i, j - 1] - ARTICLE_GAP_EXTEND)
            diag = h[i - 1, j - 1] + sim[i - 1, j - 1] if j > 0 else _NEG
            h[i, j] = max(0.0, diag, e[i, j], f[i, j])
    return _traceback(rows, sim, h, e, f)


def _traceback(
    rows: Sequence[Row], sim: np.ndarray, h: np.ndarray, e: np.ndarray, f: np.ndarray
) -> Alignment | None:
    """The best path back through the matrices, in plain Python: the oracle for
    `_traceback_compiled`, used by `align_reference`."""
    m = h.shape[0] - 1
    inner = float(h[1:].max())
    at_end = float(h[m].max()) + END_BONUS
    best = max(inner, at_end)
    if best <= 0:
        return None
    # Ties: the earliest end in the article, then the longest quote prefix (deterministic).
    if at_end >= inner:
        i, j = m, int(np.argmax(h[m] + END_BONUS == best))
    else:
        flat = np.flatnonzero(h[1:] == best)
        ends = [(int(x) // h.shape[1] + 1, int(x) % h.shape[1]) for x in flat]
        i, j = min(ends, key=lambda ij: (ij[1], -ij[0]))
    steps: list[Step] = []
    state = "h"
    while i > 0 and j >= 0:
        row = rows[i - 1]
        if state == "h":
            val = h[i, j]
            if val <= 0:
                break
            if row.kind == "ellipsis":
                k = int(np.argmax(h[i - 1, : j + 1] == val))
                if k < j:
                    steps.append(Step("skip", i - 1, k, j))
                i, j = i - 1, k
                continue
            if row.kind == "bracket":
                if h[i - 1, j] == val:
                    steps.append(Step("bracket", i - 1, j, j))
                    i -= 1
                    continue
                k = next(
                    k
                    for k in range(j - 1, max(-1, j - BRACKET_MAX_WORDS - 1), -1)
                    if h[i - 1, k] == val
                )
                steps.append(Step("bracket", i - 1, k, j))
                i, j = i - 1, k
                continue
            if j > 0 and val == h[i - 1, j - 1] + sim[i - 1, j - 1]:
                s = sim[i - 1, j - 1]
                kind = "match" if s == row.weight * MATCH else "fuzzy" if s > 0 else "sub"
                steps.append(Step(kind, i - 1, j - 1))
                i, j = i - 1, j - 1
            elif val == e[i, j]:
                state = "e"
            elif val == f[i, j]:
                state = "f"
            else:  # pragma: no cover - matrices are built so one branch always holds
                raise AssertionError("inconsistent alignment matrices")
        elif state == "e":
            steps.append(Step("delete", None, j - 1))
            if e[i, j] == h[i, j - 1] - ARTICLE_GAP_OPEN:
                state = "h"
            j -= 1
        else:
            steps.append(Step("insert", i - 1, None))
            if f[i, j] == h[i - 1, j] - QUOTE_GAP_OPEN:
                state = "h"
            i -= 1
    steps.reverse()
    return _trimmed(steps, best)


def _trimmed(steps: list[Step], best: float) -> Alignment | None:
    # Scores only rise on matches, so the path starts and ends on one; a zero-width bracket or
    # skip left at either end is not part of the aligned passage.
    while steps and steps[0].kind not in ("match", "fuzzy"):
        steps.pop(0)
    while steps and steps[-1].kind not in ("match", "fuzzy"):
        steps.pop()
    cols = [s.col for s in steps if s.kind in ("match", "fuzzy", "sub")]
    if not cols:
        return None
    row_ids = [s.row for s in steps if s.kind in ("match", "fuzzy", "sub", "insert")]
    return Alignment(
        score=best,
        steps=tuple(steps),
        first_col=min(cols),
        last_col=max(cols),
        first_row=min(row_ids),
        last_row=max(row_ids),
    )


def windows_reference(words: QuoteWords, ids: np.ndarray) -> list[list[int]]:
    """The window scan in plain Python, the oracle for the compiled one."""
    hits = []
    per_word: dict[int, int] = {}
    slot = {word_id: s for s, word_id in enumerate(words.keys.tolist())}
    for col, word_id in enumerate(ids.tolist()):
        s = slot.get(word_id, -1)
        if s >= 0 and per_word.get(s, 0) < MAX_HITS_PER_WORD:
            per_word[s] = per_word.get(s, 0) + 1
            hits.append((col, s))
    clusters = []
    for k, (col, _) in enumerate(hits):
        lo = next(i for i in range(k + 1) if col - hits[i][0] <= words.spread)
        clusters.append((len({s for _, s in hits[lo : k + 1]}), lo, k))
    clusters.sort(key=lambda c: (-c[0], c[1], -c[2]))
    found: list[tuple[int, int]] = []
    seen: set[int] = set()
    for _, first, last in clusters:
        if first in seen:
            continue
        seen.add(first)
        span = hits[first : last + 1]
        lo = max(0, min(c - int(words.last_row[s]) for c, s in span) - WINDOW_SLACK)
        hi = min(
            len(ids),
            max(c + words.rows - 1 - int(words.first_row[s]) for c, s in span) + WINDOW_SLACK + 1,
        )
        overlapping = [j for j, (a, b) in enumerate(found) if lo < b and a < hi]
        if overlapping:
            for j in overlapping:
                lo, hi = min(lo, found[j][0]), max(hi, found[j][1])
            found = [w for j, w in enumerate(found) if j not in overlapping]
            found.insert(overlapping[0], (lo, hi))
            continue
        if len(found) >= MAX_WINDOWS:
            break
        found.append((lo, hi))
    return [list(w) for w in found]


def best_documents_reference(
    docs: np.ndarray,
    lengths: np.ndarray,
    weights: np.ndarray,
    alive: np.ndarray,
    day: np.ndarray,
    limit: int,
    max_tied: int,
) -> tuple[np.ndarray, np.ndarray]:
    """Documents worth aligning and their rounded scores, in numpy over every document number.

    A document scores the summed weights of its postings; only live ones sharing a word count.
    The best `limit` scores and whatever ties with the last of them are kept, never more than
    `max_tied` (corpora of identical copies; the lowest score's ties cut by document number);
    then, when every date is ISO, only the best `limit` by score and date and those tying with
    the last on both. Scores are rounded so that sums in another order still tie. The caller
    orders what is left.
    """
    scores = np.bincount(docs, weights=np.repeat(weights, lengths), minlength=len(alive))
    scores = scores[: len(alive)] * alive
    hit = np.flatnonzero(scores > 0)
    hit_scores = np.round(scores[hit], 9)
    if len(hit) > limit:
        floor = np.partition(hit_scores, len(hit) - limit)[len(hit) - limit]
        keep = hit_scores >= floor
        hit, hit_scores = hit[keep], hit_scores[keep]
    if len(hit) > max_tied:
        order = np.argsort(-hit_scores, kind="stable")[:max_tied]
        hit, hit_scores = hit[order], hit_scores[order]
    if len(hit) > limit and not (day[hit] == -2).any():
        days = day[hit]
        order = np.lexsort((days, -hit_scores))
        last = order[limit - 1]
        rest = order[limit:]
        tied = rest[(hit_scores[rest] == hit_scores[last]) & (days[rest] == days[last])]
        keep = np.concatenate((order[:limit], tied))
        hit, hit_scores = hit[keep], hit_scores[keep]
    return hit, hit_scores


def tokenize_reference(text: str) -> Tokens:
    """`normalise.tokenize` one regex match at a time: each match's text, normalised, and span;
    words normalising to nothing dropped; contractions expanded in place, sharing the span."""
    plain = text.translate(_TYPOGRAPHY_TABLE)
    pattern, source = (ASCII_WORD_RE, plain) if plain.isascii() else (WORD_RE, text)
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in pattern.finditer(source):
        word = normalise_word(match.group())
        for part in CONTRACTIONS.get(word, (word,)) if word else ():
            words.append(part)
            starts.append(match.start())
            ends.append(match.end())
    return Tokens(tuple(words), tuple(starts), tuple(ends))


def inside_after_reference(segment: str, inside: bool) -> bool:
    """`passages._inside_after` character by character: an opening mark opens, a closing one
    closes, a straight one does the other of what the last did."""
    for ch in segment:
        if ch in "“«„":
            inside = True
        elif ch in "”»":
            inside = False
        elif ch == '"':
            inside = not inside
    return inside
