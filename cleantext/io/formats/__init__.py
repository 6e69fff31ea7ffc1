"""The formats, one module each; :mod:`cleantext.io.registry` finds them here.

A module here holds the :class:`~cleantext.io.format.Format` subclasses of one format (or of
two that share their reading, as Nexis and Factiva exports, or WARC and WET files) and lists
their instances in ``FORMATS``. Modules whose names start with ``_`` are helpers, not formats.
"""
