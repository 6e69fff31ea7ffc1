"""A passage printed twice: the later copy goes.

Pages print their article again below itself (an AMP or print copy, structured data, a
summary block that repeats the opening paragraphs), and a text dump keeps every copy. A copy
is recognised by what it is, not by what it says: a run of lines that repeats, line for line
and in order, a run that ends before it, holding at least ``min_passages`` paragraphs of prose
(sentences of ``min_words`` words or more). Lists that repeat their items (a meal plan printed
for each day, a product's tabs, a form's labels) repeat short lines, not paragraphs, and stay.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._build import load_extension
from .base import ActionSpec, Change, Outcome, Param, ParamKind, Stage
from .shape import ends_sentence, has_words

# None when not compiled or built from other sources (see cleantext._build): the Python twin runs.
_compiled_long_repeats = getattr(load_extension("cleantext.actions._scan"), "long_repeats", None)

MAX_LOOKS = 8
"""Looks at what stays after dropping copies (a second is needed only where pieces of a copy
met once another copy between them was gone)."""
WORK_PER_LINE = 32
"""Line comparisons the search for copies may make per line of the text: far more than any
page needs, so that no text makes it quadratic."""
MIN_PASSAGE_CHARS = 40
"""Shortest line that can count as a paragraph of prose (a line of 15 words is far longer):
its length is read before its words."""


def drop_repeated_passages(lines: Sequence[str], *, min_words: int, min_passages: int) -> Outcome:
    """Drop every run of lines that repeats an earlier run and holds ``min_passages`` or more
    paragraphs of prose of ``min_words`` words or more (blank lines between them count as
    nothing on either side; the originals stay).

    >>> para = "The council voted on Monday to close the bridge for repairs over the summer."
    >>> more = "Traffic will be sent through the town centre, which shops fear will hurt trade."
    >>> out = drop_repeated_passages(["Bridge to close", para, more, "Share", para, "", more],
    ...                              min_words=12, min_passages=2)
    >>> out.changes
    (Change(first=4, last=5, lines=(), tag=0), Change(first=6, last=7, lines=(), tag=0))
    >>> drop_repeated_passages(["Day 1", para, "Day 2", para], min_words=12,
    ...                        min_passages=2).changes
    ()
    """
    if not _repeats_passages(lines, min_words, min_passages):
        return Outcome()
    # Dropping a copy can make two pieces of another one meet; looking again at what stays
    # until nothing more goes makes the step its own fixpoint (cleaning again drops nothing).
    index = [i for i, line in enumerate(lines) if line]
    dropped: list[int] = []
    for _ in range(MAX_LOOKS):
        found, complete = _copied(
            [lines[i] for i in index], min_words=min_words, min_passages=min_passages
        )
        if not found:
            break
        dropped += (index[at] for at in found)
        gone = set(found)
        index = [i for at, i in enumerate(index) if at not in gone]
        if not complete:
            break
    else:
        complete = False
    # Out of looks or of work (a text no page resembles): what is left is looked at again
    # on the output, by the next pass of the pipeline.
    changes = tuple(Change(i, i + 1) for i in sorted(dropped))
    return Outcome(changes, unsettled=not complete)


def _copied(text: Sequence[str], *, min_words: int, min_passages: int) -> tuple[list[int], bool]:
    """Positions in ``text`` (non-blank lines) of the lines of every run that repeats an
    earlier run with ``min_passages`` paragraphs, as :func:`drop_repeated_passages` means,
    and whether the search went through the whole text within its :data:`WORK_PER_LINE`."""
    first_seen: dict[str, int] = {}
    for at, line in enumerate(text):
        first_seen.setdefault(line, at)
    found: list[int] = []
    work = WORK_PER_LINE * len(text)
    at = 0
    while at < len(text):
        origin = first_seen[text[at]]
        if origin == at:
            at += 1
            continue
        length = passages = 0
        # The copy runs while it repeats the original line for line, and the original ends
        # before the copy starts.
        while (
            at + length < len(text)
            and origin + length < at
            and text[at + length] == text[origin + length]
        ):
            passages += _is_passage(text[at + length], min_words)
            length += 1
        work -= length
        if work < 0:
            return found, False
        if passages >= min_passages:
            found += range(at, at + length)
            at += length
            continue
        # The lines after it that first stand as far above are this run's tail, with fewer
        # paragraphs still: none of them starts a copy (a long list printed twice is walked
        # once, not once a line).
        shift = at - origin
        at += 1
        while at < len(text) and first_seen[text[at]] == at - shift:
            at += 1
    return found, True


def _repeats_passages(lines: Sequence[str], min_words: int, min_passages: int) -> bool:
    """Whether ``min_passages`` lines repeat an earlier paragraph: a copy needs as many. Most
    texts repeat no long line, and whole pages few (the title as headline, a menu's longer
    items): the step then ends after one scan of the line lengths and a set of the long lines,
    compiled where it can be (the same loop in Python takes twice the time)."""
    if _compiled_long_repeats is not None:
        listed = lines if isinstance(lines, list) else list(lines)
        repeats = _compiled_long_repeats(listed, MIN_PASSAGE_CHARS)
    else:
        repeats = long_repeats(lines, MIN_PASSAGE_CHARS)
    return sum(_is_passage(line, min_words) for line in repeats) >= min_passages


def long_repeats(lines: Sequence[str], min_chars: int) -> list[str]:
    """Every line of ``min_chars`` characters or more that equals an earlier line, in order (a
    line found three times is listed twice); the compiled scan's twin.

    >>> long_repeats(["a long line", "short", "a long line", "short", "a long line"], 6)
    ['a long line', 'a long line']
    """
    seen: set[str] = set()
    found: list[str] = []
    for line in lines:
        if len(line) >= min_chars:
            if line in seen:
                found.append(line)
            else:
                seen.add(line)
    return found


def _is_passage(line: str, min_words: int) -> bool:
    """A paragraph of prose: a sentence's end and at least ``min_words`` words."""
    return len(line) >= MIN_PASSAGE_CHARS and ends_sentence(line) and has_words(line, min_words)


DROP_REPEATED_PASSAGES = ActionSpec(
    name="drop-repeated-passages",
    stage=Stage.BLOCKS,
    summary="Drop a run of lines that repeats earlier paragraphs of prose, line for line.",
    params={
        "min_words": Param(ParamKind.INT, "fewest words a paragraph has", default=15, minimum=1),
        "min_passages": Param(
            ParamKind.INT, "fewest paragraphs a repeated run must hold", default=2, minimum=1
        ),
    },
    build=lambda p: (
        lambda lines: drop_repeated_passages(
            lines, min_words=p["min_words"], min_passages=p["min_passages"]
        )
    ),
)
