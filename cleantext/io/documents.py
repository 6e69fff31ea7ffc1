"""The documents of a dump, uncleaned, in any format the registry knows: what ``cleantext
mine`` counts lines in and ``cleantext rules`` samples.

Records name their text and URL under any of several field names (:data:`TEXT_FIELDS`,
:data:`URL_FIELDS`), since dumps from different scrapers do.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..document import Document
from ..errors import InputError
from .compression import corrupt_errors, open_decompressed
from .format import Fields
from .read import CHUNK_BYTES
from .registry import claimed_by, format_for

TEXT_FIELDS = ("text", "content", "raw_text", "body")
URL_FIELDS = ("url", "link", "source_url")
FIELDS = Fields(TEXT_FIELDS, URL_FIELDS)


def iter_documents(path: str | Path, *, fields: Fields = FIELDS) -> Iterator[Document]:
    """Documents of a dump: a file of any format (by its name), or a folder's files that a
    format claims by name, recursively, in name order (hidden files left out).

    A JSONL record needs a text field (``text``, ``content``...); a URL field is optional.

    Raises:
        InputError: a file is missing, cut short, or holds a record without text; names it.
    """
    path = Path(path)
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
            if child.is_file() and not hidden and claimed_by(child) is not None:
                yield from iter_documents(child, fields=fields)
        return
    if not path.exists():
        raise InputError(f"{path}: no such file.")
    fmt = format_for(path)
    try:
        with open(path, "rb") as raw, open_decompressed(raw, fmt.input_codec(path)) as stream:
            for chunk in fmt.chunks(stream, str(path), chunk_bytes=CHUNK_BYTES):
                if chunk.error:
                    raise InputError(f"{path}: {chunk.error}")
                yield from fmt.documents(chunk, fields)
    except corrupt_errors() as error:
        raise InputError(f"{path}: cannot be read: {error}") from error
