"""cleantext: remove boilerplate (bylines, captions, footers, navigation) from scraped news text.

>>> import cleantext
>>> cleantext.clean("Troops moved in at dawn, officials said.\\n\\nNewspapers in English")
'Troops moved in at dawn, officials said.'

Use a :class:`Cleaner` to reuse compiled rules with options (:class:`CleanOptions`), and
:func:`explain` (or ``Cleaner.explain``) to see every edit with the rule that made it.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from .classify.dump import DumpReading, read_dump
from .document import Cleaned, Edit, replay
from .errors import CleanTextError, ConfigError, InputError, Problem, RuleFileError
from .options import RULES_DIR_ENV, CleanOptions
from .pipeline import Cleaner
from .rules import RuleLibrary, default_library

__version__ = "0.1.0"

RulesArg = RuleLibrary | str | Path | Sequence[str | Path] | None


@cache
def _default_cleaner(rules_dirs: str) -> Cleaner:
    """The cleaner of the shipped rules and those of ``CLEANTEXT_RULES_DIR`` (``rules_dirs``,
    its value: a cleaner is built again only when it changes)."""
    return Cleaner()


def _cleaner(rules: RulesArg) -> Cleaner:
    if rules is None:
        return _default_cleaner(os.environ.get(RULES_DIR_ENV, ""))
    return Cleaner(rules)


def clean(text: str, *, rules: RulesArg = None, url: str | None = None) -> str:
    """Return ``text`` without boilerplate.

    Args:
        text: one document.
        rules: rule folders/files to load besides the shipped rules (and those of
            ``CLEANTEXT_RULES_DIR``), or a :class:`RuleLibrary` to use as it is. For many
            documents, or other options, build a :class:`Cleaner` once instead.
        url: the document's URL, used to choose site rules.
    """
    return _cleaner(rules).clean(text, url=url)


def explain(text: str, *, rules: RulesArg = None, url: str | None = None) -> Cleaned:
    """Clean ``text`` and return the result with every edit, the metadata and rule sets used."""
    return _cleaner(rules).explain(text, url=url)


__all__ = [
    "CleanOptions",
    "CleanTextError",
    "Cleaned",
    "Cleaner",
    "ConfigError",
    "DumpReading",
    "Edit",
    "InputError",
    "Problem",
    "RuleFileError",
    "RuleLibrary",
    "clean",
    "default_library",
    "explain",
    "read_dump",
    "replay",
]
