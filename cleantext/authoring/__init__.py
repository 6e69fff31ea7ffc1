"""Tools for writing rules, not for cleaning: ``lint`` (``cleantext rules lint``),
``scaffold`` (``cleantext rules new``) and ``mine`` (``cleantext mine``).

They import the core (rules, the pipeline) to check and draft rule files; the core never
imports them (``tests/test_architecture.py``).
"""
