"""The words around quotations: a paragraph as tokens, with each quoted segment as one token.

Attribution patterns ("Q," X said / X said: "Q" / X said ... "Q") are about the words *outside*
the quote marks, so a paragraph is tokenised with every quoted segment collapsed into a single
`q` token. Sentence boundaries are marked on that frame, never inside a quotation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.attribution.cues import ABBREVIATIONS
from service.attribution.quote_marks import QuotedSegment

TOKEN = re.compile(r"\w+(?:[’'\-.]\w+)*|[^\w\s]")
_SENTENCE_END = {".", "!", "?"}


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int
    kind: str  # "w" word, "p" punctuation, "q" quoted segment
    seg: int = -1  # index into the article's segment list for "q" tokens
    sentence: int = 0
    # Lower-cased word or punctuation; "" for a quoted segment, which is never a cue, a pronoun
    # or a name however its words read (a quote “he” is not the pronoun he). Precomputed: the
    # rules read it millions of times on long texts.
    low: str = ""
    is_cap: bool = False


def _tokenise(text: str, lo: int, hi: int, out: list[tuple[str, int, int, str, int]]) -> None:
    for m in TOKEN.finditer(text, lo, hi):
        w = m.group()
        out.append((w, m.start(), m.end(), "w" if w[0].isalnum() or w[0] == "_" else "p", -1))


def frame_tokens(
    text: str, lo: int, hi: int, segments: list[tuple[int, QuotedSegment]]
) -> list[Token]:
    """Tokens of text[lo:hi] with each (index, segment) in `segments` as one "q" token."""
    raw: list[tuple[str, int, int, str, int]] = []
    cursor = lo
    for idx, seg in segments:
        _tokenise(text, cursor, seg.opener, raw)
        end = seg.closer + 1 if seg.closer is not None else seg.end
        raw.append((text[seg.start : seg.end], seg.opener, end, "q", idx))
        cursor = end
    _tokenise(text, cursor, hi, raw)
    return _mark_sentences(text, raw)


def _mark_sentences(text: str, raw: list[tuple[str, int, int, str, int]]) -> list[Token]:
    out: list[Token] = []
    sentence = 0
    for i, (w, s, e, kind, seg) in enumerate(raw):
        low = w.lower() if kind != "q" else ""
        out.append(Token(w, s, e, kind, seg, sentence, low, kind == "w" and w[:1].isupper()))
        nxt = raw[i + 1] if i + 1 < len(raw) else None
        if nxt is None:
            continue
        starts_upper = nxt[3] == "q" or nxt[0][:1].isupper() or nxt[0][:1].isdigit()
        if kind == "p" and w in _SENTENCE_END and starts_upper:
            prev = raw[i - 1][0].lower() if i > 0 else ""
            # "J. Smith" and "U.S." do not end a sentence; "(D-Nev.)." and "$5." do.
            if w == "." and (prev in ABBREVIATIONS or (len(prev) == 1 and prev.isalpha())):
                continue
            sentence += 1
        elif (
            kind == "q"
            and nxt[3] != "q"
            and text[s:e].rstrip("”\"»’' ")[-1:] in _SENTENCE_END
            and nxt[0][:1].isupper()
        ):
            # "...we have." Trump said.  versus  "...we have." Trump met Putin.  Both close the
            # quote's sentence; the after-quote pattern decides separately whether the next words
            # still attribute it.
            sentence += 1
    return out
