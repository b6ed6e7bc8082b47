"""Stage 5, resolution: a speaker phrase (name, pronoun, descriptor) to a canonical person or
organisation. Reads `names` (the article's NameIndex), `history` (speakers so far) and
`_name_positions`; writes nothing.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable

from service.attribution.common import (
    _NAME_PARTICLES,
    _SURNAME_SUBJECT,
    PRONOUN_HISTORY,
    PRONOUN_SPEAKER_WINDOW,
    SALIENCE_MENTIONS,
    _Evidence,
)
from service.attribution.cues import (
    CUE_VERBS,
    DESCRIPTOR_NOUNS,
    DETERMINERS,
    FIRST_PERSON,
    HONORIFICS,
    NEUTER_PRONOUNS,
    ORG_HEADS,
    PERSONAL_PRONOUNS,
    PLURAL_PRONOUNS,
    ROLE_WORDS,
    TITLE_WORDS,
    UNNAMEABLE_PRONOUNS,
    words_of,
)
from service.attribution.given_names import is_given_name
from service.attribution.name_index import credible
from service.attribution.name_parsing import fold, split_person_name
from service.attribution.speaker_phrases import (
    FUNCTION_WORDS,
    QUANTIFIER_SUBJECTS,
    Phrase,
    phrase_after,
)
from service.attribution.speech_frame import Token
from service.models import Mention

_NAME_RUN = (
    r"((?:(?:Dr|Mr|Mrs|Ms|Prof|Sir)\.?\s+)?[A-Z](?:\.|[\w’'\-]+)"
    r"(?:\s+(?:[A-Z](?:\.|[\w’'\-]+)|[a-z]{1,3}-[A-Z][\w’'\-]+|de|van|von|der|bin|al|da|del"
    r"|dos|la|le)){0,4})"
)
_CUE_AFTER = (
    r"(?=\s*(?:[,.;(]|$)|\s+(?:said|says|told|tells|tweeted|added|wrote|writes|has|had|who"
    r"|stated|announced|noted|on|in)\b|\s+(?:of|from|at|with)\s+(?:the\s+)?[A-Z])"
)
# "The Senate Minority Leader, Chuck Schumer, said", "The new governor of the region, Alexander
# Moor, ...", "One of the study's authors, herpetologist David Blackburn, told".
_APPOSITIVE_AFTER = re.compile(
    r"(?:\s+(?:of|in|at|for|from|on)\s+[^,.;:\"“”\n]{1,60}?)?,\s+(?:[a-z][\w\-]*\s+){0,5}"
    + _NAME_RUN
    + _CUE_AFTER
)
# "said University of California, San Diego's chancellor, Pradeep Khosla": a place or
# organisation, its possessor's role, then the name.
_ROLE_APPOSITIVE_AFTER = re.compile(
    r",\s+[^,.;:\"“”\n]{1,50}?(?:’s|'s)\s+(?:[a-z][\w\-]*\s+){0,3}[a-z][\w\-]*,?\s+"
    + _NAME_RUN
    + _CUE_AFTER
)
# "said study co-author Karen Alley": lower-case role words run into the name.
_ROLE_INTO_NAME = re.compile(r"\s+(?:[a-z][\w\-]*\s+){1,3}" + _NAME_RUN + _CUE_AFTER)
# "a memo posted online by Senator Juan Dalmau".
_DOCUMENT_BY = re.compile(
    r"\s+(?:(?:posted|released|issued|published|sent|written|signed)\s+)?(?:\w+\s+){0,3}?by\s+"
    + _NAME_RUN
)
# "the company said": a business, named in news by its one-word brand ("Hasbro").
_FIRM_NOUNS = words_of("company firm manufacturer retailer startup brand")
_FIRM_POSSESSORS = frozenset({"company's", "company’s", "firm's", "firm’s"})


_FIRM_SUBJECT = re.compile(
    r"[A-Z][\w’'\-]*\s(?:[a-z]+ed|has|had|is|was|says|said|told|announced|hosted|launched)\b"
)
# Prepositions that open a sentence with the document a statement was made in.
_OPENER_PREPOSITIONS = words_of("in through via with on")
# Speakers read beside their quote (not guessed), whom a continuing descriptor may repeat.
_READ_BESIDE = frozenset({"explicit", "descriptor", "pronoun"})
_CONTINUING_CUE = re.compile(r"\s+(?:\w+ly\s+)?(?:added|adds|continued|continues|went on)\b")
# "a protester using the pseudonym Katya", "a woman named Ana Ruiz", "identified only as Li".
_NAMED_AS = re.compile(
    r",?\s+(?:(?:who\s+)?(?:using|uses|used|gave|give|gives)\s+(?:the\s+|a\s+|his\s+|her\s+)?"
    r"(?:pseudonym|name|alias|nickname)(?:\s+(?:of|as))?|named|called|identified\s+(?:only\s+)?as"
    r"|known\s+only\s+as|going\s+by(?:\s+the\s+name)?)\s+"
    r"([A-Z][\w’'\-]+(?:\s+[A-Z][\w’'\-]+){0,2})"
)
# "Suman Haripriya of the Hajo assembly", "Regina Ip from the pro-Beijing camp": the descriptor
# is the organisation of the name before it.
_OBJECT_PRONOUNS = {"him": "he"}
_POSSESSIVE_PRONOUNS = {"his": "he", "her": "she"}
# "his wife Mary", "Munk's daughter, Ana": a possessor and a kinship noun right before a name.
_RELATIVE_BEFORE = re.compile(
    r"\b([Hh]is|[Hh]er|[A-Z][\w\-]+(?:’s|'s))\s+(?:late\s+|younger\s+|elder\s+|older\s+)?"
    r"(?:wife|husband|widow|widower|son|daughter|brother|sister|mother|father|grandson"
    r"|granddaughter|niece|nephew)\s*,?\s+\Z"
)
_POSSESSED_ROLE_NAME = re.compile(r"\s+(?:[a-z][\w\-]*\s+){0,3}[a-z][\w\-]*,?\s+" + _NAME_RUN)
# What may stand between "NAME of/at" and the phrase read before a cue: an organisation and its
# description ("American University and contributor to ", "UH's Center for X: ").
_ORG_TAIL = re.compile(r"[^.;\"“”\n]{0,80}?\s")
_NAME_OF_ORG = re.compile(_NAME_RUN + r"\s+(?:of|from|with|at)\s+")
_DOCUMENT_NOUNS = words_of(
    "statement statements website site release memo message post tweet letter report summary "
    "decision ruling notice announcement communique video account blog"
)
# Words between a descriptor and a name that say the name is not its appositive: cue verbs,
# function words ("the company said Donald Trump was wrong").
_NOT_ROLE_WORDS = CUE_VERBS | FUNCTION_WORDS | words_of("that to and or but as than")


# A role descriptor's head: a known role or title, or a noun shaped like one for a person
# ("geologist", "organiser", "historian", "attendant").
_PERSON_ROLES = ROLE_WORDS | TITLE_WORDS | DESCRIPTOR_NOUNS
_PERSON_NOUN_ENDINGS = ("ist", "er", "or", "ian", "ant", "ent")
# Characters looked back over for the person a role descriptor names ("the archbishop"): a few
# paragraphs, and a bound on the work per descriptor.
ROLE_LOOKBACK = 3000


@functools.lru_cache(maxsize=256)
def _role_before_name(role: str) -> re.Pattern:
    """ "archbishop Monsenor Jorge Eduardo Scheinig": a role noun straight before a name."""
    return re.compile(r"\b(?i:" + re.escape(role) + r")\s+" + _NAME_RUN)


@functools.lru_cache(maxsize=256)
def _name_then_role(role: str) -> re.Pattern:
    """ "Karen Alley, a glaciologist at Wooster": a name with the role in apposition."""
    return re.compile(
        _NAME_RUN + r",\s+(?:a|an|the)\s+(?:[\w\-’']+\s+){0,3}?" + re.escape(role) + r"\b"
    )


# A capitalised name run at a position (titles included), and the word right before a position.
_MENTION = re.compile(
    r"[A-Z][\w’'\-]*\.?(?:[ \t]+(?:[A-Z][\w’'\-]*\.?|de|van|von|der|bin|al|da|del|la|le))*"
)
_WORD_BEFORE = re.compile(r"([\w’'\-]+)[ \t]+\Z")
_GAP_BEFORE = re.compile(r"([^\w\s]?)\s*\Z")
_NEXT_WORD = re.compile(r"\s+([a-z]+)\b")
_NEXT_CAPITAL = re.compile(r"[ \t]+(?:the[ \t]+)?[A-Z]")
_TITLED_NAME_AFTER = re.compile(r"[ \t]+((?:[A-Z][\w’'\-]*\.?[ \t]+){0,3}[A-Z][\w’'\-]+)")
_COMMA_THEN_WORD = re.compile(r",[ \t]+([a-z]+)\b")
_ROLE_COMMA_BEFORE = re.compile(r"([\w’'\-]+),[ \t]+\Z")
_OF_PLACE = re.compile(r"\s+of\s+(?:the\s+)?[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*){0,3}")
_APPOSITIVE_ROLE = re.compile(
    r",\s+(?:a|an|the)\s+((?:[\w\-]+\s+){0,3}?[\w\-]+)(?=\s*[,.;]|\s+(?:of|for|at|from|with|in)\b)"
)
# Words that open a clause, so a name right after them is its subject.
_CLAUSE_OPENERS = words_of("while whereas although though because meanwhile")
_COORDINATORS = words_of("and but")
_VERB_WORDS = words_of(
    "was is has had have will would could should can did does may might must also then later"
)


# "el-Sisi", "al-Assad", "bin-Zayed": a lower-case particle joined to a capitalised surname.
_PARTICLE_NAME = re.compile(r"[a-z]{1,3}[\-‑][A-Z]")
# What joins a person's name to the place or body they belong to: "Abdel Fattah el-Sisi of
# Egypt", "Sally Wasef of Australia's Griffith University", "The Aam Aadmi Party in Goa".
_AFFILIATION_WORDS = words_of("of in at from")


def _before_affiliation(words: list[str]) -> list[str]:
    """The speaker phrase up to the "of"/"in"/"at"/"from" that follows its name: what comes
    after is the name's place or organisation, not the speaker. A title's own "of" ("Secretary
    of State Mike Pompeo") and a role's ("the mayor of Paris") are no such joint."""
    for k in range(1, len(words) - 1):
        if words[k].lower() not in _AFFILIATION_WORDS:
            continue
        prev = words[k - 1]
        if not (prev[:1].isupper() or _PARTICLE_NAME.match(prev)) or prev.endswith(("’s", "'s")):
            continue
        if prev.lower().rstrip(".") in TITLE_WORDS:
            continue
        if words[k].lower() == "of" and prev.lower() in ORG_HEADS:
            continue  # "Bank of England", "Court of Session": one organisation's name
        return words[:k]
    return words


_APPOSITIVE_BEFORE = re.compile(_NAME_RUN + r",[ \t]+((?:a|an|the)[ \t]+[^,.;:\"“”\n]{0,120}?)?\Z")
_AFFILIATED_BEFORE = re.compile(_NAME_RUN + r"[ \t]+(?:of|in)[ \t]+\Z")


# A document's author: up to eight capitalised words ("the Combined Joint Task Force Operation
# Inherent Resolve"), with the small words inside organisation names.
_AUTHOR_RUN = re.compile(
    r"((?:(?:the|The)[ \t]+)?[A-Z](?:\.|[\w’'\-]+)(?:[ \t]+(?:[A-Z](?:\.|[\w’'\-]+)"
    r"|of|for|and|on|de|al|[a-z]{1,3}-[A-Z][\w’'\-]*)){0,7})"
)
_ACRONYM_WORD = re.compile(r"[A-Z][A-Z&]{1,7}")
_PUBLISHING_VERBS = (
    r"(?:sent|released|issued|published|posted|wrote|signed|put[ \t]+out|delivered|filed|made"
    r"|shared|tweeted|read[ \t]+out)"
)


@functools.lru_cache(maxsize=64)
def _document_introductions(noun: str) -> tuple[re.Pattern, ...]:
    """Where an article says who wrote a document before calling it "the statement": 'X
    (, appositive,) released a statement', 'a letter from/by X', "X's letter"."""
    who = _AUTHOR_RUN.pattern.replace("(", "(?P<who>", 1)
    det = r"(?:a|an|the|its|his|her|their)[ \t]+(?:[\w\-]+[ \t]+){0,3}?"
    verb = _NOUN_VERBS.get(noun)
    noun = re.escape(noun)
    verbal = (
        # "GitHub also announced ..." before "The announcement also mentioned".
        (re.compile(who + r"[ \t]+(?:\w+ly[ \t]+|also[ \t]+)?" + verb + r"\b"),) if verb else ()
    )
    return (
        *verbal,
        re.compile(
            who
            + r"(?:[ \t]+\([A-Z][\w&]{1,8}\))?(?:,[^,.;\"“”\n]{1,120}?,)?[ \t]+(?:\w+ly[ \t]+)?"
            + _PUBLISHING_VERBS
            + r"[ \t]+"
            + det
            + noun
            + r"\b"
        ),
        re.compile(r"\b" + det + noun + r"[ \t]+(?:\w+[ \t]+)?(?:from|by)[ \t]+" + who),
        re.compile(who + r"(?:’s|'s)[ \t]+(?:[\w\-]+[ \t]+){0,3}?" + noun + r"\b"),
    )


# A document noun and the verb an article introduces it with ("X announced ... the
# announcement").
_NOUN_VERBS = {"announcement": "announced", "statement": "stated", "proclamation": "proclaimed"}

# "It read": "it" as a document just introduced, looked for this many characters back.
_DOCUMENT_VERB_AFTER = re.compile(r"[ \t]+(?:read|reads|stated|states)\b")
_DOCUMENT_IT_NOUNS = ("statement", "letter", "release", "message", "post", "notice", "memo")
DOCUMENT_IT_LOOKBACK = 400

# Unnamed people who speak for a body: "an official from TfL", "the spokesperson".
_SPEAKS_FOR = words_of(
    "spokesman spokeswoman spokesperson official representative spokespeople spokesmen "
    "officials representatives"
)
_BODY_AFTER = re.compile(r"[ \t]+(?:from|for|of|at|with)[ \t]+" + _AUTHOR_RUN.pattern)
_SPOKESPERSON_OF = re.compile(
    r"(?P<pre>(?:[A-Z][\w’'\-]*[ \t]+){1,4}?)(?:spokesman|spokeswoman|spokesperson)\b"
    r"|(?:spokesman|spokeswoman|spokesperson)[ \t]+(?:for|of|from|at)[ \t]+"
    r"(?P<post>(?:the[ \t]+)?[A-Z][\w’'\-]*(?:[ \t]+(?:[A-Z][\w’'\-]*|of|for)){0,5})"
)


def _organisation_phrase(words: list[str]) -> str | None:
    """A speaker phrase that is an organisation's own name: capitalised words whose head is an
    organisation noun, last or before its of/for/on complement ("Ministry of Foreign Affairs",
    "Department of Health and Human Services", "Commission on Presidential Debates"), with no
    title or person after the head."""
    words = [w for w in words if w.lower() not in ("the", "a", "an")]
    heads = [k for k, w in enumerate(words) if w[:1].isupper() and w.lower() in ORG_HEADS]
    if not heads or not all(w[:1].isupper() or w in _ORG_GLUE for w in words):
        return None
    h = heads[-1]
    rest = words[h + 1 :]
    if rest and (rest[0] not in ("of", "for", "on") or rest[-1] in _ORG_GLUE):
        return None
    if len(rest) >= 3 and rest[-3].lower() in TITLE_WORDS and is_given_name(fold(rest[-2])):
        return None  # "Ministry of Defence Minister Jane Doe": a person after the body
    if h == 0 and not rest:
        return None  # "Ministry": a bare head is a descriptor's business
    if words[0].lower() in TITLE_WORDS and len(words) > 1 and words[1] in ("of", "for"):
        return None  # "Director of Mid Wales Tourism Partnership": a person's title
    return " ".join(words)


_ORG_GLUE = frozenset({"of", "for", "on", "and", "&", "the"})


def _strip_article(run: str) -> str:
    words = run.split()
    while len(words) > 1 and words[0].lower() in ("the", "a", "an"):
        words = words[1:]
    return " ".join(words)


def _is_role_noun(word: str) -> bool:
    """A lower-case noun naming what a person is ("sportswriter", "costumer", "minister")."""
    low = word.lower()
    if not word.islower() or low in FUNCTION_WORDS or low in CUE_VERBS or low in DETERMINERS:
        return False
    return low in _PERSON_ROLES or (low.endswith(_PERSON_NOUN_ENDINGS) and len(low) > 4)


_SPOKESPEOPLE = words_of("spokesman spokeswoman spokesperson spokespeople spokesmen")


@functools.lru_cache(maxsize=64)
def _organisation_run(head: str) -> re.Pattern:
    """A capitalised organisation name with `head` in it: "Iranian Army", "Court of Session",
    "the Metropolitan Police"."""
    word = r"[A-Z][\w’'\-]*"
    return re.compile(
        rf"((?:{word}[ \t]+){{0,4}}{re.escape(head)}"
        rf"(?:[ \t]+(?:of|for|on)(?:[ \t]+the)?[ \t]+{word}"
        rf"(?:[ \t]+(?:(?:and|&)[ \t]+)?{word}){{0,4}})?)\b"
    )


@functools.lru_cache(maxsize=64)
def _head_of_place(head: str) -> re.Pattern:
    """ "government of Burundi", "ministry of the Interior": a lower-case organisation head
    and the capitalised place or body after its "of"."""
    word = r"[A-Z][\w’'\-]*"
    return re.compile(
        rf"\b{re.escape(head)}[ \t]+of[ \t]+((?:the[ \t]+)?{word}(?:[ \t]+{word}){{0,3}})"
    )


def _is_document(words: list[str]) -> bool:
    return bool(words) and words[-1].lower() in _DOCUMENT_NOUNS


def _descriptor_kind(content: list[str]) -> str:
    """What an unresolved descriptor names, by its head noun: the word before "of"/"for" when
    one follows ("the head of the investigators", "a spokeswoman for the club") else the last.
    A person's role ("a protester", "the head") is a person, whom "she" may refer back to; a
    plural is a group; anything else an organisation ("the company")."""
    lows = [w.lower() for w in content]
    cut = next((k for k, w in enumerate(lows) if w in ("of", "for") and k > 0), len(lows))
    head = lows[cut - 1]
    if head.endswith("s") and not head.endswith("ss"):
        return "plural"
    if head in _PERSON_ROLES and head not in ORG_HEADS and head not in _DOCUMENT_NOUNS:
        return "person"
    if head.endswith(_PERSON_NOUN_ENDINGS) and len(head) > 4 and head.isalpha():
        return "person"
    return "plural" if lows[-1].endswith("s") and cut == len(lows) else "org"


class ResolutionMixin:
    """Speaker phrase -> `_Evidence` with a canonical name."""

    # -- resolution -----------------------------------------------------------------------------
    def _resolve(self, toks: list[Token], ph: Phrase | None, pi: int) -> _Evidence | None:
        if ph is None:
            return None
        start, end = toks[ph.first].start, toks[ph.last].end
        mention = Mention(self.text[start:end], start, end)
        words = [t.text for t in toks[ph.first : ph.last + 1] if t.kind == "w"]
        if ph.kind == "pronoun":
            return self._resolve_pronoun(words[0].lower(), mention, pi)
        if len(words) == 1 and words[0].lower() in _OBJECT_PRONOUNS:
            # "According to him, ...": the object form names whom "he" would.
            return self._resolve_pronoun(_OBJECT_PRONOUNS[words[0].lower()], mention, pi)
        if ph.kind == "name":
            owner = self._document_owner(words, end)
            if owner is not None:
                return _Evidence(owner, mention, "explicit", "org", pi)
            if words[-1].endswith(("’s", "'s")):
                # "writes Huber's longtime tag team partner Erick Rowan": the possessed role's
                # name, not the possessor.
                m = _POSSESSED_ROLE_NAME.match(self.text, end)
                person = self._person_name_at(m.group(1), m.start(1)) if m else None
                if person is not None:
                    run_end = m.end(1)
                    found = Mention(self.text[start:run_end], start, run_end)
                    return _Evidence(person, found, "explicit", "person", pi)
            name_words = _before_affiliation(
                [w for w in words if w.lower() not in {"the", "a", "an", "who", "which"}]
            )
            body = _organisation_phrase(name_words)
            # "moderator Tom Reyes", "Ohio State professor Paul Beck": the name is what follows
            # the last lower-case role word or possessor ("Marco Rubio of Florida" keeps "of").
            roles = [
                k
                for k, w in enumerate(name_words[:-1])
                if (
                    not w[:1].isupper()
                    and w.lower() not in _NAME_PARTICLES
                    and not _PARTICLE_NAME.match(w)
                )
                or w.endswith(("’s", "'s"))  # "the Post’s Ann Lee"
            ]
            if roles:
                name_words = name_words[roles[-1] + 1 :]
            if roles and name_words and name_words[0].lower() in {"of", "for"}:
                # "The mayor of Paris, Anne Hidalgo, wrote": what follows a role's "of" is
                # its place or organisation; the person is the name in apposition.
                beside = self._named_beside(start, end, words, pi)
                if beside is not None:
                    return _Evidence(beside, mention, "explicit", "person", pi)
            name = self.names.canonical(" ".join(name_words), start)
            if " " not in name and name_words == words:
                name = self._relative_named(name, start, pi) or name
            # "Egypt" after "el-Sisi of": a one-word place, or a run with no given name first.
            full = len(name_words) >= 2 and is_given_name(fold(name_words[0]))
            owner = None if full else self._affiliation_owner(start)
            if owner is not None:
                return _Evidence(owner, mention, "explicit", "person", pi)
            if body is not None:
                # "the Turkish Ministry of Foreign Affairs", "the State Department": the whole
                # organisation by the fullest form the article writes for it, unless a person
                # stands beside it ("Steve Peers of the University of Essex").
                beside = self._named_beside(start, end, words, pi)
                if beside is not None:
                    return _Evidence(beside, mention, "explicit", "person", pi)
                full = self._organisation_full(body, start)
                return _Evidence(full, mention, "explicit", "org", pi)
            person = self._names_a_person(name, start)
            head = self._appositive_head(words, start, person)
            if head is not None:
                return _Evidence(head, mention, "explicit", "person", pi)
            if not person:
                # "Caloundra coach Geoff Ingram said", "The mayor of Paris, Anne Hidalgo,
                # wrote", "Steve Peers of the University of Essex said": the phrase read is a
                # place or organisation beside the person's name.
                beside = self._named_beside(start, end, words, pi)
                if beside is not None:
                    name = beside
                elif " " not in name:
                    name = self.names.organisation_name(name)
            return _Evidence(name, mention, "explicit", "person", pi)
        # Descriptor: a name written beside it ("The Vice President, Mike Pence, said", "said
        # study co-author Karen Alley", "Suman Haripriya of the Hajo assembly said"), else a
        # title met earlier with a name, else an organisation or a role.
        named = self._name_after_roles(toks, ph)
        if named is not None:
            return _Evidence(named, mention, "explicit", "person", pi)
        beside = self._named_beside(start, end, words, pi)
        if beside is not None:
            return _Evidence(beside, mention, "descriptor", "person", pi)
        author = self._author_after_opener(toks, ph, pi) if _is_document(words) else None
        if author is not None:
            return _Evidence(author.name, mention, "descriptor", author.kind, pi)
        resolved = self.names.resolve_descriptor(words, start)
        if resolved is not None:
            return _Evidence(resolved, mention, "descriptor", "person", pi)
        antecedent = self._definite_antecedent(words, start)
        if antecedent is not None:
            return _Evidence(antecedent[0], mention, "descriptor", antecedent[1], pi)
        author = self._document_author(words, start)
        if author is not None:
            return _Evidence(author[0], mention, "descriptor", author[1], pi)
        organisation = self._spokesperson_body(words, start, end)
        if organisation is None:
            organisation = self._organisation_behind(words, start)
        if organisation is not None:
            return _Evidence(organisation, mention, "descriptor", "org", pi)
        content = [w for w in words if w.lower() not in DETERMINERS]
        if not content and len(words) == 1 and words[0].lower() in QUANTIFIER_SUBJECTS:
            content = words  # "one said"
        if not content:
            return None
        if content[-1].lower() in QUANTIFIER_SUBJECTS or content[-1].lower() in {"percent", "%"}:
            # "another", "others", "14 percent": unnamed people, never an organisation.
            return _Evidence(" ".join(content).lower(), mention, "unresolved", "plural", pi)
        if all(w[:1].isupper() for w in content):
            if all(w.lower().rstrip(".") in TITLE_WORDS for w in content):
                return _Evidence(" ".join(content), mention, "unresolved", "person", pi)
            owner = self._affiliation_owner(start)
            if owner is not None:
                # "Cardinal Marc Ouellet of the Holy See said": the person the body follows.
                return _Evidence(owner, mention, "explicit", "person", pi)
            name = self.names.organisation_name(" ".join(content))
            return _Evidence(name, mention, "organisation", "org", pi)
        if words[0].lower() == "the" and _descriptor_kind(content) == "person":
            same = self._continuing_speaker(end, pi)
            if same is not None:
                return _Evidence(same, mention, "descriptor", "person", pi)
        lead = 0
        while words[lead].lower() in DETERMINERS:
            lead += 1  # inner ones stay: "head of the police's investigators"
        tail = len(words)
        while words[tail - 1].lower() in DETERMINERS:
            tail -= 1
        described = " ".join(words[lead:tail])
        return _Evidence(described, mention, "unresolved", _descriptor_kind(content), pi)

    def _name_after_roles(self, toks: list[Token], ph: Phrase) -> str | None:
        """'According to eyewitness Vinnie DeVita', 'Former First Lady Michelle Obama gave':
        role words or titles, then a person's name, is that person (the phrase read may stop
        at the titles; the name then follows in the text)."""
        items = [t for t in toks[ph.first : ph.last + 1] if t.kind == "w"]
        k = 0
        while k < len(items) and (
            items[k].low in DETERMINERS
            or (items[k].text.islower() and items[k].low not in _NOT_ROLE_WORDS)
            or (items[k].text[:1].isupper() and items[k].low.rstrip(".") in TITLE_WORDS)
        ):
            k += 1
        if all(t.low in DETERMINERS for t in items[:k]) or any(
            t.text.endswith(("’s", "'s")) for t in items
        ):
            return None  # "the Holy See": no role word before the capitalised run
        if k == len(items):
            if not items[-1].text[:1].isupper():
                return None  # "the minister": no name after it is read here
            # "Former" + "First Lady Michelle Obama" in the text after the phrase.
            m = _TITLED_NAME_AFTER.match(self.text, items[-1].end)
            if m is None:
                return None
            run, pos = m.group(1), m.start(1)
        else:
            rest = items[k:]
            if not all(t.text[:1].isupper() or t.low in _NAME_PARTICLES for t in rest):
                return None
            run, pos = self.text[rest[0].start : rest[-1].end], rest[0].start
        _, name = split_person_name(run.split())
        if len(name) < 2 or not is_given_name(fold(name[0])):
            return None
        return self.names.canonical(run, pos)

    def _affiliation_owner(self, start: int) -> str | None:
        """'President Abdel Fattah el-Sisi of Egypt said', 'The Aam Aadmi Party in Goa said':
        a place read as the speaker phrase right after a person or organisation joined to it
        by "of"/"in" names that person or organisation."""
        m = _AFFILIATED_BEFORE.search(self.text, max(0, start - 100), start)
        if m is None:
            return None
        run = m.group(1)
        if run.split()[-1].lower() in ORG_HEADS:
            return self.names.organisation_name(_strip_article(run))
        return self._titled_person(run, m.start(1))

    def _document_owner(self, words: list[str], end: int) -> str | None:
        """ "RIAA's DMCA notice alleged": a possessor, a name, then a document noun after the
        phrase read; the document is the possessor's (an acronym by its defined long form)."""
        if len(words) < 2 or not words[0].endswith(("’s", "'s")) or not words[0][:1].isupper():
            return None
        m = _NEXT_WORD.match(self.text, end)
        if m is None or m.group(1) not in _DOCUMENT_NOUNS:
            return None
        return self.names.organisation_name(words[0][:-2])

    def _appositive_head(self, words: list[str], start: int, person: bool) -> str | None:
        """'Mark Hay, a marine ecologist at GT, who said', 'Erwin Chemerinsky, Dean of UC
        Berkeley School of Law called it': a phrase inside the appositive of a person's name
        (a relative "who" after it, or a title with its "of") stands for that person."""
        lows = [w.lower() for w in words]
        relative = lows[-1] == "who" and not person
        titled = len(lows) > 2 and lows[0] in _PERSON_ROLES and lows[1] in ("of", "for", "at")
        if not (relative or titled):
            return None
        m = _APPOSITIVE_BEFORE.search(self.text, max(0, start - 160), start)
        if m is None or (titled and m.group(2)):
            return None
        return self._person_name_at(m.group(1), m.start(1))

    def _titled_person(self, run: str, pos: int) -> str | None:
        """The person a capitalised run names: a title then a name ("President Abdel Fattah
        el-Sisi", "Cardinal Marc Ouellet": a given name after the titles), or what
        `_person_name_at` accepts."""
        titles, name = split_person_name(run.split())
        titled = run.split()[0].lower().rstrip(".") in TITLE_WORDS and len(run.split()) >= 2
        if titled or (titles and len(name) >= 2 and is_given_name(fold(name[0]))):
            return self.names.canonical(run, pos)
        return self._person_name_at(run, pos)

    def _relative_named(self, first: str, start: int, pi: int) -> str | None:
        """'His wife Mary said', "Munk's daughter Ana": a relative written by first name only
        is named with the surname of the person they are the relative of."""
        m = _RELATIVE_BEFORE.search(self.text, max(0, start - 60), start)
        if m is None or not first[:1].isupper():
            return None
        person = self.names.person(first, start)
        if person is not None and person.full_names:
            return None  # the article names them in full elsewhere
        owner = m.group(1)
        if owner.lower() in _POSSESSIVE_PRONOUNS:
            central = self._central_person(start, "m" if owner.lower() == "his" else "f")
            surname = central.split()[-1] if central is not None else None
        else:
            full = self.names.canonical(owner[:-2], m.start(1))
            surname = full.split()[-1] if self._names_a_person(full, m.start(1)) else None
        if surname is None or surname == first:
            return None
        return f"{first} {surname}"

    def _author_after_opener(self, toks: list[Token], ph: Phrase, pi: int) -> _Evidence | None:
        """'In a video message posted to Twitter, Warren said', 'According to its press
        release, the NBA was': a document in a sentence's opening phrase is by the subject
        named after the opener's comma (the document stays the evidence)."""
        j = ph.first - 1
        if j >= 0 and toks[j].low == "to" and j > 0 and toks[j - 1].low == "according":
            j -= 1
        elif j < 0 or toks[j].low not in _OPENER_PREPOSITIONS:
            return None
        if j > 0 and toks[j - 1].sentence == toks[j].sentence and toks[j - 1].kind == "w":
            return None  # not the sentence's opening phrase
        sid = toks[ph.first].sentence
        for k in range(ph.last + 1, min(len(toks), ph.last + 16)):
            if toks[k].sentence != sid or toks[k].kind == "q":
                return None
            if toks[k].text != ",":
                continue
            subject = phrase_after(toks, k + 1, min(len(toks), k + 12))
            if subject is None or subject.kind == "pronoun":
                return None
            words = [t.text for t in toks[subject.first : subject.last + 1] if t.kind == "w"]
            if _is_document(words):
                return None
            ev = self._resolve(toks, subject, pi)
            if ev is None or ev.method not in ("explicit", "organisation"):
                return None
            return ev
        return None

    def _continuing_speaker(self, end: int, pi: int) -> str | None:
        """'said study co-author Karen Alley. The Wooster professor added, "Q"': a definite
        role with a verb of continuing ("added", "went on") is the person who spoke just
        before, in this paragraph or the one before it."""
        if _CONTINUING_CUE.match(self.text, end) is None:
            return None
        for ev in reversed(self.history[-3:]):
            if pi - ev.para <= 1 and ev.kind == "person" and ev.method in _READ_BESIDE:
                return ev.name
            break
        return None

    def _central_person(self, pos: int, gender: str) -> str | None:
        """The person of that gender the article has named most before `pos`: whose family
        "his wife" is (an obituary's subject, not the colleague quoted last)."""
        k = bisect.bisect_left(self._name_positions, pos)
        best = None
        for _, cluster in self.names.mentions[max(0, k - 400) : k]:
            if cluster.kind != "person" or not cluster.full_names or best is cluster:
                continue
            if not self._person_like(cluster):
                continue
            if self.names.gender(cluster.canonical()) not in (gender, None):
                continue
            if best is None or cluster.weight > best.weight:
                best = cluster
        return best.canonical() if best is not None else None

    def _named_beside(self, start: int, end: int, words: list[str], pi: int) -> str | None:
        """The person a descriptor phrase stands beside: an appositive after it, a role noun
        run straight into a name, the possessor or author of a document ("Trump's statement",
        "a memo posted online by Senator Juan Dalmau"), or a name it is the organisation of."""
        text = self.text
        named = _NAMED_AS.match(text, end)
        if named is not None and not _is_document(words):
            # "a protester using the pseudonym Katya", "a nurse identified only as Maria": the
            # name the article gives the unnamed speaker.
            return self.names.canonical(named.group(1), named.start(1))
        for pattern in (_APPOSITIVE_AFTER, _ROLE_APPOSITIVE_AFTER, _ROLE_INTO_NAME, _DOCUMENT_BY):
            m = pattern.match(text, end)
            if m is None:
                continue
            if pattern is _ROLE_INTO_NAME and any(
                w.lower() in _NOT_ROLE_WORDS for w in m.group(0).split()[:-2]
            ):
                continue
            if pattern is _DOCUMENT_BY and not _is_document(words):
                continue
            name = self._person_name_at(m.group(1), m.start(1))
            if name is not None:
                return name
        if _is_document(words):
            pronoun = _POSSESSIVE_PRONOUNS.get(words[0].lower())
            if pronoun is not None:
                # "Her final post showed ...", "his statement": whoever "she"/"he" is here.
                found = self._resolve_pronoun(pronoun, Mention(words[0], start, start), pi)
                if found is not None and found.kind == "person":
                    return found.name
            owner = [w for w in words if w.endswith(("’s", "'s")) and w[:1].isupper()]
            if owner:
                # "The WHO's website": an acronym owner by the long form the article defines.
                return self.names.organisation_name(self.names.canonical(owner[-1], start))
        for m in _NAME_OF_ORG.finditer(text, max(0, start - 100), start):
            # "Dr. Steven Wolf at Saint Francis said", "Jennifer Daskal of American University
            # and contributor to Slate wrote": the organisation of the person named before it.
            if m.end() == start or _ORG_TAIL.fullmatch(text, m.end(), start):
                name = self._person_name_at(m.group(1), m.start(1))
                if name is not None:
                    return name
        return None

    def _definite_antecedent(self, words: list[str], start: int) -> tuple[str, str] | None:
        """The person a definite role descriptor ("the archbishop") refers back to: the latest
        person written with that role right before their name or in apposition after it
        ("archbishop Jorge Scheinig", "Karen Alley, a glaciologist"). An organisation's head
        noun ("the army") is no person's role, and an indefinite "a professor" is someone
        new: None, as when no one was introduced so."""
        if len(words) < 2 or words[0].lower() != "the":
            return None
        head = words[-1].lower()
        if not head.isalpha() or head in FUNCTION_WORDS or head in DETERMINERS:
            return None
        if head in ORG_HEADS or head in _DOCUMENT_NOUNS or head in QUANTIFIER_SUBJECTS:
            return None
        if not (head in _PERSON_ROLES or head.endswith(_PERSON_NOUN_ENDINGS)):
            return None  # "the liquid culture": not what a person is introduced as
        lo = max(0, start - ROLE_LOOKBACK)
        best: tuple[int, str] | None = None
        for pattern in (_role_before_name(head), _name_then_role(head)):
            for m in pattern.finditer(self.text, lo, start):
                if best is None or m.start(1) > best[0]:
                    best = (m.start(1), m.group(1))
        if best is None:
            return None
        name = self._person_name_at(best[1], best[0])
        return (name, "person") if name is not None else None

    def _organisation_behind(self, words: list[str], start: int) -> str | None:
        """The organisation an unnamed speaker speaks for: 'A Hampshire Police spokesman' ->
        Hampshire Police; a document's owner ('the court's summary', 'the Supreme Court
        decision'); or an organisation's head noun ('the army said') -> the latest organisation
        written with that head ('Iranian Army')."""
        content = [w for w in words if w.lower() not in DETERMINERS]
        if not content:
            return None
        head, mods = content[-1].lower(), content[:-1]
        if head.endswith(("’s", "'s")) and content[-1].islower():
            return self._latest_organisation(head[:-2], start)  # "the court's (summary)"
        if words[0].lower() == "the" and len(words) > 2 and words[1].lower() in _FIRM_POSSESSORS:
            # "The company's upcoming replica helmet is ...": the firm's thing speaks for it.
            return self._latest_firm(start)
        if head in _DOCUMENT_NOUNS or head in _SPOKESPEOPLE:
            owners = [w for w in mods if w.endswith(("’s", "'s"))]
            if owners:
                owner = owners[-1][:-2]
                if owner[:1].isupper():
                    return self.names.organisation_name(self.names.canonical(owner, start))
                return self._latest_organisation(owner.lower(), start)
            caps = [w for w in mods if w[:1].isupper()]
            if caps and len(caps) == len(mods):
                owner = self.names.organisation_name(" ".join(caps))
                return self._fuller_organisation(owner, start) if " " in owner else owner
            if len(mods) == 1 and mods[0].lower() in ORG_HEADS:
                return self._latest_organisation(mods[0].lower(), start)  # "the court summary"
            return None
        if words[0].lower() != "the" or mods:
            return None
        found = self._latest_organisation(head, start) if head in ORG_HEADS else None
        if found is None and head in _FIRM_NOUNS:
            found = self._latest_firm(start)
        return found

    def _document_author(self, words: list[str], start: int) -> tuple[str, str] | None:
        """Who wrote a document the speaker phrase names: 'the judge's statement' -> the
        person introduced as the judge; 'a tweet on Monday by Secretary X' -> X; 'the letter'
        -> whoever the article said sent, released or issued that letter before ('X sent a
        letter to ...', 'a statement from X'). (name, kind), or None."""
        if not _is_document(words) and "by" not in [w.lower() for w in words]:
            return None
        lows = [w.lower() for w in words]
        if "by" in lows[1:]:
            # The phrase runs past its "by" ("a tweet on Monday by US Secretary of State Mike"):
            # the name written after it.
            k = lows.index("by", 1)
            if not any(w in _DOCUMENT_NOUNS for w in lows[:k]):
                return None
            at = self.text.find(" by ", start) + 4
            m = _AUTHOR_RUN.match(self.text, at)
            return self._author_name(m.group(1), m.start(1)) if m is not None else None
        owners = [w for w in words if w.endswith(("’s", "'s"))]
        if owners:
            owner = owners[-1][:-2]
            if owner.islower() and _is_role_noun(owner) and owner not in ORG_HEADS:
                return self._definite_antecedent(["the", owner], start)
            return None
        if lows[0] != "the" or len(words) > 3:
            return None
        return self._introduced_author((lows[-1],), max(0, start - 4 * ROLE_LOOKBACK), start)

    def _document_it(self, pronoun: str, mention: Mention) -> tuple[str, str] | None:
        """'The federation released a statement ... It read, "Q"': "it" reading or saying
        words right after a document was introduced is that document, by its author."""
        if pronoun != "it" or _DOCUMENT_VERB_AFTER.match(self.text, mention.end) is None:
            return None
        lo = max(0, mention.start - DOCUMENT_IT_LOOKBACK)
        return self._introduced_author(_DOCUMENT_IT_NOUNS, lo, mention.start)

    def _introduced_author(self, nouns: Iterable[str], lo: int, hi: int) -> tuple[str, str] | None:
        """The author of the latest document of one of these kinds the text introduced in
        [lo, hi) ('X released a statement', 'a letter from X'), outside quotes."""
        best = None
        for noun in nouns:
            for pattern in _document_introductions(noun):
                for m in pattern.finditer(self.text, lo, hi):
                    if best is None or m.start() > best.start():
                        best = m
        if best is None or self._inside_quote(best.start("who")):
            return None
        return self._author_name(best.group("who"), best.start("who"))

    def _author_name(self, run: str, pos: int) -> tuple[str, str] | None:
        """A document's author run as a person (titled, a given name, known) or else an
        organisation, acronyms by the long form the article defines."""
        run = _strip_article(run)
        words = run.split()
        if words[-1].lower() in ORG_HEADS or _ACRONYM_WORD.fullmatch(run):
            return self.names.organisation_name(run), "org"
        person = self._person_name_at(run, pos) if len(words) <= 4 else None
        if person is not None and not self._names_a_person(person, pos):
            person = None  # "Operation Inherent Resolve": a surname-like last word, no person
        if person is None and words[0].lower().rstrip(".") in TITLE_WORDS and len(words) >= 2:
            person = self.names.canonical(run, pos)
        if person is not None:
            return person, "person"
        return self.names.organisation_name(run), "org"

    def _spokesperson_body(self, words: list[str], start: int, end: int) -> str | None:
        """The organisation an unnamed spokesperson or official speaks for: 'An official from
        TfL stated' -> Transport for London (an acronym by the long form the article defines);
        'the spokesperson added' after 'an Interpol spokesperson' -> Interpol."""
        content = [w for w in words if w.lower() not in DETERMINERS]
        if len(content) != 1 or content[0].lower() not in _SPEAKS_FOR:
            return None
        m = _BODY_AFTER.match(self.text, end)
        if m is not None:
            return self.names.organisation_name(_strip_article(m.group(1)))
        if words[0].lower() != "the":
            return None
        best = None
        for m in _SPOKESPERSON_OF.finditer(self.text, max(0, start - ROLE_LOOKBACK), start):
            body = _strip_article(m.group("pre") or m.group("post"))
            if body.lower() not in DETERMINERS and not self._inside_quote(m.start()):
                best = body
        return self.names.organisation_name(best) if best is not None else None

    def _organisation_full(self, name: str, pos: int) -> str:
        """An organisation's fullest form: a defined acronym's long form, the longer name the
        article wrote before that ends in it ("United States Supreme Court"), or for "State
        Department" the "... Department of State" it wrote ("United States Department of
        State")."""
        name = self.names.organisation_name(name)
        words = name.split()
        if len(words) == 2 and words[1].lower() in ORG_HEADS and words[0][:1].isupper():
            inverted = re.compile(
                r"((?:[A-Z][\w’'\-]*[ \t]+){0,3}"
                + re.escape(words[1])
                + r"[ \t]+(?:of|for)[ \t]+(?:the[ \t]+)?"
                + re.escape(words[0])
                + r")\b"
            )
            found = {m.group(1) for m in inverted.finditer(self.text)}
            if len(found) == 1:
                return found.pop()
        return self._fuller_organisation(name, pos)

    def _latest_firm(self, pos: int) -> str | None:
        """'Hasbro hosted a panel ... the company noted': "the company" with no "... Company"
        in the article is the latest one-word name doing something that is no one's name (no
        given name, title or full name) and no place."""
        k = bisect.bisect_left(self._name_positions, pos)
        for i in range(k - 1, max(-1, k - 20), -1):
            start, cluster = self.names.mentions[i]
            if cluster.kind == "place" or self._inside_quote(start):
                continue
            if cluster.full_names or self._person_like(cluster):
                continue
            name = cluster.canonical()
            if " " in name or name.lower() in self.names.lower_words:
                continue
            if _FIRM_SUBJECT.match(self.text, start):
                return self.names.organisation_name(name)
        return None

    def _latest_organisation(self, head: str, pos: int) -> str | None:
        """The latest organisation written before `pos` with `head` as its head word: "the
        army" -> "Iranian Army", "the court" -> "Court of Session". None when there is none
        (the descriptor then stays as it is, as news gold does)."""
        if head not in ORG_HEADS or not head.isalpha():
            return None
        pattern = _organisation_run(head.capitalize())
        best = None
        for m in pattern.finditer(self.text, max(0, pos - ROLE_LOOKBACK), pos):
            if len(m.group(1).split()) >= 2:
                best = m
        if best is None:
            # A lede's "the police" before the article names them ("the Metropolitan Police"
            # in a later paragraph): the first organisation of that head after it.
            for m in pattern.finditer(self.text, pos, pos + ROLE_LOOKBACK):
                if len(m.group(1).split()) >= 2:
                    best = m
                    break
        if best is None:
            # "The government of Burundi announced ... The government statement": the head
            # written in lower case with the place or body it belongs to.
            of_place = None
            for m in _head_of_place(head).finditer(self.text, max(0, pos - ROLE_LOOKBACK), pos):
                of_place = m
            if of_place is not None:
                return f"{head.capitalize()} of {of_place.group(1)}"
            return None
        name = best.group(1).split()
        while name and name[0].lower() in {"the", "a", "an"}:
            name = name[1:]
        if len(name) < 2:
            return None
        return self._fuller_organisation(" ".join(name), pos)

    def _fuller_organisation(self, name: str, pos: int) -> str:
        """ "United States Supreme Court" ... "the Supreme Court": the one longer form the
        article wrote before `pos` that ends in the short form, else the short form."""
        pattern = re.compile(r"((?:[A-Z][\w’'\-]*[ \t]+){1,3})" + re.escape(name) + r"\b")
        longer = set()
        for m in pattern.finditer(self.text, max(0, pos - 4 * ROLE_LOOKBACK), pos):
            lead = m.group(1).split()
            while lead and lead[0].lower() in {"the", "a", "an"}:
                lead = lead[1:]
            if lead and not any(w.lower() in FUNCTION_WORDS for w in lead):
                longer.add(" ".join([*lead, name]))
        return longer.pop() if len(longer) == 1 else name

    def _names_a_person(self, name: str, pos: int) -> bool:
        """A resolved name that is a person's (given name, title or honorific, or introduced
        with a full name), not a place or organisation read as a name."""
        parts = name.split()
        if len(parts) >= 2 and is_given_name(fold(parts[0])):
            return True
        person = self.names.person(name, pos)
        return person is not None and person.kind == "person" and credible(person)

    def _person_name_at(self, run: str, pos: int) -> str | None:
        """The canonical name for a capitalised run when it names a person: a given name or
        honorific first, or someone the article already knows by that name."""
        parts = run.split()
        first = parts[0].rstrip(".").lower()
        if first in HONORIFICS or (len(parts) >= 2 and is_given_name(fold(parts[0]))):
            return self.names.canonical(run, pos)
        person = self.names.person(run, pos)
        if person is not None and person.kind == "person" and person.full_names:
            return self.names.canonical(run, pos)
        return None

    def _resolve_pronoun(self, pronoun: str, mention: Mention, pi: int) -> _Evidence | None:
        if pronoun in FIRST_PERSON and pi in self._narrators:
            # "I said, "Q"" in an interview answer: the interviewee.
            return _Evidence(self._narrators[pi][0], mention, "narrator", "person", pi)
        if pronoun in UNNAMEABLE_PRONOUNS:
            return None
        recent = [
            ev
            for ev in reversed(self.history[-PRONOUN_HISTORY:])
            if pi - ev.para <= PRONOUN_SPEAKER_WINDOW
        ]
        if pronoun in PERSONAL_PRONOUNS:
            want = "m" if pronoun == "he" else "f"
            # A person introduced in this paragraph as a clause's subject is the most salient
            # antecedent, even before they have spoken; else the latest compatible speaker.
            subject = self._salient_subject(mention.start, want, pi)
            if subject is not None:
                return _Evidence(subject, mention, "pronoun", "person", pi)
            for ev in recent:
                if ev.kind == "person" and self.names.gender(ev.name) in (want, None):
                    return _Evidence(ev.name, mention, "pronoun", "person", pi)
            name = self._nearest_person_name(mention.start, want)
            if name is not None:
                return _Evidence(name, mention, "pronoun", "person", pi)
        elif pronoun in PLURAL_PRONOUNS or pronoun in NEUTER_PRONOUNS:
            author = self._document_it(pronoun, mention)
            if author is not None:
                return _Evidence(author[0], mention, "pronoun", author[1], pi)
            wanted = {"plural", "org"} if pronoun in PLURAL_PRONOUNS else {"org"}
            for ev in recent:
                if ev.kind in wanted:
                    return _Evidence(ev.name, mention, "pronoun", ev.kind, pi)
            # "The Post reported ... It added": the nearest capitalised name before it (an
            # acronym by the long form the article defines: "USCIRF ... They released").
            k = bisect.bisect_left(self._name_positions, mention.start)
            if k > 0:
                name = self.names.organisation_name(self.names.mentions[k - 1][1].canonical())
                return _Evidence(name, mention, "pronoun", "org", pi)
        return None

    def _salient_subject(self, pos: int, gender: str, pi: int) -> str | None:
        """The latest person named as a clause's subject in the pronoun's own paragraph,
        outside quotes, whose gender fits: 'Aparna Garg opened the fair. "Q," she said.',
        '..., while Interior Minister X wrote he had ordered checks. He tweeted, "Q"'."""
        lo = self._para_starts[pi] if pi < len(self._para_starts) else 0
        k = bisect.bisect_left(self._name_positions, pos)
        for i in range(k - 1, max(-1, k - SALIENCE_MENTIONS), -1):
            start, cluster = self.names.mentions[i]
            if start < lo:
                break
            if cluster.kind != "person" or self._inside_quote(start):
                continue
            if not self._subject_at(start):
                continue
            if not (self._person_like(cluster) or self._introduced_as_person(start)):
                continue
            name = cluster.canonical()
            if self.names.gender(name) in (gender, None):
                return name
        return None

    def _introduced_as_person(self, start: int) -> bool:
        """The mention at `start` comes with a person's role: a lower-case role noun before it
        ("sportswriter Dave Meltzer") or an appositive after it ("Baslan Damang, a security
        official")."""
        m = _MENTION.match(self.text, start)
        appositive = _APPOSITIVE_ROLE.match(self.text, m.end()) if m is not None else None
        if appositive is not None and appositive.group(1).split()[-1].lower() in _PERSON_ROLES:
            return True
        before = _WORD_BEFORE.search(self.text, max(0, start - 40), start)
        if before is None:
            # "a department spokesperson, Morgan Ortagus, said": the role in apposition before.
            before = _ROLE_COMMA_BEFORE.search(self.text, max(0, start - 40), start)
            if before is not None and before.group(1) in _PERSON_ROLES - DETERMINERS:
                return True
            before = None
        return before is not None and before.group(1) in _PERSON_ROLES - DETERMINERS

    def _inside_quote(self, pos: int) -> bool:
        k = bisect.bisect_right(self._quote_starts, pos) - 1
        return k >= 0 and pos < self._quote_ends[k]

    def _person_like(self, cluster) -> bool:
        """A name that is a person's: a known given name, a title or honorific before it, or
        someone already quoted (capitalisation alone also fits places and firms)."""
        if cluster.markers:
            return True
        if any(self.names.gender(n) is not None for n in cluster.full_names):
            return True
        return any(ev.kind == "person" and ev.name in cluster.full_names for ev in self.history)

    def _subject_at(self, start: int) -> bool:
        """The mention is a clause's subject or a named source: after the start of its
        sentence, a conjunction or "according to", with at most a few role words, titles or
        possessors before it ("Wrestling sportswriter X tweeted", "while Minister X wrote");
        after a comma only when a verb follows ("In a livestream, Sanders shared")."""
        text = self.text
        cursor, skipped = start, 0
        while True:
            gap = _GAP_BEFORE.search(text, max(0, cursor - 6), cursor)
            lead = text[gap.start() : cursor] if gap is not None else ""
            mark = gap.group(1) if gap is not None else ""
            if cursor == 0 or "\n" in lead or (mark and mark in '.!?:;\u201d"'):
                return True
            if mark == ",":
                # "In a livestream, Sanders shared"; "Following the vote, a department
                # spokesperson, Morgan Ortagus, indicated": a name in apposition to the subject.
                return self._verb_follows(start) or self._appositive_subject(start)
            word = _WORD_BEFORE.search(text, max(0, cursor - 40), cursor)
            if word is None:
                return False
            w = word.group(1)
            low = w.lower()
            if low in _CLAUSE_OPENERS:
                return True
            if low in _COORDINATORS:
                # "..., and X said" opens a clause; "Miller and Smith" is one phrase.
                return text[max(0, word.start() - 3) : word.start()].rstrip().endswith(",")
            if low == "to" and text[
                max(0, word.start() - 10) : word.start()
            ].rstrip().lower().endswith("according"):
                return True
            skipped += 1
            if low in _ORG_GLUE and self._inside_capitalised_name(word.start(1), word.end(1)):
                # "Florida Department of Transportation official Troy Roberts said": the "of"
                # of an organisation's name before the role.
                cursor = word.start(1)
                continue
            if skipped > 7 or low in FUNCTION_WORDS or low in CUE_VERBS:
                return False
            if not (w[:1].isupper() or low in DETERMINERS or _is_role_noun(low)):
                return False
            if low.endswith(("ing", "ed")) and not w[:1].isupper():
                return False
            cursor = word.start(1)

    def _inside_capitalised_name(self, lo: int, hi: int) -> bool:
        """The small word at lo..hi stands between two capitalised words ("Department of
        Transportation")."""
        before = _WORD_BEFORE.search(self.text, max(0, lo - 40), lo)
        after = _NEXT_CAPITAL.match(self.text, hi)
        return before is not None and before.group(1)[:1].isupper() and after is not None

    def _appositive_subject(self, start: int) -> bool:
        """The name at `start` is set off by commas and a verb follows its closing comma
        ("..., Morgan Ortagus, indicated", "Another voice actor, Lauren Landa, would list")."""
        m = _MENTION.match(self.text, start)
        if m is None:
            return False
        nxt = _COMMA_THEN_WORD.match(self.text, m.end())
        if nxt is None:
            return False
        w = nxt.group(1)
        return w in CUE_VERBS or w in _VERB_WORDS or (w.endswith("ed") and len(w) > 4)

    def _verb_follows(self, start: int) -> bool:
        """A verb comes right after the name at `start` ("Sanders shared", "X has said"),
        past an "of ..." place or organisation."""
        m = _MENTION.match(self.text, start)
        if m is None:
            return False
        after = _OF_PLACE.match(self.text, m.end())
        end = after.end() if after is not None else m.end()
        nxt = _NEXT_WORD.match(self.text, end)
        if nxt is None:
            return False
        w = nxt.group(1)
        return w in CUE_VERBS or w in _VERB_WORDS or (w.endswith("ed") and len(w) > 4)

    def _nearest_person_name(self, pos: int, gender: str) -> str | None:
        k = bisect.bisect_left(self._name_positions, pos)
        surname_subject = None
        for i in range(k - 1, max(-1, k - 40), -1):
            start, cluster = self.names.mentions[i]
            if cluster.kind != "person" or self._inside_quote(start):
                continue
            if cluster.full_names and not self._person_like(cluster):
                continue  # "the Eastern Mediterranean", "Maidan Wardak": no given name
            if not cluster.full_names:
                # Places and organisations rarely come with a first name; a bare surname is a
                # person when it is the subject of a verb ("Fiorina opened by ...").
                if surname_subject is None and _SURNAME_SUBJECT.match(self.text, start):
                    surname_subject = cluster.canonical()
                continue
            name = cluster.canonical()
            if self.names.gender(name) in (gender, None):
                return name
        return surname_subject
