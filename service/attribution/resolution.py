"""Stage 5, resolution: a speaker phrase (name, pronoun, descriptor) to a canonical person or
organisation. Reads `names` (the article's NameIndex), `history` (speakers so far) and
`_name_positions`; writes nothing.
"""

from __future__ import annotations

import bisect

from service.attribution.common import (
    _NAME_PARTICLES,
    _SURNAME_SUBJECT,
    PRONOUN_HISTORY,
    PRONOUN_SPEAKER_WINDOW,
    SALIENCE_MENTIONS,
    _Evidence,
)
from service.attribution.cues import (
    DETERMINERS,
    NEUTER_PRONOUNS,
    PERSONAL_PRONOUNS,
    PLURAL_PRONOUNS,
    TITLE_WORDS,
    UNNAMEABLE_PRONOUNS,
)
from service.attribution.speaker_phrases import (
    QUANTIFIER_SUBJECTS,
    Phrase,
)
from service.attribution.speech_frame import Token
from service.models import Mention


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
        if ph.kind == "name":
            name_words = [w for w in words if w.lower() not in {"the", "a", "an", "who", "which"}]
            # "moderator Tom Reyes", "Ohio State professor Paul Beck": the name is what follows
            # the last lower-case role word or possessor ("Marco Rubio of Florida" keeps "of").
            roles = [
                k
                for k, w in enumerate(name_words[:-1])
                if (not w[:1].isupper() and w.lower() not in _NAME_PARTICLES)
                or w.endswith(("’s", "'s"))  # "the Post’s Ann Lee"
            ]
            if roles:
                name_words = name_words[roles[-1] + 1 :]
            name = self.names.canonical(" ".join(name_words), start)
            return _Evidence(name, mention, "explicit", "person", pi)
        # Descriptor: a title met earlier with a name, else an organisation or a role.
        resolved = self.names.resolve_descriptor(words, start)
        if resolved is not None:
            return _Evidence(resolved, mention, "descriptor", "person", pi)
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
            return _Evidence(" ".join(content), mention, "organisation", "org", pi)
        kind = "plural" if content[-1].lower().endswith("s") else "org"
        return _Evidence(" ".join(content), mention, "unresolved", kind, pi)

    def _resolve_pronoun(self, pronoun: str, mention: Mention, pi: int) -> _Evidence | None:
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
            wanted = {"plural", "org"} if pronoun in PLURAL_PRONOUNS else {"org"}
            for ev in recent:
                if ev.kind in wanted:
                    return _Evidence(ev.name, mention, "pronoun", ev.kind, pi)
            # "The Post reported ... It added": the nearest capitalised name before it.
            k = bisect.bisect_left(self._name_positions, mention.start)
            if k > 0:
                name = self.names.mentions[k - 1][1].canonical()
                return _Evidence(name, mention, "pronoun", "org", pi)
        return None

    def _salient_subject(self, pos: int, gender: str, pi: int) -> str | None:
        """The latest person named as a sentence's subject in the pronoun's own paragraph,
        outside quotes, whose gender fits: 'Aparna Garg opened the fair. "Q," she said.'"""
        lo = self._para_starts[pi] if pi < len(self._para_starts) else 0
        k = bisect.bisect_left(self._name_positions, pos)
        for i in range(k - 1, max(-1, k - SALIENCE_MENTIONS), -1):
            start, cluster = self.names.mentions[i]
            if start < lo:
                break
            if cluster.kind != "person" or self._inside_quote(start):
                continue
            if not self._person_like(cluster) or not self._subject_at(start):
                continue
            name = cluster.canonical()
            if self.names.gender(name) in (gender, None):
                return name
        return None

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
        """The mention opens a sentence or clause: nothing but a title, punctuation or a
        paragraph break before it in its sentence."""
        before = self.text[max(0, start - 3) : start].rstrip(" \u00a0")
        return not before or before[-1] in ".!?\n:;" or before.endswith(("\u201d", '"'))

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
