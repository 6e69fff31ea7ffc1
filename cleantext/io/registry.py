"""The one registry of formats: every engine looks formats up here.

Formats are found, not listed: each module of :mod:`cleantext.io.formats` (in name order,
helpers starting with ``_`` aside) contributes the instances in its ``FORMATS``, so adding a
format is adding a module. ``cleantext clean`` (locally and with ``-j``), the Dask engine and
``cleantext mine`` all read through :func:`format_named` / :func:`format_for` and the
formats' own readers.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from functools import cache
from pathlib import PurePath

from ..errors import ConfigError
from . import formats as _package
from .chunk import Payload
from .format import Format

#: The format of a name no format claims, and of standard input.
DEFAULT = "text"

#: The writer of each payload when the output's name does not choose one.
_DEFAULT_WRITERS = {
    Payload.TEXT: "text",
    Payload.JSONL: "jsonl",
    Payload.RECORDS: "jsonl",
    Payload.ARROW: "parquet",
}


@cache
def all_formats() -> Mapping[str, Format]:
    """Every format, by name, in the order of their modules' names."""
    found: dict[str, Format] = {}
    for module in sorted(info.name for info in pkgutil.iter_modules(_package.__path__)):
        if module.startswith("_"):
            continue
        for fmt in importlib.import_module(f"{_package.__name__}.{module}").FORMATS:
            if fmt.name in found:
                raise ConfigError(f"two formats are named {fmt.name!r} (module {module}).")
            found[fmt.name] = fmt
    return found


def names() -> list[str]:
    """The format names ``--format`` accepts."""
    return list(all_formats())


def format_named(name: str) -> Format:
    """The format called ``name``.

    >>> format_named("jsonl")
    <format jsonl>
    """
    try:
        return all_formats()[name]
    except KeyError:
        known = ", ".join(all_formats())
        raise ConfigError(f"unknown format {name!r}; choose one of {known}.") from None


def claimed_by(name: str | PurePath) -> Format | None:
    """The format whose file name ending ``name`` has (the longest such ending), if any.

    >>> claimed_by("crawl.warc.wet.gz"), claimed_by("page.HTM"), claimed_by("notes")
    (<format wet>, <format html>, None)
    """
    best: tuple[int, Format | None] = (0, None)
    for fmt in all_formats().values():
        suffix = fmt.suffix_of(name)
        if len(suffix) > best[0]:
            best = (len(suffix), fmt)
    return best[1]


def format_for(name: str | PurePath) -> Format:
    """The format a file name says, looking past a compression extension; text otherwise.

    >>> format_for("dump.ndjson.zst"), format_for("articles/0001.txt")
    (<format jsonl>, <format text>)
    """
    return claimed_by(name) or all_formats()[DEFAULT]


def sniffed(head: bytes) -> Format | None:
    """The format the start of a file shows by its content (``--format auto``), if any."""
    return next((fmt for fmt in all_formats().values() if fmt.sniff(head)), None)


def writer_for(payload: Payload) -> Format:
    """The output format of ``payload`` when the output's name does not say one."""
    return all_formats()[_DEFAULT_WRITERS[payload]]
