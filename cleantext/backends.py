"""Which implementation runs each part that has a faster twin: compiled kernels or Python,
RE2 or regex.

Every part has a pure-Python reference with the same output; the compiled kernels (built at
install time, or shipped in the binary wheels) and RE2 only make it faster (the README has
figures). A slow install is otherwise invisible, so ``cleantext --version`` prints
:func:`report` and ``cleantext clean`` warns once when a kernel is not in use
(:func:`kernel_warning`), or fails when ``CLEANTEXT_REQUIRE_KERNEL=1`` asks for the kernels
(as CI and benchmarks should).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata

from ._build import extension_status
from .errors import InstallError
from .matcher import available as re2_available

REQUIRE_KERNEL_ENV = "CLEANTEXT_REQUIRE_KERNEL"
"""Set to 1 to make a missing compiled kernel an error instead of a warning."""

_KERNELS = (
    ("classifier kernel", "cleantext.classify._kernel", "Python (numpy)"),
    ("action scans", "cleantext.actions._scan", "Python"),
    ("HTML features", "cleantext.html._features", "Python (numpy)"),
)


@dataclass(frozen=True, slots=True)
class Backend:
    """What runs one part.

    Attributes:
        part: the part, as users know it ("classifier kernel", "matching").
        running: the implementation that runs ("compiled", "Python (numpy)", "RE2", ...).
        fast: whether that is the fast implementation.
        detail: the module that runs, or why the fast one does not.
    """

    part: str
    running: str
    fast: bool
    detail: str

    def __str__(self) -> str:
        return f"{self.part}: {self.running}" + (
            f" ({self.detail})" if self.fast else f", as {self.detail}"
        )


def kernels() -> tuple[Backend, ...]:
    """The compiled kernels and whether each is in use (a stale build is not)."""
    backends = []
    for part, module, twin in _KERNELS:
        status = extension_status(module)
        if status.compiled:
            backends.append(Backend(part, "compiled", True, module))
        else:
            backends.append(Backend(part, twin, False, f"{module} is {status.problem}"))
    return tuple(backends)


def matching() -> Backend:
    """The regular-expression engine that finds rule matches."""
    if not re2_available():
        return Backend("matching", "regex", False, "google-re2 is not installed")
    try:
        version = f"google-re2 {metadata.version('google-re2')}"
    except metadata.PackageNotFoundError:
        version = "google-re2"
    return Backend("matching", "RE2", True, f"{version}; regex for the patterns RE2 cannot run")


def active() -> tuple[Backend, ...]:
    """Every part with a faster twin and what runs it."""
    return (*kernels(), matching())


def report() -> str:
    """One line per part, as ``cleantext --version`` prints them."""
    return "\n".join(map(str, active()))


def kernel_required(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether ``CLEANTEXT_REQUIRE_KERNEL`` asks for the compiled kernels (``1``; ``0`` or
    unset does not)."""
    return environ.get(REQUIRE_KERNEL_ENV, "").strip().lower() not in ("", "0", "false", "no")


def kernel_warning(environ: Mapping[str, str] = os.environ) -> str | None:
    """What to tell the user when a compiled kernel is not in use, or None when all are.

    Raises:
        InstallError: a kernel is not in use and ``CLEANTEXT_REQUIRE_KERNEL`` asks for them.
    """
    missing = [backend for backend in kernels() if not backend.fast]
    if not missing:
        return None
    reasons = "; ".join(backend.detail for backend in missing)
    fix = (
        "install a binary wheel of cleantext-news, or reinstall it where a C compiler is "
        "available (in a checkout: pip install -e .)"
    )
    if kernel_required(environ):
        raise InstallError(
            f"{REQUIRE_KERNEL_ENV} requires the compiled kernels, but {reasons}. To fix: {fix}."
        )
    return (
        f"compiled kernel{'s' if len(missing) > 1 else ''} not in use ({reasons}): Python runs "
        f"instead, with the same output but slower. To fix: {fix}; `cleantext --version` "
        "shows what runs."
    )
