"""The importer never changes data silently: dates are read or the record is refused, a byte-order
mark is accepted, a made or changed id is reported, YAML front matter is read by PyYAML, ids are
transliterated from any script, and the API and the importer accept and refuse the same records
with the same messages."""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from service.corpus.dates import DateError, parse_published
from service.corpus.formats import LoadError, slugify
from service.corpus.importer import ImportNotice, import_paths, load_articles, read_articles
from service.corpus.store import ArticleStore
from service.models import Article
from tests.conftest import TEST_API_KEY

AUTH = {"Authorization": f"Bearer {TEST_API_KEY}"}


def empty_app(make_app: Callable[..., Flask], tmp_path: Path) -> Flask:
    """An app whose store starts empty: these tests are about records, not the bundled corpus."""
    corpus = tmp_path / "empty-corpus"
    corpus.mkdir(exist_ok=True)
    return make_app(VERBATIM_API_KEY=TEST_API_KEY, VERBATIM_CORPUS_DIR=str(corpus))


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2025-08-19", "2025-08-19"),
        ("2025-08-20T10:15:00+01:00", "2025-08-20"),  # the date as written, not UTC
        ("2025/08/03", "2025-08-03"),  # year first is never year-day-month
        ("19 August 2025", "2025-08-19"),
        ("August 19, 2025", "2025-08-19"),
        ("Friday, January 4, 2019", "2019-01-04"),
        ("Tue, 19 Aug 2025 10:00:00 GMT", "2025-08-19"),
        ("19.08.2025", "2025-08-19"),
        ("08/19/2025", "2025-08-19"),  # only one reading: there is no 19th month
        ("  3 March 2025 ", "2025-03-03"),
    ],
)
def test_common_date_forms_are_read(written: str, iso: str) -> None:
    assert parse_published(written).isoformat() == iso


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "03/04/2025",
            "Ambiguous date '03/04/2025' (could be 2025-03-04 or 2025-04-03); "
            "write it as YYYY-MM-DD.",
        ),
        (
            "19/08/25",
            "Ambiguous date '19/08/25' (could be 2019-08-25 or 2025-08-19); "
            "write it as YYYY-MM-DD.",
        ),
        ("August 2025", "Incomplete date 'August 2025' (no day); write it as YYYY-MM-DD."),
        ("2025", "Incomplete date '2025' (no day, month); write it as YYYY-MM-DD."),
        ("unknown (2025)", "Not a date: 'unknown (2025)'; write it as YYYY-MM-DD."),
        ("2025-02-30", "Not a real calendar date: '2025-02-30'; write it as YYYY-MM-DD."),
        ("", "Empty date; write it as YYYY-MM-DD."),
    ],
)
def test_uncertain_dates_are_refused_with_the_reason(written: str, message: str) -> None:
    with pytest.raises(DateError) as caught:
        parse_published(written)
    assert str(caught.value) == message


# --- one validation for the API and the importer ---------------------------------------------

RECORDS = [
    {"id": "d1", "title": "Written date", "text": "Body.", "published": "19 August 2025"},
    {"id": "d2", "title": "Feed date", "text": "Body.", "published": "Tue, 19 Aug 2025 10:00 GMT"},
    {"id": "d3", "title": "Ambiguous", "text": "Body.", "published": "03/04/2025"},
    {"id": "d4", "title": "Unknown", "text": "Body.", "published": "unknown (2025)"},
    {"id": "Bad Id", "title": "Bad id", "text": "Body."},
    {"id": "d6", "title": "Extra field", "text": "Body.", "author": "Jane"},
    {"id": "d7", "title": 1984, "text": "Body."},
    {"id": "d8", "title": "No text"},
    {"id": "d9", "title": "Bad URL", "text": "Body.", "url": "ftp://example.org/x"},
]


def test_api_and_importer_accept_and_refuse_the_same_records(
    tmp_path: Path, make_app: Callable[..., Flask]
) -> None:
    feed = write(tmp_path / "in" / "feed.jsonl", "".join(json.dumps(r) + "\n" for r in RECORDS))
    imported, skipped = load_articles([feed])
    by_line = {int(e.path.rsplit(":", 1)[1]): e.reason for e in skipped}

    client = empty_app(make_app, tmp_path).test_client()
    api_outcomes: dict[int, str] = {}
    api_stored: dict[str, str | None] = {}
    for line, record in enumerate(RECORDS, start=1):
        response = client.post("/v1/articles", json=record, headers=AUTH)
        if response.status_code == 201:
            api_stored[response.get_json()["id"]] = response.get_json()["published"]
        else:
            assert response.status_code == 422
            errors = response.get_json()["errors"]["json"]
            api_outcomes[line] = "; ".join(f"{k}: {'; '.join(v)}" for k, v in errors.items())

    assert by_line == api_outcomes
    assert by_line == {
        3: "published: Ambiguous date '03/04/2025' (could be 2025-03-04 or 2025-04-03); "
        "write it as YYYY-MM-DD.",
        4: "published: Not a date: 'unknown (2025)'; write it as YYYY-MM-DD.",
        5: "id: Not a valid article id. Stable slug: lowercase letters, digits and single "
        "hyphens, at most 100 characters (e.g. 'trump-rules-out-troops').",
        6: "author: Unknown field.",
        7: "title: Not a valid string.",
        8: "text: Missing data for required field.",
        9: "url: Must start with http:// or https:// and hold no spaces or control characters.",
    }
    assert (
        {a.id: a.published for a in imported}
        == api_stored
        == {
            "d1": "2025-08-19",
            "d2": "2025-08-19",
        }
    )


# --- byte-order marks --------------------------------------------------------------------------


def test_a_utf8_byte_order_mark_is_accepted_in_every_text_format(tmp_path: Path) -> None:
    bom = codecs.BOM_UTF8
    (tmp_path / "story.txt").write_bytes(bom + "title: BOM story\n\n“Yes,” she said.\n".encode())
    (tmp_path / "plain.txt").write_bytes(bom + b"Plain headline\nBody.\n")
    (tmp_path / "note.md").write_bytes(bom + b"---\ntitle: BOM note\n---\nBody.\n")
    (tmp_path / "one.json").write_bytes(bom + b'{"title": "BOM json", "text": "Body."}')
    (tmp_path / "feed.jsonl").write_bytes(bom + b'{"id": "bom-line", "title": "T", "text": "B."}\n')
    articles, errors = load_articles([tmp_path])
    assert errors == []
    assert {a.id: (a.title, a.text) for a in articles} == {
        "bom-line": ("T", "B."),
        "note": ("BOM note", "Body.\n"),
        "one": ("BOM json", "Body."),
        "plain": ("Plain headline", "Plain headline\nBody.\n"),
        "story": ("BOM story", "“Yes,” she said.\n"),
    }


def test_utf16_is_refused_by_name(tmp_path: Path) -> None:
    path = tmp_path / "windows.txt"
    path.write_bytes("title: UTF-16\n\nBody.\n".encode("utf-16"))
    assert load_articles([path]) == (
        [],
        [
            LoadError(
                str(path),
                "ValueError: the file is UTF-16 (it starts with a UTF-16 byte-order mark); "
                "save it as UTF-8",
            )
        ],
    )


def test_crlf_header_is_still_a_header(tmp_path: Path) -> None:
    path = write(tmp_path / "win.txt", "")
    path.write_bytes(b"Title: Saved on Windows\r\nDate: 19 August 2025\r\n\r\nBody.\r\n")
    [article], errors = load_articles([path])
    assert errors == []
    assert (article.title, article.published, article.text) == (
        "Saved on Windows",
        "2025-08-19",
        "Body.\r\n",
    )


# --- ids: made, changed, transliterated, never silently dropped ------------------------------


def test_slugs_transliterate_every_script() -> None:
    assert slugify("Straße in Köln") == "strasse-in-koln"
    assert slugify("Прямая линия с Путиным") == "priamaia-liniia-s-putinym"
    assert slugify("Η Ελλάδα σήμερα") == "e-ellada-semera"
    assert slugify("中国经济增长放缓") == "zhong-guo-jing-ji-zeng-chang-fang-huan"
    assert slugify("الرئيس يتحدث") == "lryys-ythdth"
    assert slugify("Trump’s “deal”") == "trumps-deal"
    assert slugify("🙂🙂") == "article"
    assert len(slugify("Очень " * 40)) <= 80


def test_non_latin_titles_get_distinct_ids_and_collisions_are_reported(tmp_path: Path) -> None:
    records = [
        {"title": "Путин провёл прямую линию", "text": "«Мы готовы», — сказал он."},
        {"title": "Зеленский выступил в Раде", "text": "«Мы выстоим», — сказал он."},
        {"title": "Путин провёл прямую линию", "text": "Другой текст о том же."},
        {"title": "Путин провёл прямую линию", "text": "«Мы готовы», — сказал он."},
    ]
    feed = write(
        tmp_path / "ru.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    )
    items = list(read_articles([feed]))
    assert [(type(i).__name__, getattr(i, "id", None)) for i in items] == [
        ("Article", "putin-provel-priamuiu-liniiu"),
        ("Article", "zelenskii-vystupil-v-rade"),
        ("ImportNotice", None),
        ("Article", "putin-provel-priamuiu-liniiu-2"),
        ("LoadError", None),
    ]
    assert items[2] == ImportNotice(
        f"{feed}:3",
        f"id 'putin-provel-priamuiu-liniiu' is already used by {feed}:1; "
        "stored as 'putin-provel-priamuiu-liniiu-2'",
    )
    # The very same article twice is a duplicate, as the API answers 409 to a retried POST.
    assert items[4] == LoadError(
        f"{feed}:4", f"the same article as {feed}:1 (stored as 'putin-provel-priamuiu-liniiu')"
    )


def test_an_id_made_from_a_file_name_is_reported(tmp_path: Path) -> None:
    write(tmp_path / "My Story (final).txt", "title: Final\n\nBody.\n")
    write(tmp_path / "already-an-id.txt", "title: Fine\n\nBody.\n")
    report = import_paths(ArticleStore(tmp_path / "db.sqlite3"), [tmp_path])
    assert sorted(report.added) == ["already-an-id", "my-story-final"]
    assert report.skipped == []
    assert report.notices == [
        ImportNotice(
            str(tmp_path / "My Story (final).txt"),
            "file name 'My Story (final)' is not an article id; stored as 'my-story-final'",
        )
    ]


def test_a_named_id_is_used_as_given_or_refused(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "title: A\nid: Not An Id\n\nBody.\n")
    write(tmp_path / "b.txt", "title: B\nid: taken\n\nBody.\n")
    write(tmp_path / "c.txt", "title: C\nid: taken\n\nOther body.\n")
    articles, errors = load_articles([tmp_path])
    assert [a.id for a in articles] == ["taken"]
    assert [(Path(e.path).name, e.reason.split(". Stable")[0]) for e in errors] == [
        ("a.txt", "id: Not a valid article id"),
        ("c.txt", f"duplicate id 'taken' (already read from {tmp_path / 'b.txt'})"),
    ]


def test_api_generates_transliterated_ids(tmp_path: Path, make_app: Callable[..., Flask]) -> None:
    client = empty_app(make_app, tmp_path).test_client()
    ids = [
        client.post("/v1/articles", json={"title": title, "text": text}, headers=AUTH).get_json()[
            "id"
        ]
        for title, text in [
            ("Straße gesperrt", "„Wir warten“, sagte sie."),
            ("Прямая линия", "«Да», — сказал он."),
            ("Прямая линия", "«Нет», — сказал он."),
        ]
    ]
    assert ids == ["strasse-gesperrt", "priamaia-liniia", "priamaia-liniia-2"]


# --- Markdown front matter (PyYAML) ------------------------------------------------------------


def test_yaml_front_matter_is_read_as_written(tmp_path: Path) -> None:
    path = write(
        tmp_path / "piece.md",
        "---\n"
        'title: "No: the talks failed"\n'
        "date: 2025-08-18\n"
        "source: >-\n  Example\n  News\n"
        "tags: [ukraine, talks]\n"
        "layout: post\n"
        "url:\n"
        "---\n\n"
        "# No: the talks failed\n\nBody.\n",
    )
    items = list(read_articles([path]))
    assert items == [
        ImportNotice(str(path), "front matter keys not stored: tags, layout"),
        Article(
            id="piece",
            title="No: the talks failed",
            text="# No: the talks failed\n\nBody.\n",
            source="Example News",
            published="2025-08-18",
        ),
    ]


def test_yaml_scalars_keep_their_text(tmp_path: Path) -> None:
    # A YAML 1.1 loader would make these False and 1.1; the title is what the author typed.
    write(tmp_path / "no.md", "---\ntitle: no\ncredit: 1.10\n---\nBody.\n")
    [article], errors = load_articles([tmp_path])
    assert errors == []
    assert (article.title, article.credit) == ("no", "1.10")


def test_bad_front_matter_is_reported(tmp_path: Path) -> None:
    write(tmp_path / "broken.md", "---\ntitle: [unclosed\n---\nBody.\n")
    write(tmp_path / "list.md", "---\ntitle:\n  - one\n  - two\n---\nBody.\n")
    write(tmp_path / "open.md", "---\ntitle: never closed\nBody.\n")
    articles, errors = load_articles([tmp_path])
    assert articles == []
    reasons = {Path(e.path).name: e.reason for e in errors}
    assert reasons["broken.md"].startswith("ValueError: front matter is not valid YAML: ")
    assert reasons["list.md"] == "title: Not a valid string."
    assert reasons["open.md"] == "ValueError: front matter opened with '---' is never closed"
