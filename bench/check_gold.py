"""Check the speaker gold against the texts it points into, so a bad offset or label fails loudly.

    .venv/bin/python bench/check_gold.py [FILE ...]     (default: every bench/gold/*/*.json)

Every file must parse, name a bundled article, and hold quotes whose text[start:end] equals the
stored quote, whose kind is one of direct/partial/scare/title, whose speaker is null for scare
and title (and set for direct and partial unless a note says why nobody can be named), and whose
spans do not overlap.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus_source import load_real_articles  # noqa: E402

KINDS = {"direct", "partial", "scare", "title"}
UNNAMED = {"direct", "partial"}


def problems(path: Path, texts: dict[str, str]) -> list[str]:
    """Every rule the file breaks, as readable lines (empty when the file is sound)."""
    try:
        gold = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [f"{path}: does not parse: {exc}"]
    text = texts.get(gold.get("article", ""))
    if text is None:
        return [f"{path}: no bundled article {gold.get('article')!r}"]
    found = []
    last_end = -1
    for i, q in enumerate(sorted(gold.get("quotes", []), key=lambda q: q["start"])):
        where = f"{path.name} quote {i} at {q.get('start')}"
        if text[q["start"] : q["end"]] != q["quote"]:
            found.append(f"{where}: text[start:end] != quote")
        if q["kind"] not in KINDS:
            found.append(f"{where}: kind {q['kind']!r}")
        if q["kind"] in {"scare", "title"} and q["speaker"] is not None:
            found.append(f"{where}: {q['kind']} with a speaker")
        if q["kind"] in UNNAMED and q["speaker"] is None and not q.get("note"):
            found.append(f"{where}: {q['kind']} without a speaker or a note saying why")
        if q["start"] < last_end:
            found.append(f"{where}: overlaps the previous quote")
        last_end = max(last_end, q["end"])
    return found


def main(argv: list[str]) -> int:
    """Check the given files (or all gold files) and print each problem."""
    paths = [Path(a) for a in argv] or sorted((ROOT / "bench" / "gold").glob("*/*.json"))
    texts = {a.id: a.text for a in load_real_articles()}
    bad = [p for path in paths for p in problems(path, texts)]
    for line in bad:
        print(line)
    print(f"{len(paths)} files, {len(bad)} problems")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
