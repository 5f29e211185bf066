"""Scenario form fields that write into a plain dict and show validation problems right under themselves.

Widgets are created first with an empty slot below each; after the whole dict is validated by
`scenarios.scenario_from_dict`, each problem is written into the slot of the field whose path it names.
"""

from __future__ import annotations

import copy
from typing import Any

import streamlit as st
import yaml

from app.ui.errors import explained
from scenarios import Problem
from scenarios.overrides import set_path


def get_path(data: dict, path: str, default: Any = None) -> Any:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return default
        node = node[part]
    return node


class ScenarioForm:
    """Fields bound to dotted paths of a scenario dict."""

    def __init__(self, data: dict, revision: int):
        self.data = copy.deepcopy(data)
        self.rev = revision
        self.slots: dict[str, Any] = {}
        self.local: list[Problem] = []  # problems found before validation (e.g. unparsable text)

    def key(self, path: str) -> str:
        return f"sc{self.rev}:{path}"

    def _slot(self, path: str, box) -> None:
        self.slots[path] = box.empty()

    def number(self, path: str, label: str, box=st, optional: bool = False, integer: bool = False,
               *, help: str | None = None, fmt: str | None = None) -> None:
        current = get_path(self.data, path)
        if integer or isinstance(current, int) and not isinstance(current, bool):
            value = box.number_input(label, value=None if current is None else int(current), step=1,
                                     key=self.key(path), help=help, placeholder="default" if optional else None)
        else:
            value = box.number_input(label, value=None if current is None else float(current),
                                     step=None, format=fmt or "%g", key=self.key(path), help=help,
                                     placeholder="default" if optional else None)
        if value is None and not optional and current is not None:
            value = current
        set_path(self.data, path, value, check=False)
        self._slot(path, box)

    def text(self, path: str, label: str, box=st, help: str | None = None) -> None:
        current = get_path(self.data, path)
        value = box.text_input(label, value="" if current is None else str(current), key=self.key(path), help=help)
        set_path(self.data, path, value if value != "" else None, check=False)
        self._slot(path, box)

    def choice(self, path: str, label: str, options: list, box=st, help: str | None = None) -> None:
        current = get_path(self.data, path)
        opts = list(options)
        if current is not None and current not in opts:
            opts.append(current)
        index = opts.index(current) if current in opts else 0
        value = box.selectbox(label, opts, index=index, key=self.key(path), help=help)
        if current is None and value == opts[0]:
            return self._slot(path, box)  # left at the schema default: keep the YAML as written
        set_path(self.data, path, value, check=False)
        self._slot(path, box)

    def flag(self, path: str, label: str, box=st, help: str | None = None) -> None:
        current = bool(get_path(self.data, path, False))
        set_path(self.data, path, box.checkbox(label, value=current, key=self.key(path), help=help), check=False)
        self._slot(path, box)

    def date(self, path: str, label: str, box=st) -> None:
        import datetime as dt

        current = get_path(self.data, path)
        if isinstance(current, str):
            try:
                current = dt.date.fromisoformat(current)
            except ValueError:
                current = None
        value = box.date_input(label, value=current, key=self.key(path))
        set_path(self.data, path, value, check=False)
        self._slot(path, box)

    def yaml_value(self, path: str, label: str, box=st, help: str | None = None) -> None:
        """A value written in YAML flow style, e.g. opening hours or a list of shift lengths."""
        current = get_path(self.data, path)
        shown = "" if current is None else yaml.safe_dump(current, default_flow_style=True, width=1000).strip()
        if shown.endswith("\n..."):
            shown = shown[:-4]
        shown = shown.removesuffix("...").strip()
        value = box.text_input(label, value=shown, key=self.key(path), help=help)
        if value.strip() == "":
            set_path(self.data, path, None, check=False)
        else:
            try:
                set_path(self.data, path, yaml.safe_load(value), check=False)
            except yaml.YAMLError:
                self.local.append(Problem(path, f"'{value}' is not valid (write it as in the YAML file)"))
        self._slot(path, box)

    def show_problems(self, problems: list[Problem]) -> list[Problem]:
        """Write each problem under its field (or the nearest enclosing field); return the ones with no field."""
        unplaced = []
        by_slot: dict[str, list[str]] = {}
        for p in problems:
            where = p.where
            target = None
            while where:
                if where in self.slots:
                    target = where
                    break
                where = where.rsplit(".", 1)[0] if "." in where else ""
            if target is None:
                unplaced.append(p)
            else:
                rest = p.where[len(target):].lstrip(".")
                message = explained(p)
                by_slot.setdefault(target, []).append(f"{rest}: {message}" if rest else message)
        for path, messages in by_slot.items():
            self.slots[path].error("\n\n".join(messages), icon=":material/error:")
        return unplaced
