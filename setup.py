"""The optional compiled kernel of the line classifier; all other metadata is in pyproject.toml.

``optional=True``: where no C compiler is available the install still succeeds, and
``cleantext.classify`` runs the same model with numpy (slower, same decisions).
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "cleantext.classify._kernel",
            sources=["cleantext/classify/_kernel.c"],
            optional=True,
        )
    ]
)
