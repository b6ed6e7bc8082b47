"""Time extraction and verify on adversarial inputs at sizes n, 2n, 4n, 8n.

Regular expressions and alignment over user text can go quadratic (or worse) on pathological
input: long runs of quote marks, spaces, dots, ellipses, repeated words. Linear code doubles its
time when the input doubles, so the printed growth ratio (geometric mean over the three doublings)
should be about 2; 4 means quadratic. Inputs stay within the API limits (quote <= 2,000 chars,
extract text <= 200,000 chars), so these are requests any client could send.

    .venv/bin/python bench/bench_adversarial.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from service.attribution import extract_quotes  # noqa: E402
from service.config import BUNDLED_CORPUS  # noqa: E402
from service.corpus.importer import load_articles  # noqa: E402
from service.corpus.store import ArticleStore  # noqa: E402
from service.engine import Verbatim  # noqa: E402

# The largest inputs the API accepts; the benchmark's 8n equals them.
EXTRACT_MAX = 200_000
VERIFY_MAX = 2_000
# Above this per-doubling growth, time is closer to quadratic than linear: flag it.
SUPERLINEAR_RATIO = 2.6
# Below this (seconds at the largest size) timings are too small for a meaningful ratio.
MEASURABLE = 0.005


def _repeat_to(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


# Each generator returns a string of exactly `size` characters.
ADVERSARIAL_INPUTS: dict[str, Callable[[int], str]] = {
    "straight double quotes": lambda n: '"' * n,
    "curly quotes": lambda n: _repeat_to("\u201c\u201d", n),
    "unclosed quote then words": lambda n: '"' + _repeat_to("said the minister ", n - 1),
    "apostrophes": lambda n: "'" * n,
    "spaces": lambda n: "a" + " " * (n - 2) + "b",
    "newlines": lambda n: _repeat_to("\n", n),
    "dots": lambda n: "." * n,
    "ellipses ...": lambda n: _repeat_to("... ", n),
    "ellipsis char": lambda n: "\u2026" * n,
    "repeated word": lambda n: _repeat_to("the ", n),
    "many short quotes": lambda n: _repeat_to('"Yes," he said. ', n),
    "quote marks between words": lambda n: _repeat_to('war "peace" \u2018war\u2019 ', n),
}


@dataclass
class Timing:
    case: str
    operation: str  # "extract" or "verify"
    sizes: list[int]
    seconds: list[float]

    @property
    def growth(self) -> float:
        """Geometric mean of t(2k)/t(k) over the doublings."""
        first, last = max(self.seconds[0], 1e-9), max(self.seconds[-1], 1e-9)
        return math.exp(math.log(last / first) / (len(self.seconds) - 1))


def best_time(func: Callable[[], object], repeats: int) -> float:
    """CPU seconds of this process, minimum over repeats.

    CPU time rather than wall-clock: the growth ratio is about the algorithm, and on a shared
    machine wall-clock time also counts the moments other processes held the core.
    """
    best = math.inf
    for _ in range(repeats):
        started = time.process_time()
        func()
        best = min(best, time.process_time() - started)
    return best


def open_engine(corpus_dir: Path, data_dir: Path) -> Verbatim:
    """The engine over the bundled corpus, built the way the service builds it."""
    store = ArticleStore(data_dir / "bench.sqlite3")
    articles, _errors = load_articles([corpus_dir])
    store.bulk_upsert(articles)
    return Verbatim(store)


def run(
    engine: Verbatim,
    extract_sizes: list[int],
    verify_sizes: list[int],
    repeats: int = 3,
    cases: dict[str, Callable[[int], str]] | None = None,
) -> list[Timing]:
    timings = []
    for case, make in (cases or ADVERSARIAL_INPUTS).items():
        texts = [make(size) for size in extract_sizes]
        timings.append(
            Timing(
                case,
                "extract",
                extract_sizes,
                [best_time(lambda t=t: extract_quotes(t, None), repeats) for t in texts],
            )
        )
        quotes = [make(size) for size in verify_sizes]
        timings.append(
            Timing(
                case,
                "verify",
                verify_sizes,
                [best_time(lambda q=q: engine.verify(q, None, 3), repeats) for q in quotes],
            )
        )
    return timings


def doubling(largest: int, steps: int = 4) -> list[int]:
    return [largest >> (steps - 1 - i) for i in range(steps)]


def report(timings: list[Timing]) -> str:
    lines = []
    for operation in ("extract", "verify"):
        rows = [t for t in timings if t.operation == operation]
        if not rows:
            continue
        sizes = rows[0].sizes
        header = f"{operation:<8}{'input (CPU time)':<28}" + "".join(f"{s:>11,}" for s in sizes)
        lines += [header + "   growth/doubling", "-" * (len(header) + 18)]
        for t in rows:
            cells = "".join(f"{s * 1000:>9.2f}ms" for s in t.seconds)
            flag = ""
            if t.growth > SUPERLINEAR_RATIO:
                flag = "  SUPERLINEAR" if t.seconds[-1] >= MEASURABLE else "  (too fast to tell)"
            lines.append(f"{'':<8}{t.case:<28}{cells}{t.growth:>10.2f}x{flag}")
        lines.append("")
    measurable = [t for t in timings if t.seconds[-1] >= MEASURABLE] or timings
    worst = max(measurable, key=lambda t: t.growth)
    lines.append(
        f"worst growth per doubling (of inputs taking >= {MEASURABLE * 1000:g} ms): "
        f"{worst.growth:.2f}x ({worst.operation}, {worst.case}); linear = 2.0x, quadratic = 4.0x"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--extract-max", type=int, default=EXTRACT_MAX)
    parser.add_argument("--verify-max", type=int, default=VERIFY_MAX)
    parser.add_argument("--corpus", type=Path, default=BUNDLED_CORPUS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="verbatim-bench-") as data_dir:
        engine = open_engine(args.corpus, Path(data_dir))
        timings = run(engine, doubling(args.extract_max), doubling(args.verify_max), args.repeats)
    print(report(timings))


if __name__ == "__main__":
    main()
