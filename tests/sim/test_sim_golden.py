"""The engine's numbers do not move under refactoring: a fixed small scenario (phone, chat with concurrency, email,
a bot escalating to chat; constant staffing and a roster with lunches, breaks and aux rotation) simulated with one
seed gives byte-identical interval tables and summaries to the stored output of the engine as it was before SimPy
was driven through its public API only (tests/golden_sim.py)."""

from __future__ import annotations

import pytest

from golden_sim import GOLDEN, outputs
from sim import simulate


@pytest.fixture(scope="module")
def produced() -> dict[str, str]:
    return outputs(simulate)


@pytest.mark.parametrize("name", ["constant_intervals.csv", "constant_summary.json", "roster_intervals.csv",
                                  "roster_summary.json"])
def test_simulation_output_is_byte_identical_to_the_stored_golden_output(produced, name):
    stored = (GOLDEN / name).read_text()
    assert produced[name] == stored
