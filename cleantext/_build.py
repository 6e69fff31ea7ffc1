"""Build stamps of the compiled extensions, so that a stale build is refused instead of used.

Each C extension mirrors Python code, its reference twin (see :data:`MIRRORED_SOURCES`). A
compiled module left over from other sources (an old ``build/`` folder, an in-place build
made before the Python twin was edited) would compute something else than the code beside it,
silently. So setup.py stamps every extension it builds with a hash of the Python sources the
extension mirrors (the C macro :data:`STAMP_MACRO`, which the module exposes as
``BUILD_STAMP``), and :func:`extension_status` imports an extension only when that stamp
equals the stamp of the sources installed now; otherwise the pure-Python twin runs and the
status says why (the CLI warns, or fails under ``CLEANTEXT_REQUIRE_KERNEL=1``).

This module uses the standard library only: setup.py loads it by path, before the package's
dependencies are installed.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import ModuleType

PACKAGE_DIR = Path(__file__).resolve().parent

STAMP_MACRO = "CLEANTEXT_BUILD_STAMP"
"""The C macro setup.py defines to each extension's stamp (a quoted string)."""

MIRRORED_SOURCES: dict[str, tuple[str, ...]] = {
    "cleantext.classify._kernel": (
        "classify/__init__.py",
        "classify/features.py",
        "classify/model.py",
        "classify/decide.py",
        "classify/kind.py",
    ),
    "cleantext.actions._scan": ("actions/captions.py", "actions/copies.py", "actions/repair.py"),
    "cleantext.html._features": ("html/features.py", "html/model.py"),
}
"""Each compiled extension and the Python modules (relative to the package) it mirrors."""


def source_stamp(extension: str, package_dir: Path = PACKAGE_DIR) -> str:
    """The stamp of the Python sources ``extension`` mirrors, as found under ``package_dir``.

    Line endings are normalised, so a checkout with CRLF line ends stamps like one with LF.

    >>> len(source_stamp("cleantext.actions._scan"))
    16
    """
    digest = hashlib.sha256()
    for relative in MIRRORED_SOURCES[extension]:
        content = (package_dir / relative).read_bytes().replace(b"\r\n", b"\n")
        digest.update(f"{relative}\0{len(content)}\0".encode())
        digest.update(content)
    return digest.hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class ExtensionStatus:
    """Whether a compiled extension is in use, and if not, why.

    Attributes:
        name: the extension's module name.
        module: the imported extension, or None when its Python twin runs instead.
        problem: why it is not in use, to follow the module's name (empty when it is).
    """

    name: str
    module: ModuleType | None
    problem: str

    @property
    def compiled(self) -> bool:
        """Whether the compiled extension is the one running."""
        return self.module is not None


@cache
def extension_status(name: str) -> ExtensionStatus:
    """Import the extension ``name`` if it was built from the sources installed now.

    Checked once per extension (cached): the first call hashes a few source files.
    """
    return check_extension(name)


def check_extension(
    name: str,
    *,
    import_module: Callable[[str], ModuleType] = importlib.import_module,
    package_dir: Path = PACKAGE_DIR,
) -> ExtensionStatus:
    """:func:`extension_status` uncached, importing with ``import_module`` and comparing with
    the sources under ``package_dir`` (the tests substitute both)."""
    try:
        module = import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        return ExtensionStatus(name, None, "not compiled (no C compiler at install time?)")
    except ImportError as error:
        return ExtensionStatus(name, None, f"cannot be loaded ({error})")
    built_from = getattr(module, "BUILD_STAMP", None)
    try:
        expected = source_stamp(name, package_dir)
    except OSError:
        # Sources not on disk (an application frozen into an archive): nothing to compare.
        return ExtensionStatus(name, module, "")
    if built_from != expected:
        stamp = f"build stamp {built_from}" if built_from else "no build stamp"
        return ExtensionStatus(
            name,
            None,
            "a stale build, compiled from other sources than the installed Python code it "
            f"mirrors ({stamp}, sources {expected})",
        )
    return ExtensionStatus(name, module, "")


def load_extension(name: str) -> ModuleType | None:
    """The extension ``name`` when it is built from the current sources, else None."""
    return extension_status(name).module
