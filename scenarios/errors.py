"""User-facing input errors: every problem names its field path (or file, row, interval)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input. `where` is a dotted field path, a file path, or 'file:row N'."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class InputError(Exception):
    """A user's input is wrong. Carries every problem found, so the user can fix them all at once.

    The CLI prints `str(error)` and exits 2; no traceback is shown for these.
    """

    def __init__(self, problems: list[Problem] | Problem | str, title: str = "invalid input"):
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        self.title = title
        super().__init__(str(self))

    def __str__(self) -> str:
        lines = [f"{self.title}: {len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)


class ScenarioError(InputError):
    """The scenario file is wrong."""

    def __init__(self, problems, title: str = "invalid scenario"):
        super().__init__(problems, title)


def did_you_mean(word: str, choices) -> str:
    """' (did you mean 'x'?)' when a close match exists, else ''."""
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{match[0]}'?)" if match else ""
