"""Draft a site's rule set from a few sample articles (``cleantext rules new``).

A contributor has pages of one site and wants its boilerplate gone. The samples already say
most of what the rule file needs:

- ``domains``: the hosts of the records' URLs (JSONL samples);
- ``detect``: short lines every sample shares (a masthead, a footer) identify the site in
  text that comes without a URL;
- rule stubs: lines that look like boilerplate, as ``drop-line`` rules whose change-example
  is the real line and whose keep-example is a real article sentence from the samples:
  lines repeated across samples, short non-sentence lines at the head or tail of an article,
  and byline- or caption-shaped lines. Lines the shipped rules already remove are skipped.

Every stub is checked like any rule (it must load, and its examples must pass) before the file
is written, so the scaffold is a working rule set from the first minute; the contributor's job
is to review, generalize and delete.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import regex

from ..actions.shape import ends_sentence, word_count
from ..detect import host_of
from ..document import Document
from ..errors import ConfigError
from ..pipeline import Cleaner
from ..rules import RuleLibrary
from ..testing import check_example
from .mine import labelled_pattern, pattern_for_line, toml_basic_string, toml_string

_BYLINE = regex.compile(
    r"(?i)(?:by|von|par|por|door|di)\s+\p{Lu}[\p{L}.'\u2019-]*(?:\s+\p{Lu}[\p{L}.'\u2019-]*){0,3}"
    r"(?:\s*[|,\u00b7\u2013\u2014-].*)?",
)
_CREDIT = regex.compile(
    r"(?i).*\b(?:photo|picture|image|credit|getty|reuters|afp|ap photo|file photo|illustration)\b.*"
)
_LABELLED = regex.compile(r"(\p{Lu}[\p{L}]*(?: [\p{L}]+){0,2}):\s+\S.*")
#: a byline's name: two to four capitalised words ("By Tuesday, the crew..." is a sentence)
_NAME = r"\p{Lu}[\p{L}.'\u2019-]*(?:\s+\p{Lu}[\p{L}.'\u2019-]*){1,3}"
#: lines with these characters are navigation or labels, not a headline
_SEPARATORS = regex.compile(r"[|\u203a\u00bb>/\u00b7:]")
_MAX_STUBS = 12


def generalize(line: str, reason: str) -> str:
    """A whole-line pattern for a boilerplate line that also fits its siblings on other pages.

    A byline keeps its first word and accepts any name of two to four capitalised words and
    any trailer after a separator that does not end a sentence; a labelled line (``Tags:
    ...``, ``Photo: ...``) keeps its label and accepts any text after it; any other line is
    matched literally, except for its digits and spacing.

    >>> import regex
    >>> pattern = regex.compile(generalize("By Ann Other | Harbour Gazette", "byline"))
    >>> bool(pattern.fullmatch("By Jo Bloggs | Harbour Gazette | 3 May"))
    True
    >>> bool(pattern.fullmatch("By Tuesday, the crew had rescued all three fishermen."))
    False
    >>> print(generalize("Tags: harbour, council", "tail"))
    (?i)Tags\\s*:\\s*\\S.{0,200}
    """
    if reason == "byline":
        first = regex.escape(line.split()[0], special_only=True)
        return rf"{first}\s+{_NAME}(?:\s*[|,\u00b7\u2013\u2014-].{{0,120}}[^.!?\u2026])?"
    labelled = _LABELLED.fullmatch(line)
    if labelled and reason != "repeated":
        return labelled_pattern(labelled.group(1))
    return pattern_for_line(line)


@dataclass(frozen=True, slots=True)
class Stub:
    """A proposed rule: the boilerplate line it was drafted from and why it was picked."""

    id: str
    line: str
    reason: str
    pattern: str
    position: str  # "head" or "tail": where the example puts the line


@dataclass(frozen=True, slots=True)
class Proposal:
    """Everything ``rules new`` proposes for a site."""

    site: str
    samples: int
    domains: tuple[str, ...]
    detect: tuple[str, ...]
    stubs: tuple[Stub, ...]
    keep_lines: tuple[str, ...]


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _is_article_line(line: str) -> bool:
    return word_count(line) >= 10 and ends_sentence(line)


def _short_non_sentence(line: str) -> bool:
    return word_count(line) <= 14 and not ends_sentence(line)


def _headline_like(line: str, shared: int) -> bool:
    """A line of this sample only, of four words or more, with no separator or label: the
    story's headline or kicker, which is article text however short."""
    return shared == 1 and word_count(line) >= 4 and not _SEPARATORS.search(line)


def _stub_id(reason: str, line: str, taken: set[str]) -> str:
    words = regex.findall(r"[a-z]+", line.lower())[:4] or ["line"]
    base = "-".join([reason, *words])
    rule_id, n = base, 1
    while rule_id in taken:
        n += 1
        rule_id = f"{base}-{n}"
    taken.add(rule_id)
    return rule_id


def propose(
    site: str, documents: Sequence[Document], *, cleaner: Cleaner | None = None
) -> Proposal:
    """Look at the samples and propose domains, detect markers and rule stubs."""
    cleaner = cleaner or Cleaner()
    per_doc = [_lines(d.text) for d in documents]
    shared = Counter(line for lines in per_doc for line in set(lines))
    hosts = Counter(
        host_of(d.url).removeprefix("www.") for d in documents if d.url and host_of(d.url)
    )
    domains = tuple(host for host, _ in hosts.most_common(3))
    keep_lines = [
        line for lines in per_doc for line in lines if _is_article_line(line) and shared[line] == 1
    ]

    def handled(line: str) -> bool:
        # Shipped rules already remove it (alone, a whole line: line rules decide so too).
        return cleaner.clean(line) != line

    candidates: list[tuple[str, str, str]] = []  # (reason, line, position)
    if len(documents) > 1:
        candidates += [
            ("repeated", line, "tail")
            for line, count in shared.most_common()
            if count > 1 and not _is_article_line(line)
        ]
    for lines in per_doc:
        bylines = [line for line in lines if word_count(line) <= 16 and _BYLINE.fullmatch(line)]
        # A byline gets the byline stub (any name), not one stub per author as a head line.
        candidates += [("byline", line, "head") for line in bylines]
        candidates += [
            ("head", line, "head")
            for line in lines[:2]
            if _short_non_sentence(line)
            and line not in bylines
            and not _headline_like(line, shared[line])
        ]
        candidates += [
            ("tail", line, "tail")
            for line in lines[-2:]
            if _short_non_sentence(line) and line not in bylines
        ]
        candidates += [
            ("caption", line, "tail")
            for line in lines
            if word_count(line) <= 25 and not ends_sentence(line) and _CREDIT.fullmatch(line)
        ]
    stubs: list[Stub] = []
    seen: set[str] = set()
    taken: set[str] = set()
    for reason, line, position in candidates:
        pattern = generalize(line, reason)
        if pattern in seen or handled(line):
            continue
        seen.add(pattern)
        labelled = _LABELLED.fullmatch(line)
        if reason == "byline":
            name = _stub_id("site", "byline", taken)
        elif labelled and reason != "repeated":
            name = _stub_id("site", labelled.group(1) + " line", taken)
        else:
            name = _stub_id(reason, line, taken)
        stubs.append(Stub(name, line, reason, pattern, position))
        if len(stubs) >= _MAX_STUBS:
            break
    detect: list[str] = []
    if len(documents) > 1:
        # Lines every sample has that the shipped rules leave: a masthead, a footer (a
        # copyright line ends with a full stop), never a line as common as "Share this".
        everywhere = [
            line
            for line, count in shared.most_common()
            if count == len(documents)
            and word_count(line) >= 2
            and not _is_article_line(line)
            and not handled(line)
        ]
        detect = [
            "^" + pattern_for_line(line).removeprefix("(?i)") + "$" for line in everywhere[:3]
        ]
    elif stubs:
        detect = ["^" + stubs[0].pattern.removeprefix("(?i)") + "$"]
    return Proposal(site, len(documents), domains, tuple(detect), tuple(stubs), tuple(keep_lines))


def _keep_for(stub: Stub, keep_lines: Sequence[str]) -> str | None:
    """A real article line for the stub's keep-example: one sharing its first word, if any."""
    pattern = regex.compile(stub.pattern)
    usable = [line for line in keep_lines if not pattern.fullmatch(line)]
    first = stub.line.split()[0].lower()
    similar = [line for line in usable if line.split()[0].lower() == first]
    chosen = similar or usable
    return chosen[0] if chosen else None


def render(proposal: Proposal, *, skip: frozenset[str] = frozenset()) -> str:
    """The rule file (TOML text) for a proposal, leaving out the stubs named in ``skip``."""
    header = [
        f"# Drafted by `cleantext rules new` from {proposal.samples} sample(s). Review every rule:",
        "# generalize each pattern beyond the sample line, delete what is article text, and",
        "# replace the keep-examples with the sentences a pattern could be mistaken for.",
        f"id = {toml_string(proposal.site)}",
        f"name = {toml_string(proposal.site)}",
        f"description = {toml_string('Articles from ' + proposal.site + ': site boilerplate.')}",
        f"domains = [{', '.join(toml_string(d) for d in proposal.domains)}]",
        f"detect = [{', '.join(toml_string(d) for d in proposal.detect)}]",
    ]
    blocks = ["\n".join(header)]
    for stub in proposal.stubs:
        keep = _keep_for(stub, proposal.keep_lines)
        if stub.id in skip or keep is None:
            continue
        example = f"{stub.line}\n{keep}" if stub.position == "head" else f"{keep}\n{stub.line}"
        short = stub.line if len(stub.line) <= 50 else stub.line[:49] + "…"
        why = {
            "repeated": "The line appears in several sample articles: it is the site's, "
            "not the story's.",
            "head": "A short non-sentence line at the top of a sample: site navigation or a label.",
            "tail": "A short non-sentence line at the end of a sample: a footer or a tag list.",
            "byline": "A byline in the site's own format, which the generic byline rules miss.",
            "caption": "A photo caption or credit line from the samples.",
        }[stub.reason]
        blocks.append(
            "\n".join(
                [
                    "[[rules]]",
                    f"id = {toml_string(stub.id)}",
                    f"description = {toml_basic_string(f'Drop the line {short!r}.')}",
                    f"why = {toml_string(why)}",
                    'action = "drop-line"',
                    f"pattern = {toml_string(stub.pattern)}",
                    "",
                    "[[rules.examples]]",
                    f"input = {toml_basic_string(example)}",
                    f"output = {toml_basic_string(keep)}",
                    "",
                    "[[rules.examples]]",
                    f"keep = {toml_basic_string(keep)}",
                ]
            )
        )
    return "\n\n".join(blocks) + "\n"


def scaffold(proposal: Proposal) -> str:
    """Render the proposal, dropping any stub that fails to load or to pass its examples.

    Raises:
        ConfigError: the samples hold no boilerplate-looking line or no article sentence to
            use as a keep-example (so no rule could be drafted).
    """
    usable = [s for s in proposal.stubs if _keep_for(s, proposal.keep_lines) is not None]
    if not usable:
        what = (
            "article sentence (10+ words ending in . ! or ?)"
            if proposal.stubs
            else (
                "line that looks like boilerplate (repeated, short at the head or tail, "
                "byline, caption)"
            )
        )
        raise ConfigError(
            f"the samples hold no {what}, so no rule could be drafted; add more sample "
            "articles of the site, whole pages as scraped."
        )
    skip: set[str] = set()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{proposal.site}.toml"
        for _ in range(2):
            text = render(proposal, skip=frozenset(skip))
            path.write_text(text, encoding="utf-8")
            library = RuleLibrary.load([path])
            failing = {
                rule.id
                for rule in library.sets[proposal.site].rules
                for example in rule.examples
                if check_example(rule, example)
            }
            if not failing:
                return text
            skip |= failing
    return render(proposal, skip=frozenset(skip))
