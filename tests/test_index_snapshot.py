"""The index snapshot: a restart opens it, catches up with the store, and never trusts a bad one."""

from __future__ import annotations

import logging
import mmap
import pickle
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from service import index_snapshot
from service.api.context import engine_of
from service.corpus.store import ArticleStore, store_path
from service.index_snapshot import (
    SNAPSHOT_FILENAME,
    code_fingerprint,
    load_snapshot,
    load_snapshot_copies,
)
from service.models import Article

QUOTES = [
    "They are willing to put people on the ground",
    "I don't think it's going to be a problem",
    "we will not back down",
]


def _answers(app: Flask) -> list[dict]:
    client = app.test_client()
    return [client.post("/v1/verify", json={"quote": q, "limit": 5}).get_json() for q in QUOTES]


@pytest.fixture
def first(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


def test_a_restart_opens_the_snapshot_and_answers_the_same(
    first: Flask, make_app: Callable[..., Flask]
) -> None:
    assert engine_of(first).index_source == "built"
    assert (Path(first.config["VERBATIM_DATA_DIR"]) / SNAPSHOT_FILENAME).is_file()
    again = make_app()
    assert engine_of(again).index_source == "snapshot"
    assert len(engine_of(again)) == len(engine_of(first))
    assert _answers(again) == _answers(first)


def test_writes_made_after_the_snapshot_are_applied_at_start(
    first: Flask, make_app: Callable[..., Flask]
) -> None:
    store = ArticleStore(store_path(first.config["VERBATIM_DATA_DIR"]))
    store.create(Article(id="late", title="Late", text="Alderman Quillfeather resigned today."))
    store.delete("itv-2025-08-19-trump-rules-out-sending-troops-to-ukraine")
    again = make_app()
    engine = engine_of(again)
    assert engine.index_source == "snapshot"
    assert engine.generation == store.generation()
    found = engine.verify("Alderman Quillfeather resigned today.")
    assert (found.verdict, found.match.article.id) == ("verbatim", "late")
    gone = engine.verify("They are willing to put people on the ground")
    assert gone.match is None or gone.match.article.id != (
        "itv-2025-08-19-trump-rules-out-sending-troops-to-ukraine"
    )


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage"])
def test_a_damaged_snapshot_is_rebuilt_with_a_warning(
    first: Flask,
    make_app: Callable[..., Flask],
    damage: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    path = Path(first.config["VERBATIM_DATA_DIR"]) / SNAPSHOT_FILENAME
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "flip":
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :])
    else:
        path.write_bytes(b"not a snapshot at all")
    with caplog.at_level(logging.WARNING, logger="service.index_snapshot"):
        again = make_app()
    assert engine_of(again).index_source == "built"
    assert _answers(again) == _answers(first)
    reason = {
        "truncate": "truncated or corrupt (checksum mismatch)",
        "flip": "truncated or corrupt (checksum mismatch)",
        "garbage": "not an index snapshot",
    }[damage]
    assert [r.getMessage() for r in caplog.records] == [
        f"index snapshot {path} not used: {reason}; rebuilding the index"
    ]
    assert load_snapshot(path) is not None  # the rebuild saved a sound one


def test_a_snapshot_from_other_matching_code_is_not_used(first: Flask) -> None:
    path = Path(first.config["VERBATIM_DATA_DIR"]) / SNAPSHOT_FILENAME
    data = path.read_bytes()
    assert code_fingerprint().encode() in data
    path.write_bytes(data.replace(code_fingerprint().encode(), b"0" * 64, 1))
    assert load_snapshot(path) is None


def test_a_snapshot_of_the_previous_format_is_rebuilt_not_misread(
    first: Flask, make_app: Callable[..., Flask], monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    # Format 2 pickled the vocabulary and term dictionaries as dicts; written as the old code
    # would have (same layout, its version number), it must be rebuilt rather than read.
    path = Path(first.config["VERBATIM_DATA_DIR"]) / SNAPSHOT_FILENAME
    monkeypatch.setattr(index_snapshot, "FORMAT_VERSION", 2)
    index_snapshot.save_snapshot(path, engine_of(first).matcher, engine_of(first).generation)
    monkeypatch.undo()
    assert index_snapshot.saved_generation(path) is None
    with caplog.at_level(logging.WARNING, logger="service.index_snapshot"):
        assert load_snapshot(path) is None
    assert "written by another version of the matching code" in caplog.text
    rebuilt = engine_of(make_app())
    assert rebuilt.index_source == "built"
    assert _answers(make_app()) == _answers(first)
    assert load_snapshot(path) is not None


def test_a_snapshot_ahead_of_the_store_is_not_used(
    first: Flask, make_app: Callable[..., Flask], tmp_path: Path
) -> None:
    data_dir = Path(first.config["VERBATIM_DATA_DIR"])
    store = ArticleStore(store_path(data_dir))
    store.create(Article(id="late", title="Late", text="Alderman Quillfeather resigned today."))
    engine_of(make_app())._save_snapshot(data_dir / SNAPSHOT_FILENAME)
    # A store restored from an older backup, with the newer snapshot beside it.
    older = tmp_path / "restored"
    make_app(VERBATIM_DATA_DIR=str(older))
    shutil.copy(data_dir / SNAPSHOT_FILENAME, older / SNAPSHOT_FILENAME)
    restored = engine_of(make_app(VERBATIM_DATA_DIR=str(older)))
    assert restored.index_source == "built"
    assert restored.verify("Alderman Quillfeather resigned today.").match is None


def test_a_leftover_temporary_file_from_a_crashed_save_changes_nothing(
    first: Flask, make_app: Callable[..., Flask]
) -> None:
    data_dir = Path(first.config["VERBATIM_DATA_DIR"])
    (data_dir / f".{SNAPSHOT_FILENAME}.crashed.tmp").write_bytes(b"half a snapshot")
    assert engine_of(make_app()).index_source == "snapshot"


def test_the_header_is_a_plain_dict(first: Flask) -> None:
    path = Path(first.config["VERBATIM_DATA_DIR"]) / SNAPSHOT_FILENAME
    with path.open("rb") as fh:
        fh.read(len(b"VERBATIM-INDEX\n"))
        size = int.from_bytes(fh.read(8), "little")
        header = pickle.loads(fh.read(size))
    assert sorted(header) == ["buffers", "code", "format", "generation", "stream"]
    assert header["format"] == 3
    assert header["generation"] == engine_of(first).generation
    # The packed arrays are out of band, each page-aligned so that it can be mapped.
    assert len(header["buffers"]) > 10
    assert all(offset % mmap.PAGESIZE == 0 for offset, _, _ in header["buffers"])


def test_the_arrays_are_mapped_from_the_file_not_read(first: Flask) -> None:
    path = Path(first.config["VERBATIM_DATA_DIR"]) / SNAPSHOT_FILENAME
    loaded = load_snapshot(path)
    assert loaded is not None
    maps = Path("/proc/self/maps").read_text()
    assert str(path.resolve()) in maps
    matcher = loaded.matcher
    assert len(matcher) == len(engine_of(first))
    # Applying a write changes this process's copy only (copy-on-write), never the file.
    before = path.read_bytes()
    matcher.remove(next(iter(engine_of(first).matcher._articles)))
    matcher.add(Article(id="late", title="Late", text="Alderman Quillfeather resigned today."))
    assert matcher.find("Alderman Quillfeather resigned today.")[0].article_id == "late"
    assert path.read_bytes() == before


def test_copies_opened_together_change_independently(first: Flask) -> None:
    path = Path(first.config["VERBATIM_DATA_DIR"]) / SNAPSHOT_FILENAME
    loaded = load_snapshot_copies(path, 2)
    assert loaded is not None
    one, two = (copy.matcher for copy in loaded)
    assert loaded[0].generation == loaded[1].generation == engine_of(first).generation
    gone = next(iter(engine_of(first).matcher._articles))
    quote = " ".join(one.article(gone).text.split()[:12])
    one.remove(gone)
    one.add(Article(id="late", title="Late", text="Alderman Quillfeather resigned today."))
    assert [m.article_id for m in two.find(quote, 1)] == [gone]
    assert gone not in [m.article_id for m in one.find(quote, 1)]
    assert two.find("Alderman Quillfeather resigned today.") == []
