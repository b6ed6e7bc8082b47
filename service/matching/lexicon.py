"""Small English word lists the matcher needs: function words, negations and number words.

Kept as data, not corpus statistics, so behaviour does not drift with the size of the corpus (a
three-article test corpus has meaningless document frequencies). All entries are normalised forms
(see `service.matching.normalise.normalise_word`).
"""

from __future__ import annotations

from functools import lru_cache


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Function words carry little evidence: a quote made only of them ("we will see") is generic, and
# they weigh half as much as content words in alignment. Standard English stop list, trimmed of
# negations (those change meaning and are tracked separately).
FUNCTION_WORDS = _words(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he he'd he'll he's her here here's hers herself him himself his how how's i i'd
    i'll i'm i've if in into is it it's its itself just let's me more most my myself of off on once
    only or other our ours ourselves out over own really same she she'd she'll she's should so some
    such than that that's the their theirs them themselves then there there's these they they'd
    they'll they're they've this those through to too under until up very was we we'd we'll we're
    we've were what what's when when's where where's which while who who's whom why why's will with
    would you you'd you'll you're you've your yours yourself yourselves yes well thank thanks okay
    ok oh going get got go gonna want like know think see say said says lot much many
    also"""
)

NEGATIONS = _words(
    """not no never nobody nothing none neither nor nowhere without cannot cant dont doesnt didnt
    isnt arent wasnt werent wont wouldnt shouldnt couldnt hasnt havent hadnt"""
)

# Verbs a "not" follows to negate them ("they will not"): a passage ending on one of these just
# before the article's "not" leaves out what turns the clause around.
AUXILIARIES = _words(
    """am is are was were be been being will would shall should can could may might must do does
    did have has had"""
)

# "one" is left out: far more often a pronoun ("no one", "the one") than a count.
NUMBER_WORDS = _words(
    """zero two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred thousand million billion trillion dozen dozens half quarter first second third fourth
    fifth
    sixth seventh eighth ninth tenth once twice hundreds thousands millions billions"""
)

# Word swaps that leave a quote's meaning intact: a close quote may differ by a few of these.
TRIVIAL_WORDS = _words("a an the that this these those and so but just very really")


def is_function_word(word: str) -> bool:
    """True for normalised function words (including contractions like "they're")."""
    return word in FUNCTION_WORDS


def is_negation(word: str) -> bool:
    """True for negating words, including any "n't" contraction ("don't", "won't")."""
    return word in NEGATIONS or word.endswith("n't")


@lru_cache(maxsize=1 << 16)  # asked for every word of every described passage
def is_number(word: str) -> bool:
    """True for digits ("40", "3.5") and English number words ("forty", "million")."""
    return any(ch.isdigit() for ch in word) or word in NUMBER_WORDS
