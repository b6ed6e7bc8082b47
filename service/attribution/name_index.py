"""The people and organisations of one article: name mentions clustered by surname and
compatible first name, surname-only mentions linked to the latest person of that surname, and
the titles each person was introduced with (for a later "the Ukrainian president").

Built in one pass over the words, with bounded fuzzy comparisons per mention, so a text of
thousands of names stays linear.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field

from service.attribution.cues import (
    FEMALE_FIRST_NAMES,
    FEMALE_MARKERS,
    HONORIFICS,
    MALE_FIRST_NAMES,
    MALE_MARKERS,
    NON_NAME_WORDS,
    ORG_HEADS,
    TITLE_WORDS,
    words_of,
)
from service.attribution.given_names import given_name_gender, is_given_name
from service.attribution.name_parsing import (
    PARTICLE_SURNAME,
    POSSESSIVE,
    WORD,
    before_of,
    ends_sentence,
    first_match,
    fold,
    is_initial,
    normalise_title_words,
    split_person_name,
    surname_match,
    tidy_descriptor,
)
from service.deadline import check as check_deadline

# Lower-case particles inside a person's name ("Mohammad bin Salman", "Bill de Blasio",
# "Ursula von der Leyen"); capitalised at a name's start ("De Blasio") they open a surname.
RUN_PARTICLES = words_of("bin bint ibn al el van von der den de da del della dos du la le ter")

# Titles written "TITLE of PLACE NAME" ("President of Argentina Alberto Fernández").
_TITLE_HEADS = words_of(
    "president minister secretary governor mayor premier chancellor king queen prince princess "
    "sultan emir chairman chairwoman director ambassador archbishop bishop"
)

# Per-initial cap on fuzzy surname comparisons (a news article has a few dozen people).
MAX_FUZZY_CANDIDATES = 200


@dataclass(eq=False)
class PersonCluster:
    """One person (or organisation) of an article: every spelling it is written with."""

    key: str
    surnames: Counter = field(default_factory=Counter)
    full_names: Counter = field(default_factory=Counter)
    first_seen: dict = field(default_factory=dict)
    markers: set = field(default_factory=set)
    # "org" for a run ending in an organisation's head word ("Leeds City Council"): a
    # candidate for "it" and "the council", never for "he" or "she".
    kind: str = "person"
    # Mentions so far (a full name counts twice): who a bare surname most likely names.
    weight: int = 0

    def canonical(self, first: str | None = None) -> str:
        """The person's full name as the article introduces it: the most frequent full-name
        spelling, ties to the spelling of the surname the article uses most (Zelenskyy x10
        beats Zelensky x1 even if "Volodymyr Zelensky" came first), then the longest."""
        if self.full_names:
            return max(
                self.full_names,
                key=lambda n: (
                    self.full_names[n],
                    self.surnames[n.split()[-1]],
                    len(n.split()),
                    -self.first_seen[n],
                ),
            )
        return max(self.surnames, key=lambda s: (self.surnames[s], -self.first_seen.get(s, 0)))

    @property
    def gender(self) -> str | None:
        if self.markers & FEMALE_MARKERS:
            return "f"
        if self.markers & MALE_MARKERS:
            return "m"
        firsts = Counter(fold(n.split()[0]) for n in self.full_names.elements())
        for first, _ in firsts.most_common():
            if first in FEMALE_FIRST_NAMES:
                return "f"
            if first in MALE_FIRST_NAMES:
                return "m"
            gender = given_name_gender(first)
            if gender is not None:
                return gender
        return None


@dataclass(eq=False)
class _Family:
    """Everyone of one surname (spelling variants included): relatives, namesakes."""

    key: str
    # First-letter bucket -> people with a first name; a first name is compared with a few of
    # its own bucket only, so thousands of first names on one surname stay linear.
    by_initial: dict = field(default_factory=dict)
    by_first: dict = field(default_factory=dict)
    persons: list = field(default_factory=list)
    # Surname-only mentions before any full name ("Trump" in a headline): adopted by the first
    # person introduced with a full name.
    bare: PersonCluster | None = None
    last: PersonCluster | None = None
    # The credible person named most so far, ties to the first introduced (an article's
    # subject comes first; a relative is a passing mention).
    leader: PersonCluster | None = None
    # (offset, person) of every mention, in text order: a surname names the latest of them.
    timeline: list = field(default_factory=list)

    def person_for_first(self, first: str) -> PersonCluster | None:
        if first in self.by_first:
            return self.by_first[first]
        for person, their_first in self.by_initial.get(first[:1], [])[:MAX_FIRST_CANDIDATES]:
            if first_match(first, their_first):
                return person
        return None


# First names of one surname and initial compared fuzzily at most (a family has a few people).
MAX_FIRST_CANDIDATES = 20
# Mentions of a surname looked back over for the person a bare surname names.
SURNAME_LOOKBACK = 20


@dataclass(frozen=True, slots=True)
class TitledMention:
    """A name written after a title ("Ukrainian President Volodymyr Zelensky") at `pos`."""

    pos: int
    titles: frozenset[str]
    person: PersonCluster


class NameIndex:
    """The people and organisations of one article, built in one pass over its words: names
    clustered by surname *and* compatible first name (relatives stay apart), surname-only
    mentions linked to the latest person of that surname, titles remembered per person."""

    def __init__(self, text: str, title: str | None = None) -> None:
        self.families: dict[str, _Family] = {}
        self.orgs: dict[str, PersonCluster] = {}
        self.titled: list[TitledMention] = []
        self._buckets: dict[str, list[_Family]] = {}
        self._aliases: dict[str, _Family] = {}
        # (offset, cluster) of every name in the text, in order: pronoun antecedents.
        self.mentions: list[tuple[int, PersonCluster]] = []
        # Words the article writes in lower case: a capitalised "Even" is not a name.
        self.lower_words: set[str] = set()
        # Acronym -> the long form the article defines ("Iranian Revolutionary Guard Corps
        # (IRGC)"), and initials -> capitalised runs that spell them ("All Elite Wrestling").
        self.acronyms: dict[str, str] = _acronym_definitions(text)
        self._run_initials: dict[str, set[str]] = {}
        # Organisations written at least once as a whole name (not cut at an "and").
        self._whole_orgs: set[str] = set()
        self._order = 0
        # Folded first name -> the people introduced with it in full: a later "Maria said" is
        # the one Maria the article names in full, if there is only one.
        self._by_given: dict[str, set[PersonCluster]] = {}
        if title:
            self._scan(title, offset=-1)
        self._scan(text, offset=0)
        self._by_name: dict[str, PersonCluster] = {}
        for family in self.families.values():
            for person in family.persons:
                self._by_name.setdefault(person.canonical(), person)

    # -- building -------------------------------------------------------------------------
    def _scan(self, text: str, offset: int) -> None:
        run: list[re.Match] = []
        # Lower-case particles read after a capitalised word ("Mohammad bin", "Bill de"): part
        # of the run if another capitalised word follows ("Mohammad bin Salman").
        held: list[re.Match] = []
        for m in WORD.finditer(text):
            w = m.group()
            last = held[-1] if held else run[-1] if run else None
            gap = text[last.end() : m.start()] if last is not None else ""
            contiguous = run and gap.strip() == "" and "\n" not in gap
            if contiguous and ends_sentence(last.group()):
                contiguous = False  # "said Karen Alley. Suman Haripriya ...": two runs
            title_of = (
                w == "of"
                and run
                and not held
                and fold(run[-1].group()) in _TITLE_HEADS
                and all(fold(r.group()) in TITLE_WORDS for r in run)
            )
            if contiguous and (w in RUN_PARTICLES or title_of) and len(held) < 2:
                held.append(m)
                continue
            capital = w[:1].isupper() or PARTICLE_SURNAME.match(w) is not None
            if capital and (not run or contiguous) and len(run) + len(held) < 8:
                run.extend(held)
                held = []
                run.append(m)
                continue
            if run:
                self._add_run(run, offset)
            for p in held:
                self.lower_words.add(p.group())
            held = []
            run = [m] if capital else []
            if w[:1].islower() and not capital:
                self.lower_words.add(w.rstrip("."))
        if run:
            self._add_run(run, offset)
        for p in held:
            self.lower_words.add(p.group())

    def _add_run(self, run: list[re.Match], offset: int) -> None:
        check_deadline("extraction")
        if len(run) >= MIN_ACRONYM:
            words = [m.group().rstrip(".") for m in run]
            initials = "".join(w[0] for w in words)
            self._run_initials.setdefault(initials.upper(), set()).add(" ".join(words))
        # "Meeting With President Volodymyr Zelenskyy": function words split a capitalised run.
        piece: list[re.Match] = []
        for m in run:
            if (
                fold(m.group()) == "of"
                and piece
                and all(fold(p.group()) in TITLE_WORDS for p in piece)
            ):
                # "President of Argentina Alberto Fernández": the title's "of" stays in the
                # run, and the name is read past the place (split_person_name).
                piece.append(m)
                continue
            dotted = m.group().endswith(".") and is_initial(m.group())  # "Wayne A. I. Frederick"
            if fold(m.group()) in NON_NAME_WORDS - HONORIFICS and piece and not dotted:
                self._add_name(piece, offset)
                piece = []
            piece.append(m)
        if piece:
            self._add_name(piece, offset)

    def _add_name(self, run: list[re.Match], offset: int) -> None:
        tokens = [m.group().rstrip(".") if not is_initial(m.group()) else m.group() for m in run]
        # "Ms. April Kowalczyk": after an honorific a month or common word is a first name.
        honorific = _honorific_before(run[0])
        while tokens and fold(tokens[0]) in NON_NAME_WORDS - HONORIFICS and honorific is None:
            tokens, run = tokens[1:], run[1:]
        if not tokens:
            return
        titles, name = split_person_name(tokens)
        titles = [honorific, *titles] if honorific is not None else titles
        name = [POSSESSIVE.sub("", t) for t in name]
        if not name and titles and fold(titles[-1]) in ORG_HEADS:
            self._add_org([POSSESSIVE.sub("", t) for t in tokens], run, offset)
            return
        if not name or len(name) > 4:
            return
        if any(fold(t) in NON_NAME_WORDS and not t.endswith(".") for t in name[1:]):
            return
        self._order += 1
        surname = name[-1]
        family = self._family_for(fold(surname), create=True)
        full = len(name) >= 2 and not is_initial(name[0]) and fold(name[0]) not in RUN_PARTICLES
        pos = run[0].start() if offset == 0 else -1
        first = fold(name[0]) if full else ""
        if full and family.persons and not titles and not is_given_name(first):
            # "in Dover Zapata", "Namse Bangdzod Smith": a word no gazetteer knows as a first
            # name, before a surname the article already has, is not a new relative.
            full = family.person_for_first(first) is not None
        if full:
            person = family.person_for_first(first)
            if person is None:
                if family.bare is not None and not family.bare.full_names:
                    person = family.bare  # the headline's "Trump" was this Donald Trump
                else:
                    person = PersonCluster(family.key)
                    family.persons.append(person)
                family.by_first[first] = person
                family.by_initial.setdefault(first[:1], []).append((person, first))
            person.full_names[" ".join(name)] += 1
            self._by_given.setdefault(first, set()).add(person)
            person.first_seen.setdefault(" ".join(name), self._order)
        else:
            person = family.leader or family.last
            if person is None or (is_initial(name[0]) and not _initial_fits(name[0], person)):
                person = family.bare
                if person is None:
                    person = family.bare = PersonCluster(family.key)
                    family.persons.append(person)
        family.last = person
        person.weight += 2 if full else 1
        if credible(person) and (family.leader is None or person.weight > family.leader.weight):
            family.leader = person
        person.surnames[surname] += 1
        person.first_seen.setdefault(surname, self._order)
        person.markers.update(fold(t) for t in titles)
        family.timeline.append((pos, person))
        if offset == 0:
            self.mentions.append((pos, person))
        if titles:
            self.titled.append(TitledMention(pos, normalise_title_words(titles), person))

    def _add_org(self, words: list[str], run: list[re.Match], offset: int) -> None:
        """An organisation's whole name is its key: "Leeds City Council" is not a "Council"
        family to cluster with other councils."""
        name = " ".join(words)
        key = fold(name)
        self._order += 1
        cluster = self.orgs.get(key)
        if cluster is None:
            cluster = self.orgs[key] = PersonCluster(key, kind="org")
        cluster.surnames[name] += 1
        cluster.first_seen.setdefault(name, self._order)
        last = run[-1]
        if not _JOINED_NAME.match(last.string, last.end()):
            # "GitHub Trust and Safety team": a run that goes on past "and" is part of a
            # longer name, no organisation a short form ("GitHub") may stand for.
            self._whole_orgs.add(key)
        if offset == 0:
            self.mentions.append((run[0].start(), cluster))

    def _family_for(self, key: str, create: bool = False) -> _Family | None:
        if key in self.families:
            return self.families[key]
        if key in self._aliases:
            return self._aliases[key]
        # Spelling variants share their first letter (see surname_match); only the first
        # MAX_FUZZY_CANDIDATES families of a bucket are compared, which keeps a text of
        # thousands of distinct capitalised words linear.
        bucket = self._buckets.setdefault(key[:1], [])
        for other in bucket[:MAX_FUZZY_CANDIDATES]:
            if surname_match(key, other.key):
                self._aliases[key] = other
                return other
        if not create:
            return None
        family = _Family(key)
        self.families[key] = family
        bucket.append(family)
        return family

    # -- queries --------------------------------------------------------------------------
    def person(self, mention: str, pos: int | None = None) -> PersonCluster | None:
        """The person a name mention refers to: by surname and first name, or for a surname
        alone the latest person of that surname named before `pos` (else the one the
        article names most)."""
        _, name = split_person_name(before_of(WORD.findall(mention)))
        name = [POSSESSIVE.sub("", t.rstrip(".") if not is_initial(t) else t) for t in name]
        if not name:
            return None
        family = self._family_for(fold(name[-1]))
        if family is None:
            return None
        if len(name) >= 2 and not is_initial(name[0]) and fold(name[0]) not in RUN_PARTICLES:
            return family.person_for_first(fold(name[0]))
        if pos is not None and family.timeline:
            # The mention itself was read when the index was built: the person it was linked
            # to then, with what the article had said up to there.
            k = bisect.bisect_right(family.timeline, pos + len(mention), key=lambda e: e[0])
            if k > 0 and family.timeline[k - 1][0] >= pos:
                return family.timeline[k - 1][1]
            k = bisect.bisect_right(family.timeline, pos, key=lambda e: e[0])
            # The credible people named before it; the one the article names most (a passing
            # mention of a relative does not take over the surname), ties to the first.
            seen: dict[int, tuple[int, PersonCluster]] = {}
            for i in range(k - 1, max(-1, k - 1 - SURNAME_LOOKBACK), -1):
                person = family.timeline[i][1]
                if credible(person):
                    seen[id(person)] = (i, person)  # ends on the earliest mention
            if seen:
                return max(seen.values(), key=lambda e: (e[1].weight, -e[0]))[1]
            if k > 0:
                return family.timeline[k - 1][1]
        return max(family.persons, key=lambda p: sum(p.surnames.values()), default=None)

    def canonical(self, mention: str, pos: int | None = None) -> str:
        """Canonical full name for a name mention ("Trump" -> "Donald Trump")."""
        _, name = split_person_name(before_of(WORD.findall(mention)))
        name = [POSSESSIVE.sub("", t.rstrip(".") if not is_initial(t) else t) for t in name]
        if not name:
            return tidy_descriptor(mention)
        person = self.person(mention, pos)
        if len(name) == 1 and (person is None or not person.full_names):
            person = self._only_person_named(name[0]) or person
        if person is None:
            return " ".join(name)
        best = person.canonical()
        if len(name) > len(best.split()):
            return " ".join(name)
        return best

    def _only_person_named(self, word: str) -> PersonCluster | None:
        """The one person whose full name starts with `word` ("Maria" -> Maria Lopez), if the
        article introduces exactly one, and as a person (a title or a given name): "Paris" is
        not "Paris Métro", nor "Facebook" "Facebook Ireland Limited". With two (Maria Lopez,
        Maria Sousa) it names neither."""
        people = self._by_given.get(fold(word), set())
        if len(people) != 1:
            return None
        person = next(iter(people))
        return person if credible(person) else None

    def gender(self, canonical: str) -> str | None:
        toks = canonical.split()
        person = self._by_name.get(canonical) or (self.person(canonical) if toks else None)
        gender = person.gender if person else None
        if gender is None and len(toks) >= 2:
            first = fold(toks[0])
            gender = (
                "f"
                if first in FEMALE_FIRST_NAMES
                else "m"
                if first in MALE_FIRST_NAMES
                else given_name_gender(first)
            )
        return gender

    def organisation_name(self, name: str) -> str:
        """An organisation's full name for a short form the article also writes out: "IRGC"
        after "Iranian Revolutionary Guard Corps (IRGC)", "AEW" beside "All Elite
        Wrestling", "Ford" beside "Ford Motor Company" (the only organisation it begins).
        Anything else is returned as it is."""
        word = name.strip()
        if word in self.acronyms:
            return self.acronyms[word]
        if _ACRONYM.fullmatch(word):
            if word in self.acronyms:
                return self.acronyms[word]
            spelt = self._run_initials.get(word.replace("&", ""), set())
            if len(word) >= MIN_ACRONYM and len(spelt) == 1:
                return next(iter(spelt))
            return name
        if " " in word or not word[:1].isupper():
            return name
        longer = {
            org.canonical()
            for key, org in self.orgs.items()
            if org.canonical().split()[0] == word
            and " " in org.canonical()
            and key in self._whole_orgs
        }
        return longer.pop() if len(longer) == 1 else name

    def resolve_descriptor(self, words: list[str], pos: int) -> str | None:
        """Person introduced earlier with the descriptor's title words ("the US President")."""
        wanted = normalise_title_words(words)
        if not wanted:
            return None
        best = None
        for t in self.titled:
            if t.pos > pos:
                break
            if wanted <= t.titles:
                best = t
        return best.person.canonical() if best is not None else None


# Acronyms read as short forms: two to eight capitals ("WHO", "AT&T"); a run of fewer words than
# this is not taken as an undefined acronym's long form (initials of two words are too common).
_ACRONYM = re.compile(r"[A-Z][A-Z&]{1,7}")
MIN_ACRONYM = 3
_DEFINED_ACRONYM = re.compile(
    r"((?:[A-Z][\w’'&.\-]*|of|for|and|on|the|de|du|des)"
    r"(?:\s+(?:[A-Z][\w’'&.\-]*|of|for|and|on|the|de|du|des)){1,9})\s*"
    r"\(([A-Z][A-Z&]{1,7}|[A-Z][a-z]?[A-Z][A-Za-z]?)\)"
)
_ACRONYM_GLUE = frozenset({"of", "for", "and", "on", "the", "de", "du", "des", "&"})


def _acronym_definitions(text: str) -> dict[str, str]:
    """Acronyms the text defines in brackets after their long form, each with the shortest
    tail of the words before it whose initials spell it: "the Department for Work and Pensions
    (DWP)" -> {"DWP": "Department for Work and Pensions"}."""
    out: dict[str, str] = {}
    for m in _DEFINED_ACRONYM.finditer(text):
        acronym, words = m.group(2), m.group(1).split()
        letters = acronym.replace("&", "")
        for k in range(len(words) - 1, -1, -1):
            tail = words[k:]
            if tail[0].lower() in _ACRONYM_GLUE:
                continue
            initials = "".join(w[0] for w in tail if w.lower() not in _ACRONYM_GLUE)
            # "Transport for London (TfL)": a mixed-case acronym spells its small words too.
            spelt = "".join(w[0] for w in tail) if not acronym.isupper() else initials
            if spelt.upper() == letters.upper():
                out.setdefault(acronym, " ".join(tail))
                break
    return out


_WORD_BEFORE = re.compile(r"(\w+)\.?[ \t]+$")
_JOINED_NAME = re.compile(r"[ \t]+(?:and|&)[ \t]+[A-Z][\w’'\-]*[ \t]+[a-z]")


def _honorific_before(m: re.Match) -> str | None:
    """The honorific written right before a word ("Ms." before "April"), if any."""
    before = _WORD_BEFORE.search(m.string, max(0, m.start() - 8), m.start())
    if before is None or fold(before.group(1)) not in HONORIFICS:
        return None
    return before.group(1)


def credible(person: PersonCluster) -> bool:
    """Introduced like a person: a title, or a full name whose first word is a given name."""
    return bool(person.markers) or any(is_given_name(fold(n.split()[0])) for n in person.full_names)


def _initial_fits(initial: str, person: PersonCluster) -> bool:
    """ "D. Trump" is Donald Trump's mention, not Melania's."""
    letter = fold(initial)[:1]
    return not person.full_names or any(fold(n)[:1] == letter for n in person.full_names)
