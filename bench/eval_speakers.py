"""Who said it, by name: speaker attribution scored on the canonical person, not the mention.

    .venv/bin/python bench/eval_speakers.py [--gold bench/gold] [--split dev|dev2|heldout|all]
                                            [--errors N]

The Wikinews gold has three parts, each from a different annotator, listed by the commit that
added them in `bench/gold/splits.json`: *dev* (dae609d) and *dev2* (d05228d, the held-out half
until its errors were first read on 2026-12-08), whose errors may be looked at while improving
the engine, and *heldout* (articles no other part covers, annotated without reading the engine),
whose numbers are reported but whose errors are never printed (`--errors` skips it).
`--split all` (the default) reports each part apart.

The gold (`bench/gold/wikinews/*.json`, `bench/gold/seed/*.json`) was annotated by reading the
bundled articles, before looking at what the engine answers: every quoted span with its kind
(direct, partial, scare, title) and the canonical full name of who said it (null for scare quotes
and titles). Scoring, written here without the engine's own name helpers:

- a gold direct/partial quote is *found* when a predicted direct/partial quote overlaps it;
- its speaker is *right* when the predicted speaker's name equals the gold name after
  normalisation (accents, case, punctuation, leading titles and honorifics dropped), or when
  the gold is a full name (two words or more) and the prediction is that full name after
  capitalised words ("Emergencies Minister Yevgeny Zinichev", "Hong Kong Carrie Lam"): the
  person is named unambiguously, only badly trimmed. How many of the right names were exact
  is reported too, so trimming errors stay visible;
- a predicted quote with a speaker over a gold scare quote or title, or over no gold quote at
  all, is a *spurious attribution*;
- per resolution method: how often it is right against the confidence it states.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus_source import load_real_articles  # noqa: E402
from service.attribution import extract_quotes  # noqa: E402
from service.models import QuoteSpan  # noqa: E402

DEFAULT_GOLD = ROOT / "bench" / "gold"
# Words a name may carry before it without naming someone else ("President Vladimir Putin" is
# Vladimir Putin). Written for this scorer, independently of the engine's lexicons.
TITLE_WORDS = frozenset(
    """mr mrs ms miss mx dr sir dame lord lady prof professor president vice prime minister deputy
    secretary senator sen rep representative governor gov mayor chancellor king queen prince
    princess pope judge justice general gen colonel col captain capt sheriff chief inspector
    detective officer commissioner ambassador premier foreign interior defence defense health
    finance state former acting us u.s. uk""".split()  # noqa: SIM905
)


def normalise_name(name: str) -> str:
    """'President Vladimir Putin' and 'vladimir putin' -> 'vladimir putin'."""
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()
    words = re.findall(r"[a-z0-9]+(?:['’.-][a-z0-9]+)*", plain)
    while len(words) > 1 and words[0].strip(".") in TITLE_WORDS:
        words.pop(0)
    return " ".join(w.replace("’", "'") for w in words)


def same_name(predicted: str | None, gold: str | None) -> bool:
    """Exactly the gold name, up to accents, case, punctuation and leading titles."""
    if predicted is None or gold is None:
        return predicted is gold
    return normalise_name(predicted) == normalise_name(gold)


def names_person(predicted: str | None, gold: str | None) -> bool:
    """The gold name, or the gold *full* name after leading capitalised words of a role or
    place ("Emergencies Minister Yevgeny Zinichev" names Yevgeny Zinichev). A surname alone
    ("Trump") is not enough: relatives share surnames, so it does not say which person."""
    if same_name(predicted, gold):
        return True
    if predicted is None or gold is None:
        return False
    want = normalise_name(gold).split()
    words = re.findall(r"[^\W\d_][\w'’.-]*", predicted)
    if len(want) < 2 or len(words) <= len(want):
        return False
    lead, rest = words[: -len(want)], " ".join(words[-len(want) :])
    return normalise_name(rest) == " ".join(want) and all(w[:1].isupper() for w in lead)


@dataclass
class Score:
    articles: int = 0
    gold_quotes: int = 0  # direct and partial, with or without a known speaker
    found: int = 0
    with_speaker: int = 0  # found, and the gold names who said it
    right: int = 0
    right_exact: int = 0  # right, and the name exactly the gold's (no glued words)
    no_speaker_given: int = 0  # found, gold speaker known, we answered null
    gold_unattributable: int = 0  # scare quotes and titles
    spurious: int = 0  # attributions over scare quotes, titles or no gold quote
    predicted: int = 0
    seconds: float = 0.0
    by_method: Counter = field(default_factory=Counter)
    right_by_method: Counter = field(default_factory=Counter)
    confidence_by_method: defaultdict = field(default_factory=lambda: defaultdict(float))
    errors: list = field(default_factory=list)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return min(a[1], b[1]) - max(a[0], b[0])


SPLITS = ("dev", "dev2", "heldout")


def load_splits(root: Path) -> dict[str, str]:
    """Gold file stem -> its part ("dev", "dev2", "heldout"), from `splits.json` beside the gold
    folders."""
    manifest = json.loads((root / "splits.json").read_text(encoding="utf-8"))
    return {stem: split for split in SPLITS for stem in manifest[split]["files"]}


def load_gold(root: Path) -> dict[str, dict]:
    gold = {}
    for path in sorted(root.glob("*/*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        gold[data["article"]] = data
    return gold


def score_article(text: str, title: str | None, gold: dict, score: Score) -> None:
    t0 = time.perf_counter()
    quotes = extract_quotes(text, title)
    score.seconds += time.perf_counter() - t0
    score_quotes(text, quotes, gold, score)


def score_quotes(text: str, predicted: list[QuoteSpan], gold: dict, score: Score) -> None:
    """Add one article's predicted quotes, scored against its gold, to `score`."""
    quotes = [q for q in predicted if q.kind in ("direct", "partial")]
    score.articles += 1
    score.predicted += len(quotes)
    golds = gold["quotes"]
    for g in golds:
        assert text[g["start"] : g["end"]] == g["quote"], (gold["article"], g["quote"])
    for q in quotes:
        if q.speaker is None:
            continue
        over = [g for g in golds if _overlap((q.start, q.end), (g["start"], g["end"])) > 0]
        if not over or all(g["kind"] in ("scare", "title") for g in over):
            score.spurious += 1
            score.errors.append(("spurious", gold["article"], q.text, q.speaker.name, None))
    for g in golds:
        if g["kind"] in ("scare", "title"):
            score.gold_unattributable += 1
            continue
        score.gold_quotes += 1
        span = (g["start"], g["end"])
        hits = [q for q in quotes if _overlap((q.start, q.end), span) > 0]
        if not hits:
            score.errors.append(("missed", gold["article"], g["quote"], None, g["speaker"]))
            continue
        score.found += 1
        if g["speaker"] is None:
            continue
        score.with_speaker += 1
        best = max(hits, key=lambda q: _overlap((q.start, q.end), span))
        method = best.speaker.method if best.speaker else "none"
        score.by_method[method] += 1
        if best.speaker is not None:
            score.confidence_by_method[method] += best.speaker.confidence
        else:
            score.no_speaker_given += 1
        if best.speaker is not None and names_person(best.speaker.name, g["speaker"]):
            score.right += 1
            score.right_exact += same_name(best.speaker.name, g["speaker"])
            score.right_by_method[method] += 1
        else:
            predicted = best.speaker.name if best.speaker else None
            score.errors.append((method, gold["article"], g["quote"], predicted, g["speaker"]))


def evaluate(gold_root: Path, split: str = "all") -> dict[str, Score]:
    """Scores per gold set: the folder under `gold_root` (wikinews, seed) and, for Wikinews,
    its part ("wikinews dev", "wikinews dev2", "wikinews heldout"); `split` keeps one part only."""
    gold = load_gold(gold_root)
    halves = load_splits(gold_root)
    articles = {a.id: a for a in load_real_articles()}
    scores: dict[str, Score] = defaultdict(Score)
    for path in sorted(gold_root.glob("*/*.json")):
        part = halves[path.stem]
        if split != "all" and part != split:
            continue
        data = gold[json.loads(path.read_text(encoding="utf-8"))["article"]]
        article = articles[data["article"]]
        name = path.parent.name if path.parent.name == "seed" else f"{path.parent.name} {part}"
        score_article(article.text, article.title, data, scores[name])
    return dict(scores)


def _pct(a: float, b: float) -> str:
    return f"{100 * a / b:.1f}%" if b else "n/a"


def report(name: str, s: Score) -> str:
    methods = ", ".join(
        f"{m} {_pct(s.right_by_method[m], n)} right of {n}"
        + (f" (states {s.confidence_by_method[m] / n:.2f})" if m != "none" else "")
        for m, n in s.by_method.most_common()
    )
    return "\n".join(
        [
            f"== {name}: {s.articles} articles, {s.gold_quotes} gold direct/partial quotes, "
            f"{s.gold_unattributable} scare quotes and titles",
            f"quotes found:             {_pct(s.found, s.gold_quotes)} ({s.found}/{s.gold_quotes})",
            f"speaker right by name:    {_pct(s.right, s.with_speaker)} "
            f"({s.right}/{s.with_speaker} found quotes whose speaker the gold names; "
            f"{s.no_speaker_given} answered with no speaker; exact name {s.right_exact})",
            f"spurious attributions:    {s.spurious / max(1, s.articles):.2f} per article "
            f"({s.spurious} of {s.predicted} predicted quotes)",
            f"time per article:         {1000 * s.seconds / max(1, s.articles):.2f} ms",
            f"by method:                {methods}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    parser.add_argument(
        "--errors", type=int, default=0, help="print the first N errors per set (never for heldout)"
    )
    args = parser.parse_args(argv)
    for name, score in sorted(evaluate(args.gold, args.split).items()):
        print(report(name, score))
        if "heldout" in name:
            continue  # held-out errors are never looked at
        for kind, article, quote, predicted, gold in score.errors[: args.errors]:
            print(
                f"  {kind:10} {article[:40]:40} {quote[:50]!r:54} ours={predicted!r} gold={gold!r}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
