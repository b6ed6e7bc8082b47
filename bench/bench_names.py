"""Attribution on adversarial names: is extraction linear in the text length?

    .venv/bin/python bench/bench_names.py [--max-chars 200000]

A text of thousands of distinct people on a few surnames (every sentence introduces "Given
Surname", quotes them, and refers back by surname and pronoun) is the worst case for name
clustering: every new first name meets the same surname cluster. The baseline, in the same
run, is the same generator at 1/8 of the length; the report gives seconds per size and the
ratio per doubling (2.0 is linear). Target: <= 2 s at 200,000 characters.
"""

from __future__ import annotations

import argparse
import itertools
import random
import string
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from service.attribution import extract_quotes

SURNAMES = ["Smith", "Nowak", "Garcia", "Khan", "Okafor"]


def adversarial_text(chars: int, seed: int = 0) -> str:
    """Paragraphs naming a new person each ("Qwerta Nowak"), quoting them and a pronoun."""
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < chars:
        first = rng.choice(string.ascii_uppercase) + "".join(
            rng.choice(string.ascii_lowercase) for _ in range(rng.randint(4, 8))
        )
        surname = rng.choice(SURNAMES)
        para = (
            f"Councillor {first} {surname} spoke at the meeting. "
            f'"We need the bridge," {surname} said. "It is late," she added.\n\n'
        )
        parts.append(para)
        size += len(para)
    return "".join(parts)[:chars]


def seconds(text: str, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        extract_quotes(text)
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-chars", type=int, default=200_000)
    args = parser.parse_args(argv)
    sizes = [args.max_chars // 8, args.max_chars // 4, args.max_chars // 2, args.max_chars]
    times = []
    for n in sizes:
        text = adversarial_text(n)
        times.append(seconds(text))
        distinct = len({line.split()[1] for line in text.split("\n\n") if line.count(" ") > 2})
        print(f"{n:>8} chars, {distinct:>5} distinct first names: {times[-1]:.3f} s")
    ratios = [b / a for a, b in itertools.pairwise(times)]
    print("ratio per doubling: " + ", ".join(f"{r:.2f}" for r in ratios) + " (2.0 is linear)")
    print(
        f"{sizes[-1]} chars against the {sizes[0]}-char baseline: {times[-1] / times[0]:.1f}x "
        f"for {sizes[-1] / sizes[0]:.0f}x the text; target <= 2 s: "
        f"{'met' if times[-1] <= 2 else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
