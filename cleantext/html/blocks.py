"""One walk over a parsed page: its visible text as block lines, with what markup says of each.

A *block line* is a run of inline text between two block boundaries, in document order: the
text a browser lays out as one paragraph, heading, list item, table cell or menu entry. Entering
a block element, leaving one, and ``<br>`` end the current line; inline elements (``<a>``,
``<span>``, ``<em>``...) join their text to it. A line's whitespace is collapsed, except that
the text shown of a ``<pre>`` block keeps its line breaks (code, verse and wire copy are laid
out by them; the line model reads the collapsed text, so a code block is judged as one line).
Scripts, styles, form controls, embedded documents and form fields are left out with their
whole subtree; elements hidden by markup or style are kept with a ``hidden`` flag (see
:data:`~cleantext.html.vocabulary.HIDDEN_SELECTOR`).

Why one walk with a table of element contexts: every per-node Python operation costs about as
much as lexbor's whole parse of that node, so each node is touched once, in the order
``traverse`` yields it, and what a line needs from its ancestors (their tag roles and
``class``/``id`` words, as bits of one integer) is inherited from its parent's entry instead of
being looked up by walking up the tree.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from .vocabulary import BLOCK_TAGS, CLASS_WORDS, FLAG_BITS, SKIPPED_TAGS, TAG_BITS

_WORD_BITS: dict[str, int] = {
    word: FLAG_BITS[name] for name, words in CLASS_WORDS.items() for word in words
}


def _trie_pattern(words: Iterable[str]) -> str:
    """A regex matching any of ``words`` (longest first), written as a trie of their letters.

    Python's ``re`` tries the branches of a plain alternation one by one at every position;
    as a trie, it follows one branch per letter: five times faster on ``class`` tokens.

    >>> _trie_pattern(["tag", "tags", "toc"])
    't(?:ag(?:s)?|oc)'
    """
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def pattern(node: dict[str, Any]) -> str:
        branches = [
            re.escape(char) + pattern(child) for char, child in sorted(node.items()) if char
        ]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:
            return f"(?:{body})?"
        return body

    return pattern(trie)


_WORDS = re.compile(_trie_pattern(_WORD_BITS))
_LINK = FLAG_BITS["tag_a"]
_BOLD = FLAG_BITS["tag_bold"]
_ITEMPROP_BODY = FLAG_BITS["itemprop_body"]
_HIDDEN = FLAG_BITS["hidden"]
_BODY_ITEMPROPS = frozenset({"articlebody", "text", "reviewbody"})
# Inline elements whose class and id are not read: they rarely carry the page's layout names,
# and reading attributes is the walk's most expensive call.
_PLAIN_INLINE = frozenset({"a", "span", "b", "i", "em", "strong", "u", "small", "sup", "sub"})
# Elements that can hold neither text nor children (HTML's void elements, other than the
# block <hr> and the line-breaking <br>): nothing under them can reach a line.
_VOID = frozenset({"img", "wbr", "area", "col", "track", "param", "base", "keygen"})


@lru_cache(maxsize=16384)
def class_bits(value: str) -> int:
    """The flag bits of the vocabulary words found in a ``class`` or ``id`` value.

    One search over the whole value: no vocabulary word holds a space, so no match spans two
    tokens, and the matches are those of each token searched alone. Cached per value: a page
    repeats the same few dozen values.

    >>> from cleantext.html.vocabulary import FLAG_NAMES
    >>> bits = class_bits("site-footer NavBar")
    >>> [name for i, name in enumerate(FLAG_NAMES) if bits >> i & 1]
    ['cls_nav', 'cls_footer']
    """
    bits = 0
    for word in _WORDS.findall(value.lower()):
        bits |= _WORD_BITS[word]
    return bits


# What the walk does with an element, by its tag: the kind of element, the flag bits it adds to
# its subtree, and the tag (kept for block elements). Text nodes are told by their tag id.
_LEFT_OUT, _BREAK, _BLOCK, _PLAIN, _INLINE = range(5)
_TEXT_ID: int = LexborHTMLParser("<p>x</p>").css_first("p").first_child.tag_id  # type: ignore[union-attr]
"""lexbor's tag id of text nodes, the walk's most frequent node."""


@lru_cache(maxsize=1024)
def _role_of(tag: str | None) -> tuple[int, int, str]:
    """The walk's entry for a node of ``tag`` other than text (see :func:`read_blocks`).

    Comments, processing instructions (no tag), the left-out elements and the void ones
    are left out.

    >>> _role_of("p") == (_BLOCK, TAG_BITS["p"], "p")
    True
    """
    if not tag or tag[0] == "-" or tag in SKIPPED_TAGS or tag in _VOID:
        return _LEFT_OUT, 0, tag or ""
    if tag == "br":
        return _BREAK, 0, tag
    kind = _BLOCK if tag in BLOCK_TAGS else _PLAIN if tag in _PLAIN_INLINE else _INLINE
    return kind, TAG_BITS.get(tag, 0), tag


def _escaped_markup(node: LexborNode, text: str) -> bool:
    """Whether text node ``node`` is markup a browser saved as the text of a ``<noscript>``.

    A browser that runs scripts keeps what is inside ``<noscript>`` as text, and pages saved
    from one hold it escaped (``&lt;div ...&gt;``): a "scripts are off" notice or a tracking
    pixel, which would come out as lines of raw markup. Only a noscript's text that starts
    with a tag is left out; markup quoted in an article (``<code>&lt;div&gt;</code>``) is not.
    """
    parent = node.parent
    return parent is not None and parent.tag == "noscript" and _TAG_START.match(text) is not None


_TAG_START = re.compile(r"\s*</?[A-Za-z][^<>]*>")


@dataclass(frozen=True, slots=True)
class BlockLines:
    """The lines of a page and, for each, what the markup says of it.

    Attributes:
        lines: the text of each line, whitespace collapsed, never empty: what the line model
            reads.
        shown: the text of each line as output: the same, except that a ``<pre>`` block's
            line breaks are kept (each of its rows collapsed, blank rows left out).
        block: per line, the index of its block element (see :attr:`block_tags`).
        flags: per line, its block's flags plus those of the inline elements its text sits in.
        link_chars: per line, characters of its text inside ``<a>`` elements.
        bold_chars: per line, characters inside ``<strong>``/``<b>``.
        block_tags: per block element, in document order (a block precedes its descendants;
            block 0 is ``<body>``), its tag name.
        block_parents: per block, the index of its nearest block ancestor (0 for the body).
        block_depths: per block, its depth in the element tree (the body is 0).
        block_flags: per block, the flag bits
            (:data:`~cleantext.html.vocabulary.FLAG_NAMES`) of itself and its ancestors.
        block_kinds: per block, a number shared by the blocks of the same tag and ``class``
            on the page (a list of teasers repeats one kind of block, an article's paragraphs
            another).
        block_ends: per block, the index after its last descendant block: its descendants
            are the blocks from its own index + 1 up to there (blocks are in document order).
    """

    lines: tuple[str, ...]
    shown: tuple[str, ...]
    block: tuple[int, ...]
    flags: tuple[int, ...]
    link_chars: tuple[int, ...]
    bold_chars: tuple[int, ...]
    block_tags: tuple[str, ...]
    block_parents: tuple[int, ...]
    block_depths: tuple[int, ...]
    block_flags: tuple[int, ...]
    block_kinds: tuple[int, ...]
    block_ends: tuple[int, ...]


def read_blocks(body: LexborNode, hidden: frozenset[int] = frozenset()) -> BlockLines:
    """Walk ``body`` once and return its block lines (see the module docstring).

    ``hidden`` holds the ``mem_id`` of elements whose subtree gets the ``hidden`` flag.
    """
    tags, parents, depths, all_flags, kinds, ends = ["body"], [0], [0], [0], [0], [0]
    kind_of: dict[tuple[str, str], int] = {("body", ""): 0}
    lines: list[str] = []
    shown: list[str] = []
    line_block: list[int] = []
    line_flags: list[int] = []
    line_links: list[int] = []
    line_bold: list[int] = []
    pieces: list[str] = []
    current = -1  # block of the open line (-1: no open line)
    flags_here = link_here = bold_here = 0

    def close(block: int, flags: int, links: int, bold: int) -> None:
        """End the open line (its pieces), keeping it when it has text."""
        raw = "".join(pieces)
        text = " ".join(raw.split())
        if text:
            lines.append(text)
            if "\n" in raw and tags[block] == "pre":
                rows = (" ".join(row.split()) for row in raw.split("\n"))
                shown.append("\n".join(filter(None, rows)))
            else:
                shown.append(text)
            line_block.append(block)
            line_flags.append(flags)
            line_links.append(links)
            line_bold.append(bold)
        pieces.clear()

    # Depth first with a stack of child iterators, each with its element's context (flags,
    # depth, block index, and the index of the block it opened, -1 for an inline element,
    # whose subtree ends when the iterator is done): a node's context is its parent's, so no
    # node is asked for its parent, and a left-out subtree is never entered. The context of
    # the element being walked lives in local variables; the stack keeps its ancestors'.
    # Nodes are told apart by their numeric tag id, looked up in a table filled per page
    # (lexbor numbers the tags it does not know per document): reading ``tag`` makes a new
    # string per node. ``close`` is given the open line's context rather than sharing it:
    # variables a nested function shares become closure cells, slower to read in the loop.
    roles: dict[int, tuple[int, int, str]] = {}
    text_id, link_bit, bold_bit, hidden_bit = _TEXT_ID, _LINK, _BOLD, _HIDDEN
    stack: list[tuple[Iterator[LexborNode], int, int, int, int]] = []
    children: Iterator[LexborNode] = body.iter(include_text=True)
    inherited = depth = block = 0
    opened = -1
    while True:
        for node in children:
            tag_id = node.tag_id
            if tag_id == text_id:
                # The stubs say text may be None; for text nodes it never is.
                text: str = node.text_content  # type: ignore[assignment]
                if text.isspace():
                    # Whitespace between inline elements separates their words (kept as
                    # it is: a line break inside <pre> is shown); anywhere else it ends up
                    # stripped, and its flags are not the line's.
                    if pieces:
                        pieces.append(text)
                    continue
                if "<" in text and _escaped_markup(node, text):
                    continue
                if block != current:
                    if pieces:
                        close(current, flags_here, link_here, bold_here)
                    current, flags_here, link_here, bold_here = block, inherited, 0, 0
                pieces.append(text)
                flags_here |= inherited
                if inherited & (link_bit | bold_bit):
                    size = len(text.strip())
                    if inherited & link_bit:
                        link_here += size
                    if inherited & bold_bit:
                        bold_here += size
                continue
            role = roles.get(tag_id)
            if role is None:
                role = roles[tag_id] = _role_of(node.tag)
            kind, tag_bits, tag = role
            if kind <= _BREAK:
                if kind == _BREAK:
                    if pieces:
                        close(current, flags_here, link_here, bold_here)
                    current = -1
                continue
            flags = inherited | tag_bits
            if hidden and node.mem_id in hidden:
                flags |= hidden_bit
            class_value = ""
            if kind != _PLAIN:
                attributes = node.attributes
                if attributes:
                    class_value = attributes.get("class") or ""
                    if class_value:
                        flags |= class_bits(class_value)
                    id_value = attributes.get("id")
                    if id_value:
                        flags |= class_bits(id_value)
                    itemprop = attributes.get("itemprop")
                    if itemprop and itemprop.lower() in _BODY_ITEMPROPS:
                        flags |= _ITEMPROP_BODY
            # Descend: this element's children come next; the loop over its parent's
            # children resumes when they are done.
            stack.append((children, inherited, depth, block, opened))
            children = node.iter(include_text=True)
            inherited = flags
            depth += 1
            if kind == _BLOCK:
                if pieces:
                    close(current, flags_here, link_here, bold_here)
                current = -1
                parents.append(block)
                block = opened = len(tags)
                tags.append(tag)
                ends.append(0)
                depths.append(depth)
                all_flags.append(flags)
                kinds.append(kind_of.setdefault((tag, class_value), len(kind_of)))
            else:
                opened = -1
            break
        else:
            if opened >= 0:
                ends[opened] = len(tags)
            if not stack:
                break
            children, inherited, depth, block, opened = stack.pop()
    ends[0] = len(tags)
    if pieces:
        close(current, flags_here, link_here, bold_here)
    return BlockLines(
        tuple(lines),
        tuple(shown),
        tuple(line_block),
        tuple(line_flags),
        tuple(line_links),
        tuple(line_bold),
        tuple(tags),
        tuple(parents),
        tuple(depths),
        tuple(all_flags),
        tuple(kinds),
        tuple(ends),
    )
