"""GET /articles/{id}: the readable, citable view of a stored article with a passage marked."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

from flask.testing import FlaskClient

from tests.conftest import SEED_ID

SEED_PASSAGE = "They’re willing to put people on the ground"
VIEW = f"/articles/{SEED_ID}"


class Marks(HTMLParser):
    """Text inside <mark>, every tag seen, and the text of elements by id."""

    def __init__(self) -> None:
        super().__init__()
        self.marked: list[str] = []
        self.tags: list[str] = []
        self.by_id: dict[str, str] = {}
        self._mark = False
        self._ids: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "mark":
            self._mark = True
            self.marked.append("")
        ident = dict(attrs).get("id")
        self._ids.append(ident)
        if ident:
            self.by_id[ident] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark":
            self._mark = False
        if self._ids:
            self._ids.pop()

    def handle_data(self, data: str) -> None:
        if self._mark:
            self.marked[-1] += data
        for ident in self._ids:
            if ident:
                self.by_id[ident] += data


def parse(html: str) -> Marks:
    parser = Marks()
    parser.feed(html)
    return parser


def test_the_seed_passage_is_highlighted_in_the_article(
    client: FlaskClient, seed_text: str
) -> None:
    start = seed_text.index(SEED_PASSAGE)
    response = client.get(f"{VIEW}?start={start}&end={start + len(SEED_PASSAGE)}")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    page = parse(response.get_data(as_text=True))
    assert page.marked == [f"[highlighted: {SEED_PASSAGE}]"]
    assert page.by_id["article-title"] == (
        "Trump rules out sending troops to Ukraine, even if UK and Europe put boots on the ground"
    )
    assert page.by_id["article-source"] == "ITV News"
    assert page.by_id["article-date"] == "19 August 2025"
    assert page.by_id["passage-speaker"] == "Donald Trump"
    assert " ".join(page.by_id["passage-note"].split()) == (
        f"Highlighted: characters {start}–{start + len(SEED_PASSAGE)}, said by Donald Trump."
    )
    assert "passage" in page.by_id  # the fragment #passage scrolls to it
    assert "article-url" not in page.by_id  # the seed story has no URL of its own
    assert "script" not in page.tags


def test_without_offsets_the_whole_article_is_shown_unmarked(client: FlaskClient) -> None:
    response = client.get(VIEW)
    assert response.status_code == 200
    page = parse(response.get_data(as_text=True))
    assert page.marked == []
    assert "passage-note" not in page.by_id


def test_a_passage_across_paragraphs_is_marked_in_each(client: FlaskClient, seed_text: str) -> None:
    start = seed_text.index("Trump said.")
    end = seed_text.index("Some of them") + len("Some of them")
    page = parse(client.get(f"{VIEW}?start={start}&end={end}").get_data(as_text=True))
    assert page.marked == ["[highlighted: Trump said.]", '[highlighted: "Some of them]']


def test_article_text_is_escaped_never_markup(make_app, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    hostile = "<script>window.pwned=1</script> <img src=x onerror=alert(1)> said & done"
    record = {
        "id": "hostile",
        "title": "<b>Headline</b>",
        "text": f"First line.\n“{hostile},” she said.",
        "source": "<i>Wire</i>",
        "url": "https://example.org/a?b=1&c=<2>",
        "published": "2025-08-19",
    }
    (corpus / "hostile.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    client = make_app(VERBATIM_CORPUS_DIR=str(corpus)).test_client()
    start = record["text"].index(hostile)
    response = client.get(f"/articles/hostile?start={start}&end={start + len(hostile)}")
    html = response.get_data(as_text=True)
    page = parse(html)
    assert [t for t in page.tags if t in {"script", "img", "b", "i"}] == []
    assert page.marked == [f"[highlighted: {hostile}]"]
    assert page.by_id["article-title"] == "<b>Headline</b>"
    assert page.by_id["article-source"] == "<i>Wire</i>"
    assert 'href="https://example.org/a?b=1&amp;c=&lt;2&gt;"' in html


def test_bad_offsets_and_unknown_articles_are_problems(client: FlaskClient, seed_text: str) -> None:
    cases = {
        f"{VIEW}?start=5": {"end": ["Give both start and end, or neither."]},
        f"{VIEW}?start=9&end=9": {"end": ["end must be greater than start."]},
        f"{VIEW}?start=x&end=3": {"start": ["Not a valid integer."]},
        f"{VIEW}?start=-1&end=3": {
            "start": ["Must be greater than or equal to 0 and less than or equal to 2147483647."]
        },
        f"{VIEW}?start=0&end=99999999": {"end": [f"The article has {len(seed_text)} characters."]},
        f"{VIEW}?colour=red": {"colour": ["Unknown field."]},
    }
    for url, errors in cases.items():
        response = client.get(url)
        assert response.status_code == 422, url
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["errors"] == {"query": errors}, url
    for url in ("/articles/no-such-article", "/articles/Not_A_Slug", "/articles/a/b"):
        missing = client.get(url)
        assert missing.status_code == 404, url
        assert missing.mimetype == "application/problem+json"
