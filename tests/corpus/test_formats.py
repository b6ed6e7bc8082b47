"""Reading the bundled corpus and hand-dropped article files."""

from __future__ import annotations

import json
from pathlib import Path

from service.config import BUNDLED_CORPUS
from service.corpus.formats import LoadError, parse_text_article, slugify
from service.corpus.importer import load_articles
from tests.conftest import SEED_ID, SEED_PATH


def test_bundled_corpus_loads_every_article_without_errors() -> None:
    articles, errors = load_articles([BUNDLED_CORPUS])
    assert errors == []
    assert len(articles) == 300
    sources = sorted({a.source for a in articles if a.source != "Wikinews"})
    assert sources == [
        "10 Downing Street press release (gov.uk), as republished by parliamenttoday.com",
        "10 Downing Street press release (gov.uk), as republished by ukpol.co.uk",
        "10 Downing Street readout (gov.uk), as republished by wired-gov.net",
        "ITV News",
        "The American Presidency Project, UC Santa Barbara",
    ]
    assert sum(a.source == "Wikinews" for a in articles) == 295


def test_seed_story_is_the_whole_file_byte_for_byte() -> None:
    articles, _ = load_articles([BUNDLED_CORPUS])
    seed = next(a for a in articles if a.id == SEED_ID)
    assert seed.text == SEED_PATH.read_text(encoding="utf-8")
    assert seed.title == (
        "Trump rules out sending troops to Ukraine, even if UK and Europe put boots on the ground"
    )
    assert (seed.source, seed.published) == ("ITV News", "2025-08-19")


def test_every_wikinews_article_carries_url_and_credit() -> None:
    articles, _ = load_articles([BUNDLED_CORPUS])
    wikinews = [a for a in articles if a.source == "Wikinews"]
    assert all(a.url and a.url.startswith("https://en.wikinews.org/wiki/") for a in wikinews)
    assert all(a.credit and a.credit.endswith(a.url) for a in wikinews)
    assert all(a.licence and "CC BY 2.5" in a.licence for a in wikinews)


def test_header_is_parsed_and_notes_are_dropped() -> None:
    raw = "title: Talks in Washington\nsource: Example\ndate: 2025-08-18\nnotes: x\n\nBody text.\n"
    assert parse_text_article(raw) == {
        "title": "Talks in Washington",
        "source": "Example",
        "published": "2025-08-18",
        "text": "Body text.\n",
    }


def test_headline_with_colon_is_not_mistaken_for_a_header() -> None:
    raw = "Ukraine: what the talks mean\n\nThe leaders met on Monday.\n"
    assert parse_text_article(raw) == {"title": "Ukraine: what the talks mean", "text": raw}


def test_unusable_date_is_reported_not_dropped(tmp_path: Path) -> None:
    (tmp_path / "t.txt").write_text("title: T\ndate: unknown (2025)\n\nBody.\n", encoding="utf-8")
    articles, errors = load_articles([tmp_path])
    assert articles == []
    assert errors == [
        LoadError(
            str(tmp_path / "t.txt"),
            "published: Not a date: 'unknown (2025)'; write it as YYYY-MM-DD.",
        )
    ]


def test_bad_files_are_named_and_the_rest_still_load(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("A headline\nSome text.\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe not utf-8 \x80")
    nested = tmp_path / "feeds"
    nested.mkdir()
    lines = [
        json.dumps({"title": "One", "text": "First article."}),
        "{not json",
        json.dumps({"title": "", "text": "no title"}),
        json.dumps({"id": "two", "title": "Two", "text": "Second.", "published": "2024-01-02"}),
    ]
    (nested / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles, errors = load_articles([tmp_path])
    assert [a.id for a in articles] == ["one", "two", "good"]
    assert sorted(e.path for e in errors) == sorted(
        [str(tmp_path / "bad.txt"), f"{nested / 'feed.jsonl'}:2", f"{nested / 'feed.jsonl'}:3"]
    )


def test_slugs_are_stable_and_safe() -> None:
    assert slugify("Zelenskyy: ‘We’re ready’ — Kyiv") == "zelenskyy-were-ready-kyiv"
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("!!!") == "article"


def test_url_header_keeps_only_the_url_not_an_editors_note() -> None:
    raw = "title: T\nurl: https://www.gov.uk/x (store copy: https://example.org/y)\n\nBody.\n"
    assert parse_text_article(raw)["url"] == "https://www.gov.uk/x"
