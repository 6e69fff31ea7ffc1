"""Combined matchers: many patterns answered by one pass, whatever the number of rules.

Rule patterns are written for the ``regex`` module. Trying each rule on each line would make
the cost grow with the number of rules, so the patterns of a stage are combined, and RE2
(``google-re2``, linear time, one automaton for all patterns) finds where anything can match:

* :class:`LineMatcher` answers "which is the first rule (in rule order) whose pattern matches
  this whole line?" for every line of a document: one RE2 scan of the whole text with a
  relaxed form of every pattern, ``(?m)^(?:r0|r1|...)$``, names the few candidate lines; on
  each, an RE2 set says which relaxed patterns match and ``regex`` confirms them in rule
  order. Patterns with backreferences, which RE2 cannot relax, are tried on every line.
* :class:`PatternGate`: which of these patterns may match somewhere in this text (one RE2
  set scan); :class:`LineFilter`: on which lines may this pattern match (one RE2 scan).
* :class:`MarkerScan`: which of these patterns occur in a text searched with
  ``regex.MULTILINE`` (site detection): an RE2 set scan, then ``regex`` on the candidates.

Relaxed forms (:func:`translate` with ``relaxed=True``) match everything the original matches
and maybe more: lookarounds and ``\\b`` are dropped, counted repetitions opened, Unicode
classes widened to their ASCII members plus every non-ASCII character. A relaxed pattern can
only add candidates, which ``regex`` then rejects, so results are exactly those of ``regex``
by construction; the tests compare both on generated text. :func:`translate` gives up
(``None``) on anything it cannot render, and then ``regex`` alone is used, as it is for
everything when ``google-re2`` is not installed.
"""

from .gates import JointScan, MarkerScan, PatternGate, pattern_gate
from .lines import OUTER_SPACE, LineFilter, LineMatcher, LineMatchers, line_matcher
from .re2_syntax import Mode, available, known_valid, scoped, translate
from .text import Lines, encoded, joined, joined_length, line_numbers, match_spans, matched_lines

__all__ = [
    "OUTER_SPACE",
    "JointScan",
    "LineFilter",
    "LineMatcher",
    "LineMatchers",
    "Lines",
    "MarkerScan",
    "Mode",
    "PatternGate",
    "available",
    "encoded",
    "joined",
    "joined_length",
    "known_valid",
    "line_matcher",
    "line_numbers",
    "match_spans",
    "matched_lines",
    "pattern_gate",
    "scoped",
    "translate",
]
