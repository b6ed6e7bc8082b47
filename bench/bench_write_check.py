"""How fast can extraction get per character? The measurement behind the import's pre-filter.

    .venv/bin/python bench/bench_write_check.py [--max-chars 200000]

`verbatim import` and the start-up corpus load refuse an article whose extraction would not fit
the write share of VERBATIM_REQUEST_BUDGET, as the API does, but running a budgeted extraction
on every article would double the cost of a large import. Only articles long enough that they
*could* run over are checked (`service.admission.check_threshold`): below `budget * share /
(WORST_SECONDS_PER_CHAR * SAFETY)` characters no text measured here comes near the budget.
This prints CPU seconds per 1,000 characters for the bundled corpus (real news), the
adversarial name text of bench/bench_names.py (as many paragraphs and as one paragraph), the
seed story repeated, and the inputs of bench/bench_adversarial.py; then the worst rate found
and the threshold it gives at the default budget.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_adversarial import ADVERSARIAL_INPUTS  # noqa: E402
from bench.bench_names import adversarial_text  # noqa: E402
from service.admission import (  # noqa: E402
    SAFETY,
    WORST_SECONDS_PER_CHAR,
    check_threshold,
)
from service.attribution import extract_quotes  # noqa: E402
from service.config import BUNDLED_CORPUS  # noqa: E402
from service.corpus.importer import load_articles  # noqa: E402
from service.deadline import DEFAULT_REQUEST_BUDGET  # noqa: E402


def cpu_seconds(text: str) -> float:
    """CPU time of one extraction, the clock the request budget counts."""
    start = time.thread_time()
    extract_quotes(text)
    return time.thread_time() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-chars", type=int, default=200_000)
    args = parser.parse_args(argv)
    rows: list[tuple[str, int, float]] = []

    articles, _ = load_articles([BUNDLED_CORPUS])
    seed = min(articles, key=lambda a: a.id if a.id.startswith("itv-") else "~").text
    for article in articles:  # first uses load word lists and compile patterns: not measured
        extract_quotes(article.text, article.title)
    corpus_rates = [(a, cpu_seconds(a.text)) for a in articles]
    worst_article, worst_seconds = max(corpus_rates, key=lambda r: r[1] / len(r[0].text))
    rows.append((f"corpus, worst of {len(articles)}", len(worst_article.text), worst_seconds))
    longest = max(corpus_rates, key=lambda r: len(r[0].text))
    rows.append(("corpus, longest article", len(longest[0].text), longest[1]))

    for size in (args.max_chars // 4, args.max_chars // 2, args.max_chars):
        names = adversarial_text(size)
        rows.append(("adversarial names", size, cpu_seconds(names)))
        one_paragraph = names.replace("\n\n", " ")
        rows.append(("adversarial names, one paragraph", size, cpu_seconds(one_paragraph)))
        repeated = ("\n\n".join([seed] * (size // len(seed) + 1)))[:size]
        rows.append(("seed story repeated", size, cpu_seconds(repeated)))
    # What the pre-filter relies on is the rate on texts *below* the threshold (longer ones are
    # checked anyway), so the adversarial inputs are measured there and at the largest size.
    at_threshold = int(check_threshold(DEFAULT_REQUEST_BUDGET))
    for name, make in ADVERSARIAL_INPUTS.items():
        for size in sorted({min(at_threshold, args.max_chars), args.max_chars}):
            rows.append((name, size, cpu_seconds(make(size))))

    print(f"{'text':<40} {'chars':>8} {'CPU s':>8} {'ms/1k chars':>12}")
    for name, chars, seconds in rows:
        print(f"{name:<40} {chars:>8} {seconds:>8.3f} {1000 * seconds / chars * 1000:>12.3f}")
    # Short texts have a fixed cost that inflates their rate; the bound is about long ones.
    long_rows = [r for r in rows if r[1] >= 10_000]
    name, chars, seconds = max(long_rows, key=lambda r: r[2] / r[1])
    print(
        f"worst rate: {1e6 * seconds / chars:.2f} us/char ({name}); the pre-filter assumes "
        f"{1e6 * WORST_SECONDS_PER_CHAR:.2f} us/char x {SAFETY:g} "
        f"({'covers' if seconds / chars <= WORST_SECONDS_PER_CHAR else 'does NOT cover'} it)"
    )
    print(
        f"at the default budget of {DEFAULT_REQUEST_BUDGET:g} s, articles of "
        f"{at_threshold} characters or more are checked"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
