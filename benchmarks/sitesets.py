"""Generated site rule sets: many realistic-looking sets to show the hot path stays flat.

Each generated set has its own domain, three ``detect`` markers, a footer ``truncate-from``,
two ``drop-line`` rules (one using Unicode classes) and a ``drop-span``, each with the
examples validation requires.
"""

from __future__ import annotations

from pathlib import Path

_WORDS = ["Herald", "Courier", "Gazette", "Tribune", "Monitor", "Ledger", "Sentinel", "Post"]


def _toml_literal(text: str) -> str:
    return "'''" + text + "'''"


def site_set(index: int) -> str:
    """The TOML of generated site set number ``index``."""
    word = _WORDS[index % len(_WORDS)]
    name = f"{word} {index}"
    slug = f"gen-site-{index:04d}"
    markers = ", ".join(
        _toml_literal(m)
        for m in (
            f"^© {index} {word} Media Group$",
            f"^Subscribe to the {word} {index}(?: today)?$",
            f"^{word} {index} newsroom \\d+$",
        )
    )
    footer = _toml_literal(f"© {index} {word} Media Group")
    promo = _toml_literal(f"(?i)subscribe to the {word} {index}(?: today| now)?[.!]?")
    label = _toml_literal(f"\\p{{Lu}}{{3,}} {index} · \\p{{Lu}}\\p{{Ll}}+")
    tracking = _toml_literal(f"\\[trk-{index}-\\d{{4}}\\]")
    sentence = "The council met on Monday to discuss the budget for next year."
    return f"""id = "{slug}"
name = "{name}"
description = "Generated benchmark site {index}."
domains = ["site{index}.example", "www.site{index}.example.org"]
detect = [{markers}]
detect_min = 2

[[rules]]
id = "footer"
description = "Cut the site footer."
why = "Site {index} prints its group notice after every article."
action = "truncate-from"
pattern = {footer}
min_position = 0.5

[[rules.examples]]
input = "{sentence}\\n© {index} {word} Media Group"
output = "{sentence}"

[[rules.examples]]
keep = "{sentence}"

[[rules]]
id = "promo"
description = "Drop the subscription promo line."
why = "Site {index} inserts a subscription line between paragraphs."
action = "drop-line"
pattern = {promo}

[[rules.examples]]
input = "Rain is expected.\\nSubscribe to the {word} {index} today\\nWinds will ease."
output = "Rain is expected.\\nWinds will ease."

[[rules.examples]]
keep = "Readers who subscribe to the {word} {index} get a weekly digest, the editor said."

[[rules]]
id = "section-label"
description = "Drop the section label line."
why = "Site {index} prints a section kicker such as 'WORLD {index} · Europe'."
action = "drop-line"
pattern = {label}

[[rules.examples]]
input = "WORLD {index} · Europe\\nThe summit ended on Friday."
output = "The summit ended on Friday."

[[rules.examples]]
keep = "The summit ended on Friday, officials said."

[[rules]]
id = "tracking-code"
description = "Cut the tracking code the site leaves in text."
why = "Site {index} leaves '[trk-{index}-NNNN]' codes after links."
action = "drop-span"
pattern = {tracking}

[[rules.examples]]
input = "Read the report [trk-{index}-1234] online."
output = "Read the report online."

[[rules.examples]]
keep = "Read the report online."
"""


def write_site_sets(folder: Path, count: int) -> Path:
    """Write ``count`` generated site sets into ``folder`` (created); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("gen-site-*.toml"):
        old.unlink()
    for index in range(count):
        (folder / f"gen-site-{index:04d}.toml").write_text(site_set(index), encoding="utf-8")
    return folder


def line_patterns(count: int) -> list[str]:
    """``count`` distinct whole-line patterns in the style of the shipped drop-line rules."""
    verbs = ["share", "follow", "subscribe to", "sign up for", "read more from", "watch"]
    return [
        f"(?i)(?:{verbs[i % len(verbs)]}) (?:the )?{_WORDS[i % len(_WORDS)].lower()} {i}"
        rf"(?:\s+\w+){{0,3}}[.!:]?"
        for i in range(count)
    ]
