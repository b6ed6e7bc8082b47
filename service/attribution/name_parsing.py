"""Person names as words: folding for comparison, where a title ends and a name begins, and
whether two spellings name one person (`same_person`).

An article calls one person "US President Donald Trump", "Trump" and "the US President", and
spells a surname two ways (Zelensky / Zelenskyy): these rules strip honorifics and titles, cut a
capitalised run to its name part, and compare surnames fuzzily for transliterations. Clustering
the mentions of one article lives in `name_index`.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from rapidfuzz import fuzz

from service.attribution.cues import (
    HONORIFICS,
    NATIONALITY_ALIASES,
    ORG_HEADS,
    POST_NOMINALS,
    ROLE_WORDS,
    TITLE_WORDS,
    words_of,
)

WORD = re.compile(r"\w+(?:[’'.\-]\w+)*\.?")
POSSESSIVE = re.compile(r"(?:[’']s?)$")

# Surnames this similar are one person spelt two ways (Zelensky/Zelenskyy = 94,
# Zelenskiy/Zelenskyy = 89) while different short surnames stay apart (Bush/Rush = 75).
SURNAME_SIMILARITY = 85
# First names are looser: transliteration (Volodymyr/Vladimir) and nicknames vary more, and the
# surname has already matched.
FIRST_NAME_SIMILARITY = 60
SKELETON_SIMILARITY = 80


@functools.lru_cache(maxsize=1 << 16)
def fold(word: str) -> str:
    """Comparison key of a word: lower case, no accents, no trailing period or possessive.

    Cached (bounded): the clustering folds every capitalised word of an article several times,
    and an article repeats its names."""
    if not word.isascii():
        word = unicodedata.normalize("NFKD", word)
        word = "".join(ch for ch in word if not unicodedata.combining(ch))
    return POSSESSIVE.sub("", word.lower().rstrip("."))


# "el-Sisi", "al-Assad", "bin-Zayed": a surname opened by a lower-case particle and a hyphen.
PARTICLE_SURNAME = re.compile(r"(?:al|el|ul|ad|as|ash|bin|ibn|abu|ben|d)[\-‑][A-Z]")
_AGE = re.compile(r"^(?:\w+-)+old$", re.IGNORECASE)  # "Fourteen-year-old", "34-year-old"
_LOWER_PARTICLES = words_of("de da del della di van von der den al el bin ibn bint le la du dos y")


def _barrier(word: str) -> bool:
    """A word that cannot be part of a person's name written after it: a title or role, an
    organisation's head word, an age ("Fourteen-year-old Zoe"), a lower-case word."""
    f = fold(word)
    return (
        f in TITLE_WORDS
        or f in ROLE_WORDS
        or f in HONORIFICS
        or f in ORG_HEADS
        or bool(_AGE.match(f))
        or (word[:1].islower() and f not in _LOWER_PARTICLES and not PARTICLE_SURNAME.match(word))
    )


def split_person_name(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Split a capitalised run into what precedes a person's name and the name itself:
    "Santa Barbara County Sheriff Bill Brown" -> (["Santa", ..., "Sheriff"], ["Bill", "Brown"]),
    "First Minister of Scotland Nicola Sturgeon" -> (..., ["Nicola", "Sturgeon"]),
    "Prosecutor Kama Melly QC" -> (["Prosecutor"], ["Kama", "Melly"]). A run that ends in a
    title or an organisation's head word ("Prime Minister", "Leeds City Council") has no name
    part: ([], []) for a title, (tokens, []) for an organisation, as callers expect."""
    while len(tokens) > 1 and fold(tokens[-1]) in POST_NOMINALS and tokens[-1][1:2].isupper():
        tokens = tokens[:-1]
    if not tokens:
        return [], []
    if _barrier(tokens[-1]):
        return tokens, []
    start = 0
    for k in range(len(tokens) - 1):
        if _barrier(tokens[k]) or fold(tokens[k]) == "of":
            start = k + 1
    name = tokens[start:]
    after_of = start > 0 and fold(tokens[start - 1]) == "of"
    if len(name) > 2 and after_of:
        # "Minister of Scotland Nicola Sturgeon": the place or organisation after "of" runs
        # into the name, and capitalisation cannot tell where. The name is its last two words,
        # plus what binds them ("Mohammad bin Salman", "John G. Roberts").
        cut = len(name) - 2
        while cut > 1 and (is_initial(name[cut]) or name[cut][:1].islower()):
            cut -= 1
        start, name = start + cut, name[cut:]
    return tokens[:start], name


def name_tokens(name: str) -> list[str]:
    """Folded name words without honorifics/titles: "Sir Keir Starmer" -> ["keir", "starmer"]."""
    tokens = [fold(t) for t in WORD.findall(name)]
    tokens = [t for t in tokens if t]
    i = 0
    while i < len(tokens) and (tokens[i] in HONORIFICS or tokens[i] in TITLE_WORDS):
        i += 1
    return tokens[i:]


def surname_match(a: str, b: str) -> bool:
    if a == b:
        return True
    if a[:1] != b[:1]:
        return False
    if len(a) == len(b) >= 5 and _consonants(a) == _consonants(b):
        # Transliterations that differ in vowels only: Sarea / Saree, Hussein / Hussain.
        return True
    return fuzz.ratio(a, b) >= SURNAME_SIMILARITY


def first_match(a: str, b: str) -> bool:
    if a == b or (len(a) == 1 and b.startswith(a)) or (len(b) == 1 and a.startswith(b)):
        return True
    if fuzz.ratio(a, b) >= FIRST_NAME_SIMILARITY:
        return True
    # Transliterations differ mostly in vowels: Volodymyr / Vladimir share "vldmr".
    skel_a, skel_b = _consonants(a), _consonants(b)
    return a[:1] == b[:1] and len(skel_a) >= 3 and fuzz.ratio(skel_a, skel_b) >= SKELETON_SIMILARITY


def _consonants(word: str) -> str:
    return "".join(ch for ch in word if ch not in "aeiouy")


def same_person(claimed: str, canonical: str) -> bool:
    """Whether a user-supplied speaker name refers to the canonical name we attributed.

    Surnames must match (fuzzily, for transliterations); first names, when both sides give
    one, must be compatible (equal, an initial, or a close spelling), so "Melania Trump" is not
    "Donald Trump" while "Trump", "President Trump" and "trump" are.
    """
    a, b = name_tokens(claimed or ""), name_tokens(canonical or "")
    if not a or not b:
        # A bare title ("Prime Minister") only matches the same bare title.
        return bool(claimed and canonical) and fold(claimed.strip()) == fold(canonical.strip())
    if not surname_match(a[-1], b[-1]):
        return False
    if len(a) > 1 and len(b) > 1:
        return first_match(a[0], b[0])
    return True


def normalise_title_words(words: list[str]) -> frozenset[str]:
    """Title words as a comparable set: "the U.S. President" -> {"us", "president"}."""
    out = set()
    for w in words:
        f = fold(w)
        f = NATIONALITY_ALIASES.get(f, NATIONALITY_ALIASES.get(f + ".", f))
        if f and f not in {"the", "a", "an", "of"}:
            out.add(f)
    return frozenset(out)


def before_of(tokens: list[str]) -> list[str]:
    """ "Marco Rubio of Florida" -> "Marco Rubio"; "Montana Secretary of State Corey
    Stapleton" is kept whole, since no name comes before its "of"."""
    if "of" in tokens[1:]:
        head = tokens[: tokens.index("of", 1)]
        if split_person_name(head)[1]:
            return head
    return tokens


def ends_sentence(word: str) -> bool:
    """A word with a full stop that is no initial or abbreviation ("Alley." not "G.", "Dr.",
    "U.S.")."""
    if not word.endswith("."):
        return False
    bare = word.rstrip(".")
    return len(bare) > 1 and "." not in bare and fold(bare) not in HONORIFICS | _ABBREVIATIONS


_ABBREVIATIONS = words_of("st jr sr gen col lt sgt capt gov sen rep mt ft co corp inc ltd no")


def is_initial(word: str) -> bool:
    return len(word.rstrip(".")) == 1


def tidy_descriptor(mention: str) -> str:
    """Name for a speaker known only by a descriptor: "the Kremlin" -> "Kremlin"."""
    words = mention.split()
    if words and words[0].lower() in {"the", "a", "an"}:
        words = words[1:]
    if not words:
        return mention.strip()
    return " ".join(words)
