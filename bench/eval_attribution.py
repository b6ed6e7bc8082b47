"""Evaluate quote extraction and speaker attribution on PolNeAR (real, hand-annotated US news).

    .venv/bin/python bench/eval_attribution.py [--polnear ../shared/polnear] [--split dev|train]
                                               [--errors N]

Scoring rule (../shared/README.md): a gold direct quote (a relation with contains_quote_marks)
is found if a predicted direct/partial quote overlaps the quoted part of its content span; its
speaker is right if the predicted speaker mention overlaps the gold source span. PolNeAR texts
are publishers' copyright: they are read from ../shared at run time and never stored here;
`--errors` prints samples to the terminal only.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.attribution import extract_quotes

QUOTE_CHARS = set('"“”«»„‟＂')
SINGLE_CHARS = set("‘’'")
DEFAULT_POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "polnear"


class _FailureCounter(logging.Handler):
    """Counts articles on which extract_quotes hit its safety net (it logs instead of raising)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


FAILURES = _FailureCounter()
logging.getLogger("service.attribution").addHandler(FAILURES)
logging.getLogger("service.attribution").propagate = False


@dataclass
class SplitScore:
    articles: int = 0
    failures: int = 0
    nested_source: int = 0  # wrong by the rule, but our mention is another relation's source
    gold_quotes: int = 0
    found: int = 0
    with_source: int = 0
    speaker_right: int = 0
    predicted: int = 0
    spurious: int = 0
    spurious_unattributed: int = 0
    seconds: float = 0.0
    by_method: Counter = field(default_factory=Counter)
    right_by_method: Counter = field(default_factory=Counter)
    misses: Counter = field(default_factory=Counter)
    errors: list = field(default_factory=list)


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def quoted_parts(text: str, offsets: list[list[int]]) -> list[tuple[int, int]]:
    """The quoted part of each content range: from its first to its last quote mark.

    Computed from the gold text alone (not from our segmenter) so the scorer cannot share the
    extractor's blind spots. A range holding one mark runs from it to the range's end.
    """
    parts = []
    for start, end in offsets:
        marks = [i for i in range(start, min(end, len(text))) if text[i] in QUOTE_CHARS]
        if not marks:
            marks = [
                i
                for i in range(start, min(end, len(text)))
                if text[i] in SINGLE_CHARS
                and not (0 < i < len(text) - 1 and text[i - 1].isalnum() and text[i + 1].isalnum())
            ]
        if not marks:
            parts.append((start, end))
        elif len(marks) == 1:
            parts.append(
                (marks[0], end) if marks[0] - start < end - marks[0] else (start, marks[0])
            )
        else:
            parts.append((marks[0], marks[-1] + 1))
    return parts


def miss_category(text: str, parts: list[tuple[int, int]]) -> str:
    chars = {text[i] for s, e in parts for i in range(s, e) if i < len(text)}
    if not chars & QUOTE_CHARS:
        return "single-marks-only" if chars & SINGLE_CHARS else "no-marks-in-span"
    n_marks = sum(1 for s, e in parts for i in range(s, e) if text[i] in QUOTE_CHARS)
    return "odd-mark-count" if n_marks % 2 else "paired-marks-missed"


def load_gold(root: Path) -> dict[tuple[str, str], list[dict]]:
    gold: dict[tuple[str, str], list[dict]] = defaultdict(list)
    with (root / "gold_attributions.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            rel = json.loads(line)
            gold[(rel["compartment"], rel["article"])].append(rel)
    return gold


def score_article(text: str, relations: list[dict], score: SplitScore, keep_errors: bool) -> None:
    t0 = time.perf_counter()
    quotes = extract_quotes(text)
    score.seconds += time.perf_counter() - t0
    score.articles += 1
    quoted = [q for q in quotes if q.kind in ("direct", "partial")]
    all_content = [(s, e) for rel in relations for s, e in rel["content"]["offsets"]]
    score.predicted += len(quoted)
    for q in quoted:
        if not any(_overlaps((q.start, q.end), c) for c in all_content):
            score.spurious += 1
            if q.speaker is None:
                score.spurious_unattributed += 1
    for rel in relations:
        if not rel["contains_quote_marks"]:
            continue
        score.gold_quotes += 1
        parts = quoted_parts(text, rel["content"]["offsets"])
        hits = [q for q in quoted if any(_overlaps((q.start, q.end), p) for p in parts)]
        if not hits:
            cat = miss_category(text, parts)
            score.misses[cat] += 1
            if keep_errors:
                score.errors.append(("miss:" + cat, text, parts, rel, None))
            continue
        score.found += 1
        if rel["source"] is None:
            continue
        score.with_source += 1
        source = [tuple(o) for o in rel["source"]["offsets"]]

        def overlap(q, parts=parts):
            return max(min(q.end, e) - max(q.start, s) for s, e in parts)

        best = max(hits, key=overlap)
        method = best.speaker.method if best.speaker else "none"
        score.by_method[method] += 1
        m = best.speaker.mention if best.speaker else None
        if m is not None and any(_overlaps((m.start, m.end), s) for s in source):
            score.speaker_right += 1
            score.right_by_method[method] += 1
            continue
        # Nested attribution ('Clinton pledged to "Q", the Sentinel reported'): PolNeAR gives
        # each source its own relation over the same words; we name the inner speaker.
        if m is not None and any(
            other is not rel
            and other["source"] is not None
            and any(_overlaps((m.start, m.end), tuple(o)) for o in other["source"]["offsets"])
            and any(_overlaps(p, tuple(c)) for p in parts for c in other["content"]["offsets"])
            for other in relations
        ):
            score.nested_source += 1
        if keep_errors:
            score.errors.append(("speaker:" + method, text, parts, rel, best))


def evaluate(root: Path, split: str, keep_errors: bool = False) -> SplitScore:
    gold = load_gold(root)
    score = SplitScore()
    before = FAILURES.count
    for path in sorted((root / "text").glob(f"{split}__*.txt")):
        article = path.stem.split("__", 1)[1]
        text = path.read_text(encoding="utf-8")
        score_article(text, gold.get((split, article), []), score, keep_errors)
    score.failures = FAILURES.count - before
    return score


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "n/a"


def report(split: str, s: SplitScore) -> str:
    attributed = s.spurious - s.spurious_unattributed
    lines = [
        f"== {split}: {s.articles} articles, {s.gold_quotes} gold direct quotes",
        f"direct quotes found:      {_pct(s.found, s.gold_quotes)} ({s.found}/{s.gold_quotes})",
        f"speaker mention correct:  {_pct(s.speaker_right, s.with_source)} "
        f"({s.speaker_right}/{s.with_source} found quotes with a gold source; of the misses, "
        f"{s.nested_source} name the source of another gold relation over the same words)",
        f"spurious quotes/article:  {s.spurious / max(1, s.articles):.2f} "
        f"({s.spurious} of {s.predicted} predicted; {s.spurious_unattributed} unattributed)",
        f"spurious attributions:    {attributed / max(1, s.articles):.2f} per article "
        f"({attributed} quotes matching no gold relation given a speaker)",
        f"time per article:         {1000 * s.seconds / max(1, s.articles):.2f} ms",
        f"extraction failures:      {s.failures}",
        "speaker accuracy by method: "
        + ", ".join(
            f"{m} {_pct(s.right_by_method[m], n)} of {n}" for m, n in s.by_method.most_common()
        ),
        "misses by type: " + (", ".join(f"{k} {v}" for k, v in s.misses.most_common()) or "none"),
    ]
    return "\n".join(lines)


def print_errors(s: SplitScore, n: int, seed: int = 0) -> None:
    """Sample errors, for the developer's terminal only (publishers' text: never commit)."""
    rng = random.Random(seed)
    for kind, text, parts, rel, pred in rng.sample(s.errors, min(n, len(s.errors))):
        lo = max(0, min(p[0] for p in parts) - 200)
        hi = min(len(text), max(p[1] for p in parts) + 120)
        print(f"--- {kind} | gold source: {rel['source'] and rel['source']['text']!r}")
        if pred is not None:
            sp = pred.speaker
            print(
                f"    predicted: {sp and sp.name!r} via {sp and sp.mention and sp.mention.text!r}"
            )
        print("   ", text[lo:hi].replace("\n", " ⏎ "))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--polnear", type=Path, default=DEFAULT_POLNEAR)
    parser.add_argument("--split", choices=["dev", "train"], action="append")
    parser.add_argument("--errors", type=int, default=0, help="print N sample errors per split")
    args = parser.parse_args(argv)
    for split in args.split or ["dev", "train"]:
        s = evaluate(args.polnear, split, keep_errors=args.errors > 0)
        print(report(split, s))
        if args.errors:
            print_errors(s, args.errors)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
