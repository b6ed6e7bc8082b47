"""Build `service/attribution/data/given_names.tsv.gz` from the `nomquamgender` gazetteer.

    .venv/bin/pip install -e '.[gazetteer]' && .venv/bin/python scripts/build_given_names.py

nomquamgender (Van Buskirk et al., MIT licence, code and data alike: its LICENSE file covers the
package, name_data.json included) lists ~720k given names with the number of sources and people
they were seen with and p(female). We keep names seen in at least MIN_SOURCES sources and
MIN_COUNT people, so one-off strings (surnames, places and typos that slipped into a source) stay
out, and write one line per name: the folded name and "f", "m" or "-" (p(female) between
1 - GENDERED and GENDERED: "Andrea", "Nicola" tell nothing). The service reads the small file,
not the 22 MB JSON, so a worker starts in milliseconds.
"""

from __future__ import annotations

import gzip
import importlib.resources
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "service" / "attribution" / "data" / "given_names.tsv.gz"
MIN_SOURCES = 5
MIN_COUNT = 100
GENDERED = 0.9
_PLAIN = re.compile(r"^[a-z]+(?:-[a-z]+)?$")


def main() -> int:
    source = importlib.resources.files("nomquamgender").joinpath("name_data.json")
    data = json.loads(source.read_text(encoding="utf-8"))
    rows = []
    for name, (sources, count, p_female, *_rest) in data.items():
        if sources < MIN_SOURCES or count < MIN_COUNT or not _PLAIN.match(name):
            continue
        gender = "f" if p_female >= GENDERED else "m" if p_female <= 1 - GENDERED else "-"
        rows.append(f"{name}\t{gender}\n")
    rows.sort()
    with gzip.GzipFile(OUT, "wb", mtime=0) as out:
        out.write("".join(rows).encode())
    print(f"{len(rows)} names -> {OUT} ({OUT.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
