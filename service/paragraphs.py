"""Paragraph boundaries, for showing a match in its context."""

from __future__ import annotations


def paragraph_around(text: str, start: int, end: int) -> str:
    """The paragraph(s) containing text[start:end], without surrounding blank lines.

    Paragraphs are separated by line breaks: the corpus formats (one paragraph per line in the seed
    story, blank-line separated in Wikinews) both reduce to that.
    """
    start = max(0, min(start, len(text)))
    end = max(start, min(end, len(text)))
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    if right == -1:
        right = len(text)
    return text[left:right].strip()
