"""Fit each speaker resolution method's stated confidence to its name-level accuracy.

    .venv/bin/python bench/fit_speaker_confidence.py [--gold bench/gold] [--split heldout]

A speaker's `confidence` is `METHOD_CONFIDENCE[method]`: it should be the share of speakers
that method gets right *by canonical name* (PolNeAR's mention-level scoring credits "he"
whoever it names, so it flatters pronouns and carry-over). This script scores the canonical-name
gold of one split with `bench/eval_speakers.py` (held-out by default: the rules are developed on
the dev half, so dev overstates every method, and a newsroom's articles are unseen, as the
held-out half is), and prints per method the quotes, the measured accuracy, the stated
confidence and the fitted one: (right + 1) / (n + 2), the mean of a uniform prior updated on
the counts, which is the measured rate for common methods and stays off 0 and 1 for rare ones.
A method the gold never exercises keeps its stated value.

Copy the printed `METHOD_CONFIDENCE` into `service/attribution/common.py`; the numbers are fitted
on the bundled Wikinews gold only (no PolNeAR text or counts).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.eval_speakers import DEFAULT_GOLD, SPLITS, evaluate  # noqa: E402
from service.attribution import METHOD_CONFIDENCE  # noqa: E402


def method_counts(gold: Path, split: str) -> tuple[Counter, Counter]:
    """(quotes, right) per resolution method over every gold set of `split` (seed included)."""
    total, right = Counter(), Counter()
    for score in evaluate(gold, split).values():
        total.update(score.by_method)
        right.update(score.right_by_method)
    total.pop("none", None)  # found, gold names a speaker, we gave none: no confidence stated
    return total, right


def fitted(n: int, k: int) -> float:
    """Posterior mean of the method's accuracy under a uniform prior, two decimals."""
    return round((k + 1) / (n + 2), 2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--split", choices=SPLITS, default="heldout")
    args = parser.parse_args(argv)
    total, right = method_counts(args.gold, args.split)
    new = dict(METHOD_CONFIDENCE)
    print(f"{'method':14} {'quotes':>6} {'measured':>9} {'stated':>7} {'fitted':>7}")
    for method in sorted(METHOD_CONFIDENCE, key=lambda m: -total[m]):
        n, k = total[method], right[method]
        if n:
            new[method] = fitted(n, k)
        measured = f"{100 * k / n:.1f}%" if n else "no data"
        stated = METHOD_CONFIDENCE[method]
        print(f"{method:14} {n:6} {measured:>9} {stated:7.2f} {new[method]:7.2f}")
    print("METHOD_CONFIDENCE = {")
    for method, value in sorted(new.items(), key=lambda e: -e[1]):
        print(f'    "{method}": {value},')
    print("}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
