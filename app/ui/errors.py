"""Show problems as messages, never as tracebacks."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import streamlit as st

from app.ui import readable
from scenarios import InputError, Problem


SHARES = ("service_level", "max_abandon_rate", "shrinkage", "containment")


def explained(problem: Problem) -> str:
    """A problem's message, with a hint where a share was typed as a percentage (80 for 80%)."""
    field = problem.where.rsplit(".", 1)[-1]
    if field in SHARES and ("<= 1" in problem.message or "less than or equal to 1" in problem.message):
        return f"{problem.message} (a share: 0.8 means 80%)"
    return problem.message


def problems_markdown(problems: list[Problem]) -> str:
    """Each problem on its line, where first; a file in the temporary folder (an upload) by its own name."""
    return "\n".join(readable.note(f"- `{p.where}`: {explained(p)}" if p.where else f"- {explained(p)}")
                     for p in problems)


def show_input_error(exc: InputError, container=None) -> None:
    """An InputError as one st.error listing every problem with its field path, file row or interval."""
    target = container or st
    n = len(exc.problems)
    target.error(f"**{exc.title}** ({n} problem{'s' if n != 1 else ''})\n\n{problems_markdown(exc.problems)}")


@contextmanager
def user_errors(what: str = "") -> Iterator[None]:
    """Turn a user's input mistake into a message; unexpected failures also become a short message.

    The app keeps running either way, so nothing already in the session is lost.
    """
    try:
        yield
    except InputError as exc:
        show_input_error(exc)
        st.stop()
    except Exception as exc:  # a bug in a package must not blank the page; show what failed
        st.error(readable.note(f"{what + ' failed' if what else 'Failed'}: {type(exc).__name__}: {exc}"))
        st.stop()
