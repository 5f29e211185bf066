"""Versions: every stored roster of the week (each generated one, each saved by hand, the published one), at any
time, without generating anything first: compare two, open one in the Schedule page's editor with its locks, mark
one published (app.ui.versions)."""

from __future__ import annotations

import streamlit as st

from app.ui import settings
from app.ui import versions as versions_view

sc = settings.page("Versions")
st.caption("Each generated roster is kept as a version, and so is each roster saved by hand on the Schedule page "
           "(with its locked shifts). Open one to edit, lock, re-simulate or publish it.")
versions_view.panel(sc, goto_editor=True)
