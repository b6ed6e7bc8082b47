"""`verbatim` command line: bulk import into the store and export back out as JSON Lines.

    verbatim import PATH...          files or folders (.txt .md .json .jsonl .html)
    verbatim export [-o FILE]        every article as JSON Lines (stdout by default)

Both use the PostgreSQL database in `--database-url`, else `$VERBATIM_DATABASE_URL`; without one,
the SQLite store in `--data-dir`, else `$VERBATIM_DATA_DIR`, else `./var` - the store the server
reads, so articles imported while it runs are served on the next request (on every replica).
Moving from SQLite to PostgreSQL: `verbatim export -o corpus.jsonl`, then
`verbatim --database-url postgresql://... import corpus.jsonl` (idempotent, re-runnable).
Stored-but-changed articles (an id made from a file name, a title slug taken in the same run
and suffixed) are printed as `notice` lines; they do not change the exit status.
An article whose quotes take longer to attribute than the server would allow a write
(`--request-budget`, default $VERBATIM_REQUEST_BUDGET, as the server) is not stored: it is a
`skipped` line naming its id, and the summary counts it as "too slow to attribute".
Exit status: 0 on success, 1 if any file or record was skipped (a refused slow article
included), 2 on a usage error, 3 if the store cannot be reached or opened (the message names
the file and why), 4 if its disk filled up during an import (every batch committed before that
is kept; re-run once there is space).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from tqdm import tqdm

from service.admission import refuse_if_slow
from service.config import request_budget_from_env
from service.corpus.formats import find_article_files
from service.corpus.importer import import_paths
from service.corpus.store import (
    DEFAULT_BATCH_SIZE,
    Store,
    StoreFull,
    StoreOpenError,
    StoreUnavailable,
    article_fields,
    open_store,
)


def _data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data_dir or os.environ.get("VERBATIM_DATA_DIR") or "var")


def _open(args: argparse.Namespace) -> Store:
    """The store the server would use with the same settings (the flag wins over the env)."""
    url = args.database_url or os.environ.get("VERBATIM_DATABASE_URL") or None
    return open_store(_data_dir(args), url)


def run_import(args: argparse.Namespace) -> int:
    store = _open(args)
    budget = args.request_budget
    files, _ = find_article_files(args.paths)
    # tqdm hides itself when stderr is not a terminal (disable=None), so logs and pipes stay clean.
    with tqdm(
        total=len(files), unit="file", desc="importing", disable=None if not args.quiet else True
    ) as progress:
        report = import_paths(
            store,
            args.paths,
            batch_size=args.batch_size,
            on_file_done=lambda _path: progress.update(1),
            admit=lambda article: refuse_if_slow(article, budget),
        )
    for error in report.skipped:
        print(f"skipped {error.path}: {error.reason}", file=sys.stderr)
    for notice in report.notices:
        print(f"notice {notice.path}: {notice.message}", file=sys.stderr)
    counts = report.counts
    notices = f", notices {counts['notices']}" if report.notices else ""
    slow = f" ({len(report.refused)} too slow to attribute)" if report.refused else ""
    print(
        f"added {counts['added']}, updated {counts['updated']}, "
        f"unchanged {counts['unchanged']}, skipped {counts['skipped']}{slow}{notices} "
        f"(store: {store.count()} articles in {store.location})"
    )
    return 1 if report.skipped else 0


def run_export(args: argparse.Namespace) -> int:
    store = _open(args)
    if args.output in (None, "-"):
        count = _write_jsonl(store, sys.stdout)
        print(f"exported {count} articles", file=sys.stderr)
        return 0
    target = Path(args.output)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target and rename, so an interrupted export never leaves half a file
    # where a complete one was expected.
    fd, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            count = _write_jsonl(store, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    print(f"exported {count} articles to {target}", file=sys.stderr)
    return 0


def _write_jsonl(store: Store, handle) -> int:
    count = 0
    for article in store.iter_all():
        handle.write(json.dumps(article_fields(article), ensure_ascii=False) + "\n")
        count += 1
    return count


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="verbatim", description="Manage the Verbatim article store."
    )
    parser.add_argument(
        "--data-dir",
        help="folder holding verbatim.sqlite3 (default: $VERBATIM_DATA_DIR or ./var)",
    )
    parser.add_argument(
        "--database-url",
        help="postgresql://user:pass@host:port/db: use this PostgreSQL store instead "
        "(default: $VERBATIM_DATABASE_URL; unset means the SQLite store)",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    importer = commands.add_parser(
        "import",
        help="add or update articles from files and folders",
        description="Import .txt/.md (with a 'Key: value' header), .json, .jsonl and saved .html "
        "files. Re-running is safe: unchanged articles are left alone.",
    )
    importer.add_argument("paths", nargs="+", metavar="PATH", help="file or folder (recursive)")
    importer.add_argument(
        "--batch-size",
        type=int,
        default=DEFAULT_BATCH_SIZE,
        help=f"articles per transaction (default {DEFAULT_BATCH_SIZE})",
    )
    importer.add_argument(
        "--request-budget",
        type=float,
        metavar="SECONDS",
        help="refuse an article whose quotes take more than half this many CPU seconds to "
        "attribute, as the server refuses such a write (default: $VERBATIM_REQUEST_BUDGET, "
        "else 5; 0 stores every valid article unchecked)",
    )
    importer.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    importer.set_defaults(handler=run_import)

    exporter = commands.add_parser("export", help="write every article as JSON Lines")
    exporter.add_argument("-o", "--output", help="file to write (default: standard output)")
    exporter.set_defaults(handler=run_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "batch_size", 1) < 1:
        parser.error("--batch-size must be at least 1")
    if args.command == "import" and args.request_budget is None:
        try:
            args.request_budget = request_budget_from_env()
        except RuntimeError as exc:  # a value that is not a number: say which
            parser.error(str(exc))
    try:
        return args.handler(args)
    except (StoreUnavailable, StoreOpenError) as exc:
        print(f"verbatim: {exc}", file=sys.stderr)
        return 3
    except StoreFull as exc:
        print(
            f"verbatim: {exc} Every batch committed before it is kept: free some space and run "
            "the same import again (articles already stored are skipped).",
            file=sys.stderr,
        )
        return 4


if __name__ == "__main__":
    sys.exit(main())
