"""The action vocabulary: every word a rule file may use in ``action = "..."``.

To add an action: write a pure function from lines to an :class:`Outcome` in the module of its
family, describe it with an :class:`ActionSpec` (stage, parameters, builder), and list it in
``ACTIONS`` below. Rule files can use it as soon as it is listed.
"""

from __future__ import annotations

from .base import ActionSpec, Change, Outcome, Param, ParamKind, Stage, Step
from .captions import (
    DROP_BYLINE_CAPTIONS,
    DROP_CAPTION_BLOCK,
    DROP_CAPTION_LINE,
    DROP_GLUED_CAPTION,
)
from .copies import DROP_REPEATED_PASSAGES
from .header import TRUNCATE_BEFORE
from .lines import DROP_LINE, LINE_RULE_BUILDERS, TRUNCATE_FROM, LineRule, run_line_rules
from .metadata import EXTRACT_BYLINE, EXTRACT_FIELDS, EXTRACT_MASTHEAD, EXTRACT_MASTHEAD_SHAPE
from .normalize import COLLAPSE_BLANK_LINES, NORMALIZE_WHITESPACE, REPAIR_UNICODE
from .repair import DROP_ORPHAN_HEADING, REJOIN_SPLIT_SENTENCE
from .spans import COLLAPSE_REPEAT, DROP_SPAN, REPLACE

ACTIONS: dict[str, ActionSpec] = {
    spec.name: spec
    for spec in (
        NORMALIZE_WHITESPACE,
        REPAIR_UNICODE,
        DROP_SPAN,
        REPLACE,
        COLLAPSE_REPEAT,
        EXTRACT_MASTHEAD,
        EXTRACT_MASTHEAD_SHAPE,
        EXTRACT_BYLINE,
        EXTRACT_FIELDS,
        DROP_LINE,
        TRUNCATE_FROM,
        TRUNCATE_BEFORE,
        DROP_CAPTION_BLOCK,
        DROP_GLUED_CAPTION,
        DROP_CAPTION_LINE,
        DROP_BYLINE_CAPTIONS,
        DROP_REPEATED_PASSAGES,
        REJOIN_SPLIT_SENTENCE,
        DROP_ORPHAN_HEADING,
        COLLAPSE_BLANK_LINES,
    )
}

__all__ = [
    "ACTIONS",
    "LINE_RULE_BUILDERS",
    "ActionSpec",
    "Change",
    "LineRule",
    "Outcome",
    "Param",
    "ParamKind",
    "Stage",
    "Step",
    "run_line_rules",
]
