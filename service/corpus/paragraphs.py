"""What a paragraph is, for attribution (quotes are paired per paragraph) and for match context.

News copy puts one paragraph per line (the seed story) or separates them by blank lines
(Wikinews); both reduce to "a non-blank line". Any Unicode-aware line break ends one.
"""

from __future__ import annotations

import re

LINE = re.compile(r"[^\n\r\u2028\u2029]+")
_BREAKS = "\n\r\u2028\u2029"


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Non-blank lines as (start, end) offsets."""
    return [(m.start(), m.end()) for m in LINE.finditer(text) if m.group().strip()]


def paragraph_around(text: str, start: int, end: int) -> str:
    """The paragraph(s) containing text[start:end], without surrounding blank lines."""
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    left = max(text.rfind(b, 0, start) for b in _BREAKS) + 1
    rights = [i for i in (text.find(b, end) for b in _BREAKS) if i != -1]
    right = min(rights) if rights else len(text)
    return text[left:right].strip()
