"""Smoke run of bench/bench_write_check.py at a small size: every text measured, and the verdict
and threshold lines printed with the figures service/admission.py uses."""

from __future__ import annotations

import pytest

from bench.bench_adversarial import ADVERSARIAL_INPUTS
from bench.bench_write_check import main
from service.admission import SAFETY, WORST_SECONDS_PER_CHAR, check_threshold
from service.deadline import DEFAULT_REQUEST_BUDGET


def test_smoke_run_measures_every_text_and_states_the_assumption(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--max-chars", "8000"]) == 0  # under the threshold: each input at one size
    lines = capsys.readouterr().out.splitlines()
    names = [line[:40].strip() for line in lines[1:-2]]
    expected = ["corpus, worst of 300", "corpus, longest article"]
    expected += [
        "adversarial names",
        "adversarial names, one paragraph",
        "seed story repeated",
    ] * 3
    expected += list(ADVERSARIAL_INPUTS)
    assert names == expected
    assert lines[-2].startswith("worst rate: ")
    assert f"assumes {1e6 * WORST_SECONDS_PER_CHAR:.2f} us/char x {SAFETY:g}" in lines[-2]
    assert lines[-1] == (
        f"at the default budget of {DEFAULT_REQUEST_BUDGET:g} s, articles of "
        f"{check_threshold(DEFAULT_REQUEST_BUDGET)} characters or more are checked"
    )
