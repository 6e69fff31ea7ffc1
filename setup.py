"""The optional compiled parts; all other metadata is in pyproject.toml.

* ``cleantext.classify._kernel``: the line classifier's features and model;
* ``cleantext.actions._scan``: line scans of the rule actions;
* ``cleantext.html._features``: the HTML line model's features.

``optional=True``: where no C compiler is available the install still succeeds, and each
runs its pure-Python reference instead (numpy for the classifier): slower, same output.
``cleantext --version`` says which runs.

Each extension is stamped with a hash of the Python sources it mirrors
(``cleantext/_build.py``), and lists them as dependencies so that editing one rebuilds it;
at import a module whose stamp does not match the installed sources is refused.
"""

import importlib.util
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


def _load_build_module():
    """``cleantext/_build.py`` loaded by path: importing the package needs its dependencies,
    which the build environment does not have."""
    path = ROOT / "cleantext" / "_build.py"
    spec = importlib.util.spec_from_file_location("cleantext_build", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


_build = _load_build_module()


def stamped_extension(name: str, source: str) -> Extension:
    """The optional extension ``name``, stamped with the hash of the Python code it mirrors."""
    return Extension(
        name,
        sources=[source],
        depends=[f"cleantext/{relative}" for relative in _build.MIRRORED_SOURCES[name]],
        define_macros=[(_build.STAMP_MACRO, f'"{_build.source_stamp(name, ROOT / "cleantext")}"')],
        optional=True,
    )


class BuildExt(build_ext):
    """Compiles without contracting a * b + c into one fused multiply-add.

    A fused multiply-add rounds once where numpy (the reference) rounds twice, so the kernel's
    features and scores would drift from it in the last bits. gcc and clang contract where the
    target has the instruction (clang by default on arm64, such as Apple silicon), hence the
    flag; MSVC (2022 and later) does not contract unless told to.
    """

    def build_extensions(self) -> None:
        if self.compiler.compiler_type != "msvc":
            for extension in self.extensions:
                extension.extra_compile_args.append("-ffp-contract=off")
        super().build_extensions()


setup(
    ext_modules=[
        stamped_extension("cleantext.classify._kernel", "cleantext/classify/_kernel.c"),
        stamped_extension("cleantext.actions._scan", "cleantext/actions/_scan.c"),
        stamped_extension("cleantext.html._features", "cleantext/html/_features.c"),
    ],
    cmdclass={"build_ext": BuildExt},
)
