"""Stage 3, classification: is a quoted segment a direct quotation, a partial quote inside a
sentence, or a scare quote / title. Reads the speech frame tokens only; writes nothing.
"""

from __future__ import annotations

from service.attribution.cues import (
    DASHES,
    SCARE_QUOTE_MARKERS,
)
from service.attribution.speech_frame import Token


class ClassifyMixin:
    """Direct / partial / scare-or-title tests on quote token `t`."""

    # -- classification -----------------------------------------------------------------------
    @staticmethod
    def _is_direct_like(toks: list[Token], t: int) -> bool:
        """A quotation standing as its own sentence or clause, not a fragment inside one."""
        if t == 0:
            return True
        prev = toks[t - 1]
        if prev.sentence != toks[t].sentence or prev.kind == "q":
            return True
        return prev.kind == "p" and prev.text in {":", ",", "(", ";", "…", ".", *DASHES}

    @staticmethod
    def _is_scare_or_title(toks: list[Token], t: int) -> bool:
        """Scare quotes ("the so-called “peace plan”") and titles ("Meet the Press")."""
        prev = toks[t - 1] if t > 0 else None
        if prev is not None and prev.low in SCARE_QUOTE_MARKERS:
            return True
        quoted = toks[t].text
        words = quoted.split()
        if not words or len(words) > 6 or any(ch in quoted for ch in ".!?,;:"):
            return False
        minor = {"the", "a", "an", "of", "and", "to", "in", "on", "for", "at", "with", "or"}
        content = [w for w in words if w.lower() not in minor]
        return bool(content) and len(words) >= 2 and all(w[:1].isupper() for w in content)
