"""A roster reviewed after scheduling: what each soft rule costs per agent and rule (optimizer.score_analysis)
and how evenly evenings, weekends and holidays are spread (optimizer.fairness), for the agents as they were
rostered (time off applied, carried over from the previous roster). The CLI prints it and writes it to the JSON;
the app's Schedule page can call `review_roster` the same way."""

from __future__ import annotations

from dataclasses import dataclass

from optimizer import BidOutcome, FairnessReport, ScoreReport, carry_over, fairness, honour_bids, score_analysis
from scenarios import Agent, Roster, Scenario, TimeOff, apply_time_off
from scenarios.bids import Bid


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


def as_rostered(scenario: Scenario, agents: list[Agent], *, time_off: list[TimeOff] | None = None,
                previous: Roster | None = None) -> list[Agent]:
    """The agents as schedule rostered them: time off applied, carried over from the previous roster."""
    if time_off:
        agents = apply_time_off(agents, time_off, scenario)
    return carry_over(scenario, agents, previous)


def review_roster(scenario: Scenario, roster: Roster, agents: list[Agent], *, time_off: list[TimeOff] | None = None,
                  previous: Roster | None = None) -> RosterReview:
    """The review of `roster` for `agents` (as given to schedule: time off and the previous roster applied here)."""
    agents = as_rostered(scenario, agents, time_off=time_off, previous=previous)
    return RosterReview(score_analysis(scenario, roster, agents), fairness(scenario, roster))


def apply_bids(scenario: Scenario, roster: Roster, agents: list[Agent], bids: list[Bid], *,
               time_off: list[TimeOff] | None = None, previous: Roster | None = None
               ) -> tuple[Roster, list[BidOutcome]]:
    """The roster with the agents' bids honoured in seniority order where the rules allow (optimizer.honour_bids:
    the same shifts, only who works them changes), and each bid's outcome."""
    return honour_bids(scenario, roster, as_rostered(scenario, agents, time_off=time_off, previous=previous), bids)
