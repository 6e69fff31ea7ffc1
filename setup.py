"""The optional compiled parts; all other metadata is in pyproject.toml.

* ``cleantext.classify._kernel``: the line classifier's features and model;
* ``cleantext.actions._scan``: line scans of the rule actions.

``optional=True``: where no C compiler is available the install still succeeds, and each
runs its pure-Python reference instead (numpy for the classifier): slower, same output.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "cleantext.classify._kernel",
            sources=["cleantext/classify/_kernel.c"],
            optional=True,
        ),
        Extension(
            "cleantext.actions._scan",
            sources=["cleantext/actions/_scan.c"],
            optional=True,
        ),
    ]
)
