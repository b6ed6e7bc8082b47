"""Smoke test of bench/eval_attribution.py on a synthetic two-article PolNeAR-format fixture
(text written for this test, not PolNeAR's), so the evaluation script cannot rot."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ARTICLES = {
    "one": "“We will cut taxes,” Ann Lee said.\n“And we will start on day one.”\n",
    "two": "The mayor opened the bridge. Bob Cruz said: “It took ten years.”\n",
}


def _load_eval():
    spec = importlib.util.spec_from_file_location(
        "eval_attribution", ROOT / "bench" / "eval_attribution.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it executes
    spec.loader.exec_module(module)
    return module


def _span(text: str, part: str) -> dict:
    start = text.index(part)
    return {"text": part, "offsets": [[start, start + len(part)]]}


def _write_fixture(root: Path) -> None:
    (root / "text").mkdir()
    rels = []
    for name, text in ARTICLES.items():
        (root / "text" / f"dev__{name}.txt").write_text(text, encoding="utf-8")
    one, two = ARTICLES["one"], ARTICLES["two"]
    rels.append(
        ("one", _span(one, "Ann Lee"), _span(one, "said"), _span(one, "“We will cut taxes,”"))
    )
    # Speaker deliberately wrong-looking gold to exercise the miss path: source is "mayor".
    rels.append(
        ("two", _span(two, "mayor"), _span(two, "said:"), _span(two, "“It took ten years.”"))
    )
    with (root / "gold_attributions.jsonl").open("w", encoding="utf-8") as fh:
        for article, source, cue, content in rels:
            fh.write(
                json.dumps(
                    {
                        "compartment": "dev",
                        "article": article,
                        "source": source,
                        "cue": cue,
                        "content": content,
                        "contains_quote_marks": True,
                    }
                )
                + "\n"
            )


def test_evaluation_runs_on_a_synthetic_fixture(tmp_path, capsys):
    _write_fixture(tmp_path)
    ev = _load_eval()
    score = ev.evaluate(tmp_path, "dev", keep_errors=True)
    assert score.articles == 2
    assert score.gold_quotes == 2
    assert score.found == 2
    assert score.with_source == 2
    assert score.speaker_right == 1  # Ann Lee right; "Bob Cruz" does not overlap "mayor"
    assert score.spurious == 1  # the continuation quote in article one has no gold relation
    assert ev.main(["--polnear", str(tmp_path), "--split", "dev", "--errors", "1"]) == 0
    out = capsys.readouterr().out
    assert "direct quotes found:      100.0% (2/2)" in out
    assert "speaker mention correct:  50.0% (1/2" in out
