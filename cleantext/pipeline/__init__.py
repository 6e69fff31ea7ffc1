"""The cleaning pipeline: the ordered steps a document goes through, and the ``Cleaner``.

Order (defined here and in :class:`~cleantext.actions.Stage`, nowhere else):

1. ``normalize``: the normalization rules of generic sets (whitespace, unicode repair);
2. detect: choose site sets by URL domain, else by content signature (on normalized text);
3. ``inline`` → ``extract`` → ``lines`` → ``blocks`` → ``classify`` → ``repair`` →
   ``finalize``: in each stage the rules of site sets run first (a site before the sets it
   extends), then those of generic sets (by set id), each set's rules in file order. All
   whole-line rules of the ``lines`` stage run as one combined pass; the lines mined for the
   document's site (``drop_lines``) are dropped after them, and the line classifier runs
   after the rules of the ``classify`` stage;
4. when asked (``drop_headline``), the headline goes, once, from the settled text.

A document is a list of lines; each step returns changes and the pipeline applies them. Only
when an explanation is asked for are the changes turned into character edits, so the plain
``clean`` path never pays for the edit log.

The modules, each with one job:

- :mod:`.plan`: rules ordered into steps, with the gates that skip them;
- :mod:`.steps`: the built-in steps (classifier, mined lines, headline);
- :mod:`.planner`: a cleaner's plans: the rule sets for each detected site, in order;
- :mod:`.run`: one document's state through the steps, and the passes until it settles;
- :mod:`.edits`: changes made into new lines and replayable edits;
- :mod:`.bounds`: what one rule may remove, and the warnings when it is held back;
- :mod:`.facade`: the :class:`Cleaner`, which holds the plans and runs documents.
"""

from .facade import Cleaner
from .plan import PlanStep, build_plan, rule_step
from .run import MAX_PASSES, DocumentRun, run_steps

__all__ = [
    "MAX_PASSES",
    "Cleaner",
    "DocumentRun",
    "PlanStep",
    "build_plan",
    "rule_step",
    "run_steps",
]
