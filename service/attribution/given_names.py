"""Given names and their usual gender, from the nomquamgender gazetteer (MIT licence).

`data/given_names.tsv.gz` is built by `scripts/build_given_names.py`: ~37k names seen in at
least 5 sources and 100 people, each with "f", "m" or "-" (used for both). It answers two
questions the capitalisation of a word cannot: is this word someone's first name (a person
test: "Carrie Lam" is a person, "Leeds Pride" is not), and which pronoun fits that person when
the article itself never says ("Aparna Garg ... she").
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib.resources import files


@cache
def _table() -> dict[str, str]:
    raw = files("service.attribution").joinpath("data/given_names.tsv.gz").read_bytes()
    table = {}
    for line in gzip.decompress(raw).decode().splitlines():
        name, _, gender = line.partition("\t")
        table[name] = gender
    return table


def is_given_name(folded: str) -> bool:
    """Whether a folded word ("carrie", "yevgeny") is a common given name somewhere."""
    return folded in _table()


def given_name_gender(folded: str) -> str | None:
    """ "f" or "m" when the gazetteer's people with that first name are at least 90% one
    gender, else None (unknown or used for both)."""
    gender = _table().get(folded)
    return gender if gender in ("f", "m") else None
