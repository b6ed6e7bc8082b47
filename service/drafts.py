"""Checking a whole draft: every quote in it verified with the speaker the draft gives it.

A journalist's draft is attributed exactly as an article is (`service.attribution`), so the
claimed speaker is our canonical reading of the draft, not a guess of the page. Each quote is
verified through the same `verify` the single-quote endpoint calls, with the same values its
request schema would pass, so a quote's result is the answer `/v1/verify` gives for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from service.attribution import extract_quotes
from service.models import CheckedQuote, DraftCheck, DraftSummary, QuoteSpan, VerifyResult

# Quoted speech is checked; indirect speech and the draft's narration are the writer's own words.
CHECKED_KINDS = ("direct", "partial")
# Quotes verified per draft. A 200,000-character draft of news copy holds about 700 quotes
# (bench: the bundled Wikinews text); verifying them all would hold a worker for seconds, so the
# first ones are checked and the answer says it was cut (`truncated`, `total`).
MAX_CHECKED_QUOTES = 100
# The longest quote `/v1/verify` accepts (schemas/verify.py); a longer quotation is checked on
# its opening words (a truncation of the original is still verbatim).
MAX_QUOTE_CHARS = 2000
# The longest claimed speaker `/v1/verify` accepts.
MAX_SPEAKER_CHARS = 200

Verify = Callable[[str, str | None, int], VerifyResult]


def checkable_quotes(text: str) -> list[QuoteSpan]:
    """The draft's quotations to check, in reading order, each trimmed to the words verified.

    Scare quotes and titles are not speech; a quoted run with no letter or digit ("…") has
    nothing to look up. Offsets stay offsets into `text`.
    """
    quotes = []
    for quote in extract_quotes(text):
        if quote.kind not in CHECKED_KINDS or quote.scare:
            continue
        trimmed = _trim(quote)
        if trimmed is not None:
            quotes.append(trimmed)
    return quotes


def _trim(quote: QuoteSpan) -> QuoteSpan | None:
    """`quote` without surrounding whitespace and cut to what verify accepts, or None if empty."""
    words = quote.text
    if len(words) > MAX_QUOTE_CHARS:
        cut = words.rfind(" ", 0, MAX_QUOTE_CHARS + 1)
        words = words[: cut if cut > 0 else MAX_QUOTE_CHARS]
    lead = len(words) - len(words.lstrip())
    words = words.strip()
    if not any(ch.isalnum() for ch in words):
        return None
    start = quote.start + lead
    return replace(quote, text=words, start=start, end=start + len(words))


def claimed_speaker(quote: QuoteSpan) -> str | None:
    """The canonical name the draft attributes `quote` to, as verify's schema would pass it."""
    if quote.speaker is None:
        return None
    name = quote.speaker.name.strip()
    return name[:MAX_SPEAKER_CHARS].strip() or None


def is_misattributed(result: VerifyResult) -> bool:
    """Found, and the claimed speaker is not who the original attributes it to (including an
    original that names no one: the draft's attribution is then unsupported)."""
    return (
        result.match is not None
        and result.claimed_speaker is not None
        and not result.claimed_speaker.matches
    )


def check_draft(text: str, verify: Verify, limit: int = 3) -> DraftCheck:
    """Verify the first `MAX_CHECKED_QUOTES` quotations of `text` with their claimed speakers.

    A quote repeated with the same speaker (a pull quote, a standfirst) is verified once.
    """
    quotes = checkable_quotes(text)
    checked: list[CheckedQuote] = []
    answers: dict[tuple[str, str | None], VerifyResult] = {}
    counts = dict.fromkeys(("verbatim", "close", "altered", "not_found"), 0)
    misattributed = 0
    for quote in quotes[:MAX_CHECKED_QUOTES]:
        speaker = claimed_speaker(quote)
        key = (quote.text, speaker)
        result = answers.get(key)
        if result is None:
            result = answers[key] = verify(quote.text, speaker, limit)
        wrong = is_misattributed(result)
        counts[result.verdict] += 1
        misattributed += wrong
        checked.append(
            CheckedQuote(
                text=quote.text,
                start=quote.start,
                end=quote.end,
                kind=quote.kind,
                claimed_speaker=speaker,
                result=result,
                misattributed=wrong,
            )
        )
    return DraftCheck(
        quotes=tuple(checked),
        summary=DraftSummary(**counts, misattributed=misattributed),
        total=len(quotes),
        truncated=len(quotes) > MAX_CHECKED_QUOTES,
    )
