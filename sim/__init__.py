"""Simulation of the contact center's week: phone, chat, email and AI-bot queues served by skilled agents.

Entry point: `simulate(scenario, staffing, replications=20, seed=1) -> SimResult` (see sim.replications and
sim.results); `sim.targets` judges simulated intervals against the targets. The engine (sim.model) runs on
SimPy's public API: two processes (the arrival stream and the staffing timetable) and timeouts whose callbacks
end services, chat sessions and bot sessions; customers are drawn in advance per channel (sim.customers) so
staffing plans compared with one seed see the same contacts.
"""

from .estimates import Estimate, paired_difference_ci, welch_difference_ci
from .replications import simulate
from .results import ChannelFigures, DayFigures, GroupFigures, SimResult, SimSummary

__all__ = ["ChannelFigures", "DayFigures", "Estimate", "GroupFigures", "SimResult", "SimSummary", "paired_difference_ci",
           "simulate", "welch_difference_ci"]
