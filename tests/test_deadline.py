"""service/deadline.py: a budget per context, checked where the engines loop."""

from __future__ import annotations

import threading
import time

import pytest

from service import deadline
from service.attribution import extract_quotes
from service.deadline import DeadlineExceeded


def compute(seconds: float) -> None:
    """Spend `seconds` of this thread's CPU time (the budget's clock; sleeping spends none)."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def test_check_is_silent_without_a_budget() -> None:
    deadline.check("extraction")
    assert deadline.remaining() is None


def test_check_raises_once_the_budget_has_run_out() -> None:
    with deadline.budget(0.001):
        deadline.check("alignment")  # still inside: nothing yet
        compute(0.01)
        with pytest.raises(DeadlineExceeded) as raised:
            deadline.check("alignment")
    assert raised.value.stage == "alignment"
    assert raised.value.seconds == 0.001
    assert str(raised.value) == "alignment ran past the request budget of 0.001 CPU seconds"
    deadline.check("alignment")  # the block ended: no budget any more


def test_an_inner_budget_never_extends_the_outer_one() -> None:
    with deadline.budget(0.001), deadline.budget(60):
        compute(0.01)
        with pytest.raises(DeadlineExceeded) as raised:
            deadline.check("extraction")
    assert raised.value.seconds == 0.001


def test_an_inner_budget_can_shorten_the_outer_one() -> None:
    with deadline.budget(60):
        with deadline.budget(0.001):
            compute(0.01)
            with pytest.raises(DeadlineExceeded):
                deadline.check("extraction")
        deadline.check("extraction")  # the outer minute is still running
        assert 0 < deadline.remaining() <= 60


def test_zero_or_none_means_unbounded() -> None:
    for seconds in (0, None, -1):
        deadline.start(seconds)
        compute(0.002)
        deadline.check("extraction")
    deadline.clear()


def test_waiting_spends_none_of_the_budget() -> None:
    """A machine busy with other work stretches wall-clock time, not a request's CPU time."""
    with deadline.budget(0.05):
        time.sleep(0.2)
        deadline.check("extraction")


def test_start_and_clear_bound_the_rest_of_a_context() -> None:
    deadline.start(0.001)
    compute(0.01)
    with pytest.raises(DeadlineExceeded):
        deadline.check("batch")
    deadline.clear()
    deadline.check("batch")


def test_a_budget_belongs_to_its_thread() -> None:
    """A request's budget never cuts short work on another thread (the index refresher)."""
    seen: list[str] = []

    def other() -> None:
        try:
            deadline.check("refresh")
            seen.append("ran")
        except DeadlineExceeded:
            seen.append("cut")

    with deadline.budget(0.001):
        compute(0.01)
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert seen == ["ran"]


def test_extraction_stops_at_the_budget_instead_of_returning_nothing(seed_text: str) -> None:
    """extract_quotes swallows its own bugs (an article loses its quotes), never a deadline."""
    assert len(extract_quotes(seed_text)) > 0
    with deadline.budget(1e-9), pytest.raises(DeadlineExceeded) as raised:
        extract_quotes(seed_text)
    assert raised.value.stage == "extraction"


def test_extraction_stops_inside_one_long_paragraph() -> None:
    """One paragraph of thousands of short quotes is cut at the budget, not after its end: the
    name index checks the budget per capitalised run, inside the paragraph."""
    paragraph = ' "Yes," he said.' * 20_000  # seconds of attribution, one paragraph
    with deadline.budget(0.05), pytest.raises(DeadlineExceeded) as raised:
        extract_quotes("Councillor Ada Brannagh spoke." + paragraph)
    assert raised.value.stage == "extraction"
