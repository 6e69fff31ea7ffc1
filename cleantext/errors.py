"""The exceptions cleantext raises, so callers can catch one base class.

Every message is built before raising and names what is wrong and where (file, line, rule,
key), followed by what to do next, because these errors are read by people editing rule
files or feeding dumps, not by programs.
"""

from __future__ import annotations

from dataclasses import dataclass


class CleanTextError(Exception):
    """Base class of every error cleantext raises on purpose."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One defect found in a rule file: where it is and what is wrong.

    Attributes:
        file: path of the rule file, as given to the loader.
        rule: id of the rule (``""`` for set-level keys).
        key: the TOML key at fault (``""`` when the whole entry is at fault).
        message: what is wrong and how to fix it.
    """

    file: str
    rule: str
    key: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.rule:
            where += f" [rule {self.rule}]"
        if self.key:
            where += f" {self.key}:"
        return f"{where} {self.message}"


class RuleFileError(CleanTextError):
    """One or more rule files are invalid; lists every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(problems)
        lines = [f"{count} problem{'s' if count != 1 else ''} in rule files:"]
        lines += [f"  - {problem}" for problem in problems]
        lines.append("Fix these and load again; no rule set was loaded.")
        super().__init__("\n".join(lines))


class ConfigError(CleanTextError):
    """An option or a selection (rule set id, site) that does not exist or does not fit."""


class InputError(CleanTextError):
    """Input that cannot be read as documents (the message names the file and line)."""


class InstallError(CleanTextError):
    """The installation cannot run as asked: a compiled kernel is required but not in use, or
    another distribution installed its own ``cleantext`` package over this one."""


class OutputError(CleanTextError):
    """An output that cannot be written (permissions, a full disk, another run writing it);
    the message names it, and no partial file is left under its name."""
