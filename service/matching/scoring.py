"""Verdict and calibrated confidence for one alignment.

The verdict is a rule over the differences (the v1 contract defines it in words, so it is not
learnt). The confidence is a probability that the aligned passage is the true source of the quote,
from a logistic model over alignment features fitted by `bench/fit_calibration.py` on labelled
pairs generated from real corpus text; its parameters live in `service/matching/calibration.json`.
Information content matters: "we will see" aligns perfectly with thousands of passages, so the
summed IDF of the matched words is a feature and generic quotes get a low probability.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path

from service.matching.align import FUZZY, MATCH, Alignment, Row, Step
from service.matching.lexicon import TRIVIAL_WORDS, is_function_word, is_negation
from service.matching.normalise import normalise_word
from service.models import Difference, Verdict

CALIBRATION_PATH = Path(__file__).with_name("calibration.json")
MEANING_FLAGS = ("negation", "number", "name")
# Differences a verbatim quote may have: reported, but the words are the article's.
VERBATIM_FLAGS = (("attribution",), ("punctuation",))
# A close quote may swap at most this many trivial words ("the" for "a", a dropped "very").
MAX_TRIVIAL_EDITS = 2

FEATURES = (
    "quote_coverage",  # share of the quote's word weight matched (exact or near miss)
    "span_precision",  # share of the passage's words the quote matched
    "score_ratio",  # alignment score / score of a perfect match
    "log_info",  # log(1 + summed IDF of matched content words)
    # log(1 + summed IDF of the word pairs matched side by side in both): how rare the matched
    # word *sequence* is, so common words in a rare order count, whatever the quote's length
    "log_phrase_info",
    "edit_rate",  # differences per quote word
    "meaning_changes",  # negation/number/name flags
    "content_share",  # share of quote words that are content words
)
# Not a feature: how many other articles align as well only divides the probability
# (`source_confidence`), so more ties can never raise it.


@dataclass(frozen=True, slots=True)
class MatchFeatures:
    values: tuple[float, ...]  # one per FEATURES name
    ties: int = 0  # other articles holding an equally good passage
    # The passage holds the quote's first and last content words: what the quote lacks is inside
    # it, or is function words and negations at an end (reported as differences all the same).
    whole: bool = False
    # The longer of the runs of quote words before the passage's first and after its last
    # matched word: words the passage does not account for at all, and its rows [lo, hi).
    unexplained_edge: int = 0
    loose_rows: tuple[int, int] = (0, 0)


# A passage is distinctive when it holds the quote's first and last words, matches at least
# this share of the quote's weight, and the words matched side by side form a sequence at least
# this rare (summed IDF of the matched word pairs: about two pairs found in one article).
DISTINCTIVE_COVERAGE = 0.5
DISTINCTIVE_PHRASE_INFO = 10.0
# A quote may start or end with words its passage does not have at all: filler added ("to be
# honest"), words replaced at an end, or another sentence spliced on. A run of this many words
# may be a splice; it is one when those words, with at least SPLICE_CONTENT_WORDS content words
# among them, are found together in another article (`Matcher._spliced_from_elsewhere`): then
# the quote joins two publications and was never published as given.
SPLICE_EDGE_WORDS = 3
SPLICE_CONTENT_WORDS = 1
# ... and in at most this share of the articles (or this many, in a small corpus): filler ("at
# the end of the day") is everywhere.
SPLICE_MAX_DOC_SHARE = 0.05
SPLICE_MIN_DOCS = 3


def mostly_unexplained(features: MatchFeatures, n_words: int) -> bool:
    """Whether the run of edge words the passage does not account for is at least half of the
    quote: then the passage is a fragment the quote happens to share ("...demanded the
    resignation of the mayor" against "the resignation of X over the scandal. The mayor"), not
    its source, however the rest was made."""
    return (
        features.unexplained_edge >= SPLICE_EDGE_WORDS and 2 * features.unexplained_edge >= n_words
    )


def may_be_spliced(features: MatchFeatures) -> bool:
    """Whether the passage leaves a run of the quote's first or last words unaccounted for that
    is long enough to be a sentence of its own (whether it is one is the index's to say)."""
    return features.unexplained_edge >= SPLICE_EDGE_WORDS


def distinctive(features: MatchFeatures) -> bool:
    """Whether a passage is reported whatever its calibrated probability: a rare word sequence
    of the quote, found in order, with the quote's changes inside it ("…with things, at the
    end of the day, especially" for "…with things, especially"). Two real halves spliced from
    different places leave one end unexplained and are left to the probability."""
    values = features.values
    return (
        features.whole
        and values[FEATURES.index("quote_coverage")] >= DISTINCTIVE_COVERAGE
        and values[FEATURES.index("log_phrase_info")] >= math.log1p(DISTINCTIVE_PHRASE_INFO)
    )


@dataclass(frozen=True, slots=True)
class QuoteStats:
    """What the features need from the quote alone, worked out once per query rather than once
    per aligned passage (a query describes two or three)."""

    weights: tuple[float, ...]  # per row
    info: tuple[float, ...]  # per row: the IDF of a content word, 0 otherwise
    total_weight: float
    n_words: int
    content: int
    pair_info: dict[int, float]  # first row of a pair of adjacent quote words -> the pair's IDF
    first_word: int  # rows of the quote's first and last content words other than negations
    last_word: int  # (or of its first and last words, when it has none)
    words_before: tuple[int, ...]  # per row: how many word rows come before it
    words_after: tuple[int, ...]  # ... and after it
    content_rows: tuple[bool, ...]  # per row: a content word


def quote_stats(
    rows: Sequence[Row], idf: Callable[[str], float], pair_info: dict[int, float] | None = None
) -> QuoteStats:
    word_rows = [r for r in rows if r.kind == "word"]
    content = [r.kind == "word" and not is_function_word(r.word) for r in rows]
    needed = [i for i, c in enumerate(content) if c and not is_negation(rows[i].word)] or [
        i for i, r in enumerate(rows) if r.kind == "word"
    ]
    return QuoteStats(
        weights=tuple(r.weight for r in rows),
        info=tuple(idf(r.word) if c else 0.0 for r, c in zip(rows, content, strict=True)),
        total_weight=sum(r.weight for r in word_rows) * MATCH or 1.0,
        n_words=len(word_rows),
        content=sum(content),
        pair_info=pair_info or {},
        content_rows=tuple(content),
        first_word=needed[0] if needed else 0,
        last_word=needed[-1] if needed else 0,
        words_before=tuple(accumulate((r.kind == "word" for r in rows), initial=0))[:-1],
        words_after=tuple(accumulate((r.kind == "word" for r in reversed(rows)), initial=0))[
            -2::-1
        ],
    )


def extract_features(
    stats: QuoteStats,
    alignment: Alignment,
    differences: Sequence[Difference],
    ties: int = 0,
) -> MatchFeatures:
    """Numbers describing how well and how informatively a quote aligned."""
    weights, infos = stats.weights, stats.info
    matched_weight = 0.0
    matched = 0
    info = 0.0
    span_words = 0
    phrase = 0.0
    pair_info = stats.pair_info
    last_row = last_col = -2
    for kind, row, col, col_end in alignment.steps:
        if kind == "match":
            if row == last_row + 1 and col == last_col + 1:
                phrase += pair_info.get(last_row, 0.0)
            last_row, last_col = row, col
            matched += 1
            matched_weight += weights[row] * MATCH
            info += infos[row]
            span_words += 1
        elif kind == "fuzzy":
            matched += 1
            matched_weight += weights[row] * FUZZY
            info += infos[row] * 0.5
            span_words += 1
        elif kind == "sub" or kind == "delete":
            span_words += 1
        elif kind == "bracket" and col_end is not None:
            span_words += col_end - col
    n_words, total_weight = stats.n_words, stats.total_weight
    edits = [d for d in differences if "editorial" not in d.flags]
    meaning = sum(1 for d in edits for f in d.flags if f in MEANING_FLAGS)
    return MatchFeatures(
        (
            matched_weight / total_weight,
            matched / max(1, span_words),
            alignment.score / total_weight,
            math.log1p(info),
            math.log1p(phrase),
            len(edits) / max(1, n_words),
            float(meaning),
            stats.content / max(1, n_words),
        ),
        ties,
        alignment.first_row <= stats.first_word and alignment.last_row >= stats.last_word,
        *_unexplained_edge(stats, alignment),
    )


def _unexplained_edge(stats: QuoteStats, alignment: Alignment) -> tuple[int, tuple[int, int]]:
    """Quote words before the passage's first anchor or after its last, the longer run, and
    its rows [lo, hi).

    An anchor is a matched content word, or a matched word next to another matched word or an
    [editorial] bracket: a lone "the" that the aligner reaches over a substituted word ("…so
    dry, at the county fair" for "…so dry and the bees came late") explains nothing."""
    if not stats.words_before:
        return 0, (0, 0)
    steps = alignment.steps
    content = stats.content_rows

    def joined(step: Step, other: Step) -> bool:
        if other.kind == "bracket":
            return True
        return (
            other.kind == "match"
            and abs(other.row - step.row) == 1
            and other.col - step.col == other.row - step.row
        )

    anchors = [
        step.row
        for k, step in enumerate(steps)
        if step.kind in ("match", "fuzzy")
        and (
            content[step.row]
            or (k > 0 and joined(step, steps[k - 1]))
            or (k + 1 < len(steps) and joined(step, steps[k + 1]))
        )
    ]
    first = anchors[0] if anchors else alignment.first_row
    last = anchors[-1] if anchors else alignment.last_row
    before, after = stats.words_before[first], stats.words_after[last]
    if before >= after:
        return before, (0, first)
    return after, (last + 1, len(stats.words_before))


def source_confidence(p_source: float, features: MatchFeatures) -> float:
    """Confidence that this article is *the* source: the calibrated probability that the passage
    is a source of the quote, shared equally among the articles that align just as well.

    Why: "thank you very much" is verbatim in many articles; each is a source of those words but
    none is likely to be *the* one, so generic and widely syndicated words never look certain.
    """
    return p_source / (1.0 + features.ties)


def decide_verdict(differences: Sequence[Difference]) -> Verdict:
    """verbatim / close / altered from the differences alone (never not_found: that is a
    confidence decision made by the matcher)."""
    if all(d.flags in VERBATIM_FLAGS for d in differences):
        # Nothing, the skipped attribution of a split quote, or punctuation inside words.
        return "verbatim"
    trivial_edits = 0
    for d in differences:
        # A meaning change is never trivial, inside [editorial] brackets too.
        if any(f in MEANING_FLAGS for f in d.flags):
            return "altered"
        if d.flags in (("editorial",), ("spelling",), ("contraction",)):
            continue
        if d.flags in VERBATIM_FLAGS:
            continue  # a skipped attribution, or punctuation: reported, not a change
        if "outside_quote" in d.flags:
            return "altered"
        words = [normalise_word(w) for w in (d.quote + " " + d.original).split()]
        words = [w.strip(".,;:!?\"'“”‘’()") for w in words]
        if words and all(w in TRIVIAL_WORDS for w in words if w):
            trivial_edits += len([w for w in words if w])
            continue
        return "altered"
    return "close" if trivial_edits <= MAX_TRIVIAL_EDITS else "altered"


@dataclass(frozen=True, slots=True)
class Calibration:
    """Standardised logistic regression: p = sigmoid(b + sum(w_i * (x_i - mean_i) / scale_i))."""

    intercept: float
    weights: tuple[float, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    accept: float  # minimum confidence for a non-verbatim match to be reported at all

    def probability(self, features: MatchFeatures) -> float:
        z = self.intercept
        params = zip(self.weights, self.means, self.scales, strict=True)
        for x, (w, mu, sd) in zip(features.values, params, strict=True):
            z += w * (x - mu) / sd
        z = max(-30.0, min(30.0, z))
        return 1.0 / (1.0 + math.exp(-z))


class CalibrationError(RuntimeError):
    """calibration.json is missing, unreadable or fitted for other features: refit it."""


@lru_cache(maxsize=4)
def load_calibration(path: Path = CALIBRATION_PATH) -> Calibration:
    """Fitted parameters from JSON; CalibrationError when they cannot be used.

    There is no silent default: confidences from parameters fitted for other features would be
    numbers without meaning, so a stale file stops the matcher until it is refitted.
    """
    refit = "refit it with bench/fit_calibration.py"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CalibrationError(f"cannot read {path} ({exc}); {refit}") from exc
    if not isinstance(data, dict):
        raise CalibrationError(f"{path} holds no calibration object; {refit}")
    if list(data.get("features", ())) != list(FEATURES):
        raise CalibrationError(
            f"{path} was fitted for features {data.get('features')}, the matcher computes "
            f"{list(FEATURES)}; {refit}"
        )
    return Calibration(
        intercept=float(data["intercept"]),
        weights=tuple(map(float, data["weights"])),
        means=tuple(map(float, data["means"])),
        scales=tuple(map(float, data["scales"])),
        accept=float(data["accept"]),
    )
