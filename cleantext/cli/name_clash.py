"""Stop early, saying how to fix it, when another distribution installed a ``cleantext`` too.

Two other PyPI distributions, ``clean-text`` and ``cleantext``, install a top-level package
named ``cleantext``, as this one (``cleantext-news``) does. In one environment the last one
installed overwrites the files of the other, and what is left fails far from the cause: an
unknown version, a missing module, another library's functions. The command line imports
this module before anything else of the package, and it raises :class:`InstallError` naming
the other distribution when the installed metadata shows one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from importlib import metadata

from ..errors import InstallError

DISTRIBUTION = "cleantext-news"
IMPORT_NAME = "cleantext"


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _provides(distribution: metadata.Distribution, import_name: str) -> bool:
    """Whether ``distribution`` installs the top-level module or package ``import_name``.

    ``top_level.txt`` (written by setuptools) says so directly; otherwise the ``RECORD`` of
    installed files does. Both are read as text: parsing every record would cost more than
    the rest of the check.
    """
    top_level = distribution.read_text("top_level.txt")
    if top_level is not None:
        return import_name in top_level.split()
    record = distribution.read_text("RECORD") or ""
    return re.search(rf"^{re.escape(import_name)}(?:/|\.py,)", record, re.MULTILINE) is not None


def other_providers(
    import_name: str = IMPORT_NAME, *, path: Sequence[str] | None = None
) -> list[str]:
    """The installed distributions other than ``cleantext-news`` that provide ``import_name``,
    as ``"name version"``, searched on ``path`` (default: ``sys.path``)."""
    found = metadata.distributions() if path is None else metadata.distributions(path=list(path))
    others: dict[str, str] = {}
    for distribution in found:
        name = distribution.metadata["Name"] or "unknown"
        if _normalized(name) != DISTRIBUTION and _provides(distribution, import_name):
            others.setdefault(_normalized(name), f"{name} {distribution.version}")
    return sorted(others.values())


def check_sole_provider(*, path: Sequence[str] | None = None) -> None:
    """Raise :class:`InstallError` when another distribution provides ``cleantext`` too."""
    others = other_providers(path=path)
    if not others:
        return
    names = [other.split()[0] for other in others]
    raise InstallError(
        f"another installed distribution also provides the import name '{IMPORT_NAME}': "
        f"{', '.join(others)}. Python imports only one package of that name, and installing "
        "one over the other mixed their files. To fix: "
        f"pip uninstall -y {' '.join(names)} {DISTRIBUTION} && pip install {DISTRIBUTION}, "
        f"and install {' and '.join(names)} in another virtual environment."
    )


check_sole_provider()
