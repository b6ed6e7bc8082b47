"""Is a returned match the true source of a generated sample? (calibration and benchmark)"""

from __future__ import annotations

from bench.perturb import Sample
from service.matching.matcher import Matcher
from service.models import SpanMatch


def correct(sample: Sample, match: SpanMatch, matcher: Matcher, strict: bool = False) -> bool:
    """Whether `match` is a right answer for `sample`.

    Positives: the source article with an overlapping span, or another article whose passage
    aligns at least as well as the source passage does (syndicated and recombined copies are
    equally good answers; the contract orders those by date). Real sentences from held-out
    articles ("unseen"): right only when found verbatim, i.e. the same words really are there.
    Fabricated quotes: never right. `strict` (what confidence is calibrated on: "the true
    source") accepts only the source article itself, so words found in many places earn less.
    """
    if sample.article_id is None:
        return sample.kind == "unseen" and match.verdict == "verbatim" and not match.differences
    if match.article_id == sample.article_id:
        return match.start < sample.end and sample.start < match.end
    if strict:
        return False
    in_source = matcher.align_in(sample.quote, sample.article_id)
    return in_source is None or match.score >= in_source.score
