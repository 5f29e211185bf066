"""Bids: agents' ranked wishes for days off or start times, honoured in seniority order where the plan allows.

After the roster is built, agents are taken from the most senior (lowest `seniority`) down, each one's bids in
rank order. A bid already met is honoured as it stands. Otherwise ccplan tries to meet it by handing the
offending shifts to other agents of the same skill group (a day off: another agent free that day takes the shift;
a start time: another agent working that day swaps shifts), keeping every hard rule for both agents
(optimizer.roster_rules) and every bid honoured so far (so a junior's bid never undoes a senior's). The shifts,
and so the coverage, stay the same; only who works them changes. Each bid's outcome says why when it is not
honoured.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from dataclasses import dataclass

from scenarios import Agent, Roster, Scenario, Shift
from scenarios.bids import Bid

from .roster_rules import is_legal, shift_type
from .rule_catalogue import bind_rules


@dataclass
class BidOutcome:
    """What became of one bid: honoured or not, and why."""

    agent: str
    seniority: int
    rank: int
    bid: str
    honoured: bool
    why: str


def _offending(bid: Bid, shifts: list[Shift], first_weekday: int) -> list[Shift]:
    """The agent's shifts that keep the bid from being met."""
    out = []
    for s in shifts:
        day, minute = int(s.start_s // 86400), int(s.start_s // 60) % 1440
        if bid.days_off and (first_weekday + day) % 7 in bid.days_off:
            out.append(s)
        elif bid.start is not None and not bid.start[0] <= minute <= bid.start[1]:
            out.append(s)
    return out


def honour_bids(scenario: Scenario, roster: Roster, agents: list[Agent], bids: list[Bid]
                ) -> tuple[Roster, list[BidOutcome]]:
    """The roster with bids honoured in seniority order where the plan and the rules allow, and each bid's
    outcome. `agents` as rostered (time off applied, carried over from a previous roster)."""
    first = scenario.start.weekday()
    contract = {a.id: a for a in bind_rules(scenario, agents)}
    own: dict[str, list[Shift]] = defaultdict(list)
    for s in roster.shifts:
        own[s.agent].append(s)
    honoured: list[Bid] = []
    outcomes = []

    def legal(agent_id: str, shifts: list[Shift]) -> bool:
        paid = {shift_type(s): s.paid_seconds / 60 for s in shifts}
        return is_legal(contract[agent_id], [shift_type(s) for s in shifts], paid, scenario.shift_rules,
                        scenario.days)

    def keeps_honoured(agent_id: str, shifts: list[Shift]) -> bool:
        return all(not _offending(b, shifts, first) for b in honoured if b.agent == agent_id)

    for bid in sorted(bids, key=lambda b: (b.seniority, b.agent, b.rank)):
        if bid.agent not in contract:
            outcomes.append(BidOutcome(bid.agent, bid.seniority, bid.rank, bid.text(), False, "not among the agents"))
            continue
        bad = _offending(bid, own[bid.agent], first)
        if not bad:
            honoured.append(bid)
            outcomes.append(BidOutcome(bid.agent, bid.seniority, bid.rank, bid.text(), True, "met by the roster"))
            continue
        trial = {a: list(v) for a, v in own.items()}
        why = ""
        for s in bad:
            moved = _hand_over(s, bid, trial, contract, legal, keeps_honoured, first)
            if moved is None:
                why = (f"no other {s.skill_group} agent could take the shift of day {int(s.start_s // 86400)} "
                       f"{'' if bid.days_off else 'in exchange for one starting in the span '}within the labour "
                       "rules without undoing a more senior agent's honoured bid")
                break
        if why:
            outcomes.append(BidOutcome(bid.agent, bid.seniority, bid.rank, bid.text(), False, why))
            continue
        own = defaultdict(list, trial)
        honoured.append(bid)
        outcomes.append(BidOutcome(bid.agent, bid.seniority, bid.rank, bid.text(), True,
                                   f"{len(bad)} shift(s) handed to other agents of the group"))
    shifts = [s for v in own.values() for s in v]
    return Roster(roster.week_start, shifts), outcomes


def _hand_over(s: Shift, bid: Bid, trial: dict[str, list[Shift]], contract: dict[str, Agent], legal, keeps_honoured,
               first: int) -> str | None:
    """Give shift `s` of the bidder to another agent of its group (a day off: one free that day; a start: one
    whose shift that day starts in the span, swapping). Changes `trial`; returns the taker or None."""
    day = int(s.start_s // 86400)
    mine = [x for x in trial[bid.agent] if x is not s]
    for other, agent in sorted(contract.items()):
        if other == bid.agent or agent.skill_group != s.skill_group:
            continue
        theirs = trial.get(other, [])
        same_day = [x for x in theirs if int(x.start_s // 86400) == day]
        if bid.days_off:
            if same_day:
                continue
            new_mine, new_theirs = mine, theirs + [dataclasses.replace(s, agent=other)]
        else:
            if len(same_day) != 1 or _offending(bid, [same_day[0]], first):
                continue
            swap = same_day[0]
            new_mine = mine + [dataclasses.replace(swap, agent=bid.agent)]
            new_theirs = [x for x in theirs if x is not swap] + [dataclasses.replace(s, agent=other)]
        if legal(other, new_theirs) and legal(bid.agent, new_mine) and keeps_honoured(other, new_theirs):
            trial[bid.agent], trial[other] = new_mine, new_theirs
            return other
    return None
