"""`verbatim import` / `verbatim export` on real files and a real store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.cli import main
from service.corpus.store import ArticleStore, store_path
from service.models import Article

SEED_LINE = "They're willing to put people on the ground."

HTML_PAGE = """<!doctype html>
<html><head>
<meta charset="utf-8">
<title>Trump rules out US troops for Ukraine | Example News</title>
<meta property="og:title" content="Trump rules out US troops for Ukraine">
<meta property="og:site_name" content="Example News">
<meta name="date" content="2025-08-19">
<link rel="canonical" href="https://news.example.org/2025/08/19/trump-troops">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article>
<h1>Trump rules out US troops for Ukraine</h1>
<p>US President Donald Trump has ruled out putting US boots on the ground to assist
peacekeeping efforts in Ukraine, while claiming that European countries want to send soldiers.</p>
<p>"They're willing to put people on the ground," he told Fox News on Tuesday, adding that the
United States would only help "from the air" as part of any security guarantees.</p>
</article>
<footer>Sign up for our newsletter. Copyright Example News.</footer>
</body></html>
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "incoming"
    write(
        root / "itv-troops.txt",
        "Title: Trump rules out troops\nSource: ITV News\nURL: https://www.itv.com/news/x\n"
        f"Date: 2025-08-19\n\nTrump said: \u201c{SEED_LINE}\u201d\n",
    )
    write(
        root / "notes" / "front-matter.md",
        '---\ntitle: "Starmer hails progress"\ndate: 2025-08-18\nsource: gov.uk\n---\n\n'
        "# Starmer hails progress\n\nThe Prime Minister said it was *real progress*.\n",
    )
    write(
        root / "notes" / "header.md",
        "Title: Coalition meets\nLicence: OGL v3.0\n\nLeaders met by video call on Thursday.\n",
    )
    write(
        root / "single.json",
        json.dumps({"title": "Single JSON article", "text": "Body of the single article."}),
    )
    write(
        root / "cms-export.json",
        json.dumps(
            [
                {"id": "cms-1", "title": "First CMS story", "text": "First body."},
                {
                    "id": "cms-2",
                    "title": "Second CMS story",
                    "text": "Second body.",
                    "published": "2025-08-20",
                },
                {"id": "cms-3", "text": "No title here."},
            ]
        ),
    )
    write(
        root / "feed.jsonl",
        json.dumps({"id": "feed-1", "title": "Feed one", "text": "Feed body one."})
        + "\n{not json\n"
        + json.dumps({"id": "feed-2", "title": "Bad URL", "text": "x", "url": "not a url"})
        + "\n",
    )
    write(root / "saved" / "trump-page.html", HTML_PAGE)
    write(root / "broken.json", '{"title": ')
    write(root / "README.md", "# How this folder is organised\n\nNot an article.\n")
    write(root / "resent" / "itv-troops.txt", "Another file with the same id\n\nText.\n")
    return root


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_import_reads_every_format_and_reports_each_skip(tmp_path, corpus, capsys):
    data = tmp_path / "data"
    status, out, err = run(capsys, "--data-dir", str(data), "import", str(corpus))
    assert status == 1  # something was skipped
    assert out.startswith("added 9, updated 0, unchanged 0, skipped 4, notices 1 ")
    skipped = sorted(line for line in err.splitlines() if line.startswith("skipped "))
    assert skipped == sorted(
        [
            f"skipped {corpus / 'broken.json'}: JSONDecodeError: Expecting value: "
            "line 1 column 11 (char 10)",
            f"skipped {corpus / 'cms-export.json'}[3]: title: Missing data for required field.",
            f"skipped {corpus / 'feed.jsonl'}:2: Expecting property name enclosed in double "
            "quotes: line 1 column 2 (char 1)",
            f"skipped {corpus / 'feed.jsonl'}:3: url: Must start with http:// or https:// and "
            "hold no spaces or control characters.",
        ]
    )
    # A second file named like the first is stored under its own id and reported, not dropped.
    notices = [line for line in err.splitlines() if line.startswith("notice ")]
    assert notices == [
        f"notice {corpus / 'resent' / 'itv-troops.txt'}: id 'itv-troops' is already used by "
        f"{corpus / 'itv-troops.txt'}; stored as 'itv-troops-2'"
    ]

    store = ArticleStore(store_path(data))
    assert [a.id for a in store.iter_all()] == [
        "cms-1",
        "cms-2",
        "feed-1",
        "front-matter",
        "header",
        "itv-troops",
        "itv-troops-2",
        "single",
        "trump-page",
    ]
    assert store.get("itv-troops") == Article(
        id="itv-troops",
        title="Trump rules out troops",
        text=f"Trump said: \u201c{SEED_LINE}\u201d\n",
        source="ITV News",
        url="https://www.itv.com/news/x",
        published="2025-08-19",
    )
    front = store.get("front-matter")
    assert front.title == "Starmer hails progress"
    assert front.published == "2025-08-18"
    assert front.source == "gov.uk"
    assert (
        front.text
        == "# Starmer hails progress\n\nThe Prime Minister said it was *real progress*.\n"
    )
    header = store.get("header")
    assert (header.title, header.licence) == ("Coalition meets", "OGL v3.0")
    assert header.text == "Leaders met by video call on Thursday.\n"
    assert store.get("single").title == "Single JSON article"
    assert store.get("cms-2").published == "2025-08-20"
    page = store.get("trump-page")
    assert page.title == "Trump rules out US troops for Ukraine"
    assert page.published == "2025-08-19"
    assert page.url == "https://news.example.org/2025/08/19/trump-troops"
    assert page.source == "Example News"
    assert '"They\'re willing to put people on the ground," he told Fox News' in page.text
    assert "newsletter" not in page.text
    assert "Sport" not in page.text
    assert store.get("readme") is None


def test_reimport_is_idempotent_and_detects_edits(tmp_path, corpus, capsys):
    data = str(tmp_path / "data")
    run(capsys, "--data-dir", data, "import", str(corpus))
    store = ArticleStore(store_path(data))
    generation = store.generation()

    status, out, _ = run(capsys, "--data-dir", data, "import", str(corpus))
    assert status == 1
    assert out.startswith("added 0, updated 0, unchanged 9, skipped 4, notices 1 ")
    assert store.generation() == generation  # nothing rewritten, no worker reindexes

    write(corpus / "single.json", json.dumps({"title": "Single JSON article", "text": "Edited."}))
    (corpus / "broken.json").unlink()
    status, out, _ = run(capsys, "--data-dir", data, "import", str(corpus / "single.json"))
    assert status == 0
    assert out.startswith("added 0, updated 1, unchanged 0, skipped 0 ")
    assert store.get("single").text == "Edited."


def test_import_uses_verbatim_data_dir(tmp_path, corpus, capsys, monkeypatch):
    monkeypatch.setenv("VERBATIM_DATA_DIR", str(tmp_path / "from-env"))
    status, out, _ = run(capsys, "import", str(corpus / "itv-troops.txt"))
    assert (status, out.split(" (")[0]) == (0, "added 1, updated 0, unchanged 0, skipped 0")
    assert ArticleStore(store_path(tmp_path / "from-env")).get("itv-troops") is not None


def test_import_reports_missing_and_unsupported_paths_and_continues(tmp_path, corpus, capsys):
    pdf = write(tmp_path / "story.pdf", "%PDF-1.4")
    status, out, err = run(
        capsys,
        "--data-dir",
        str(tmp_path / "data"),
        "import",
        str(tmp_path / "nope"),
        str(pdf),
        str(corpus / "itv-troops.txt"),
    )
    assert status == 1
    assert out.startswith("added 1, updated 0, unchanged 0, skipped 2 ")
    assert f"skipped {tmp_path / 'nope'}: no such file or folder" in err
    assert f"skipped {pdf}: unsupported file type .pdf" in err


def test_import_rejects_oversized_text_like_the_api(tmp_path, capsys):
    big = write(tmp_path / "big.txt", "Title: Huge\n\n" + "word " * 220_000)
    status, _, err = run(capsys, "--data-dir", str(tmp_path / "data"), "import", str(big))
    assert status == 1
    assert f"skipped {big}: text: Text is larger than 1048576 bytes of UTF-8." in err


def test_export_roundtrips_through_import(tmp_path, corpus, capsys):
    first = str(tmp_path / "first")
    run(capsys, "--data-dir", first, "import", str(corpus))
    out_file = tmp_path / "out" / "corpus.jsonl"
    status, _, err = run(capsys, "--data-dir", first, "export", "-o", str(out_file))
    assert status == 0
    assert err.strip() == f"exported 9 articles to {out_file}"
    lines = out_file.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 9
    assert json.loads(lines[0])["id"] == "cms-1"
    assert set(json.loads(lines[0])) == {
        "id",
        "title",
        "text",
        "source",
        "url",
        "published",
        "licence",
        "credit",
    }

    second = str(tmp_path / "second")
    status, out, _ = run(capsys, "--data-dir", second, "import", str(out_file))
    assert (status, out.split(" (")[0]) == (0, "added 9, updated 0, unchanged 0, skipped 0")
    assert list(ArticleStore(store_path(second)).iter_all()) == list(
        ArticleStore(store_path(first)).iter_all()
    )


def test_export_to_stdout(tmp_path, corpus, capsys):
    data = str(tmp_path / "data")
    run(capsys, "--data-dir", data, "import", str(corpus / "itv-troops.txt"))
    status, out, err = run(capsys, "--data-dir", data, "export")
    assert status == 0
    assert json.loads(out)["text"] == f"Trump said: \u201c{SEED_LINE}\u201d\n"
    assert err.strip() == "exported 1 articles"


def test_bad_batch_size_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        main(["--data-dir", str(tmp_path), "import", "--batch-size", "0", "x.txt"])
    assert info.value.code == 2


def test_a_request_budget_that_is_not_a_number_is_a_usage_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("VERBATIM_REQUEST_BUDGET", "fast")
    with pytest.raises(SystemExit) as info:
        main(["--data-dir", str(tmp_path), "import", "x.txt"])
    assert info.value.code == 2
    assert capsys.readouterr().err.endswith(
        "verbatim: error: VERBATIM_REQUEST_BUDGET must be a number of seconds, got 'fast'\n"
    )
    assert not (tmp_path / "verbatim.sqlite3").exists()  # refused before the store is opened


def test_sqlite_to_postgres_migration_by_export_and_import(tmp_path, corpus, capsys, pg_url):
    """The documented move: export from SQLite, import into PostgreSQL (re-runnable), and the
    PostgreSQL store exports the very same lines."""
    sqlite_dir = str(tmp_path / "sqlite")
    run(capsys, "--data-dir", sqlite_dir, "import", str(corpus))
    dump = tmp_path / "corpus.jsonl"
    assert run(capsys, "--data-dir", sqlite_dir, "export", "-o", str(dump))[0] == 0

    status, out, _ = run(capsys, "--database-url", pg_url, "import", str(dump))
    assert (status, out.split(" (")[0]) == (0, "added 9, updated 0, unchanged 0, skipped 0")
    assert "articles in postgresql://verbatim@127.0.0.1:" in out
    status, out, _ = run(capsys, "--database-url", pg_url, "import", str(dump))
    assert (status, out.split(" (")[0]) == (0, "added 0, updated 0, unchanged 9, skipped 0")

    again = tmp_path / "from-postgres.jsonl"
    assert run(capsys, "--database-url", pg_url, "export", "-o", str(again))[0] == 0
    assert again.read_bytes() == dump.read_bytes()


def test_database_url_from_the_environment_and_an_unreachable_one(
    tmp_path, corpus, capsys, monkeypatch, pg_url
):
    from tests.server import free_port

    monkeypatch.setenv("VERBATIM_DATABASE_URL", pg_url)
    status, out, _ = run(capsys, "import", str(corpus / "itv-troops.txt"))
    assert (status, out.split(" (")[0]) == (0, "added 1, updated 0, unchanged 0, skipped 0")
    assert not (tmp_path / "var").exists()
    down = f"postgresql://verbatim:secret@127.0.0.1:{free_port()}/nowhere"
    status, _, err = run(capsys, "--database-url", down, "export")
    assert status == 3
    assert "is unavailable" in err
    assert "secret" not in err
