"""A roster reviewed after scheduling: what each soft rule costs per agent and rule (optimizer.score_analysis)
and how evenly evenings, weekends and holidays are spread (optimizer.fairness), for the agents as they were
rostered (time off applied, carried over from the previous roster). The CLI prints it and writes it to the JSON;
the app's Schedule page can call `review_roster` the same way."""

from __future__ import annotations

from dataclasses import dataclass

from optimizer import FairnessReport, ScoreReport, carry_over, fairness, score_analysis
from scenarios import Agent, Roster, Scenario, TimeOff, apply_time_off


@dataclass
class RosterReview:
    score: ScoreReport
    fairness: FairnessReport

    def to_json(self) -> dict:
        return {"score": self.score.to_json(), "fairness": self.fairness.to_json()}

    def summary_lines(self, top: int = 5) -> list[str]:
        """Plain lines for a summary: the costliest soft rules and agents, and the fairness figure."""
        by_rule, by_agent = self.score.by_rule(), self.score.by_agent()
        lines = [f"soft rules cost {self.score.total:,.0f} penalty units"
                 + (": " + ", ".join(f"{r} {v:,.0f}" for r, v in list(by_rule.items())[:top]) if by_rule else "")]
        if by_agent:
            lines.append("  costliest agents: " + ", ".join(f"{a} {v:,.0f}" for a, v in list(by_agent.items())[:top]))
        lines.append(f"fairness {self.fairness.index:.3f} (Gini of evenings and weekend days per agent, weighted "
                     "over skill groups; 0 = evenly spread)")
        return lines


def review_roster(scenario: Scenario, roster: Roster, agents: list[Agent], *, time_off: list[TimeOff] | None = None,
                  previous: Roster | None = None) -> RosterReview:
    """The review of `roster` for `agents` (as given to schedule: time off and the previous roster applied here)."""
    if time_off:
        agents = apply_time_off(agents, time_off, scenario)
    agents = carry_over(scenario, agents, previous)
    return RosterReview(score_analysis(scenario, roster, agents), fairness(scenario, roster))
