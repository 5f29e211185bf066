"""Erlang B / C / A against published figures, hand-computed values and independent computations."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, linalg

from optimizer.erlang import (abandon_rate, agents_needed, asa, erlang_b, erlang_c, metrics, p_wait,
                              service_level, square_root_staffing)


def erlang_b_recursion(n: int, a: float) -> float:
    b = 1.0
    for k in range(1, n + 1):
        b = a * b / (k + a * b)
    return b


def mmn_m_by_generator(n: int, lam: float, mu: float, theta: float, t: float, cap: int = 400):
    """Independent truth: truncated CTMC solved as a linear system, and the answered-within-t probability from the
    tagged customer's absorbing chain (matrix exponential), no closed forms."""
    size = cap + 1
    q = np.zeros((size, size))
    for k in range(size):
        if k < cap:
            q[k, k + 1] = lam
        if k > 0:
            q[k, k - 1] = min(k, n) * mu + max(k - n, 0) * theta
        q[k, k] = -q[k].sum()
    a = np.vstack([q.T, np.ones(size)])
    rhs = np.zeros(size + 1)
    rhs[-1] = 1
    pi = np.linalg.lstsq(a, rhs, rcond=None)[0]
    # tagged customer: state i = customers ahead in queue (0..cap), plus absorbing "served" and "abandoned"
    m = cap
    gen = np.zeros((m + 3, m + 3))
    served, gone = m + 1, m + 2
    for i in range(m + 1):
        forward = n * mu + i * theta
        if i == 0:
            gen[i, served] = n * mu
        else:
            gen[i, i - 1] = forward
        gen[i, gone] = theta
        gen[i, i] = -(forward + theta)
    trans = linalg.expm(gen * t)
    within = pi[:n].sum() + sum(pi[n + i] * trans[i, served] for i in range(cap - n + 1))
    ab = sum(pi[k] * (k - n) for k in range(n, size)) * theta / lam
    mean_wait = sum(pi[k] * (k - n) for k in range(n, size)) / lam
    return within, ab, mean_wait, pi[n:].sum()


def test_design_reference_erlang_a():
    """DESIGN.md: 100 calls / 30 min, AHT 180 s, 12 agents, patience 120 s -> SL@20 s 0.8256, 6.16 %, ASA 7.4 s."""
    m = metrics(12, 200, 180, 20, 120)
    assert m.service_level == pytest.approx(0.8256, abs=5e-5)
    assert m.abandon_rate == pytest.approx(0.0616, abs=5e-5)
    assert m.asa_seconds == pytest.approx(7.4, abs=0.05)


def test_erlang_a_matches_ctmc_and_matrix_exponential():
    for n, calls_h, aht, pat, t in [(12, 200, 180, 120, 20), (5, 120, 200, 60, 30), (20, 500, 150, 400, 60),
                                    (3, 100, 300, 90, 0.0)]:
        lam, mu, theta = calls_h / 3600, 1 / aht, 1 / pat
        within, ab, wait, pw = mmn_m_by_generator(n, lam, mu, theta, t, cap=n + 120)
        m = metrics(n, calls_h, aht, t, pat)
        assert m.service_level == pytest.approx(within, abs=1e-8)
        assert m.abandon_rate == pytest.approx(ab, abs=1e-8)
        assert m.asa_seconds == pytest.approx(wait, rel=1e-7)
        assert m.p_wait == pytest.approx(pw, abs=1e-8)


def test_erlang_a_answered_wait_matches_integral_of_waiting_distribution():
    # E[wait; answered] = integral over t of (P(answered) - P(answered within t)); independent of the phase sums
    n, calls_h, aht, pat = 12, 200, 180, 120
    m = metrics(n, calls_h, aht, 20, pat)
    answered = 1 - m.abandon_rate
    tail = integrate.quad(lambda t: answered - float(service_level(n, calls_h, aht, t, pat)), 0, 3000, limit=200)[0]
    assert m.answered_wait_seconds * answered == pytest.approx(tail, rel=1e-6)


def test_erlang_b_direct_and_recursion_agree():
    for n, a in [(1, 0.5), (10, 8.0), (30, 25.3), (120, 100.0), (500, 480.0)]:
        direct = (a ** n / math.factorial(n)) / sum(a ** k / math.factorial(k) for k in range(n + 1)) \
            if n <= 120 else None
        rec = erlang_b_recursion(n, a)
        assert float(erlang_b(n, a)) == pytest.approx(rec, rel=1e-10)
        if direct is not None:
            assert rec == pytest.approx(direct, rel=1e-10)
    # vectorised
    assert np.allclose(erlang_b([5, 10], [4.0, 8.0]), [erlang_b_recursion(5, 4.0), erlang_b_recursion(10, 8.0)])


def test_erlang_c_textbook():
    # 10 erlangs, 12 agents: P(wait) = 0.4494 (classic table value); AHT 180 s, 20 s: SL = 1 - C e^{-2*20/180}
    c = float(erlang_c(12, 10.0))
    assert c == pytest.approx(0.449388, abs=1e-6)
    m = metrics(12, 200, 180, 20)
    assert m.service_level == pytest.approx(1 - c * math.exp(-2 * 20 / 180), abs=1e-12)
    assert m.asa_seconds == pytest.approx(c * 180 / 2, rel=1e-12)
    # 2 agents, 1 erlang: C = 1/3 by hand (B = 1/5, C = 2B / (2 - 1 + B))
    assert float(erlang_c(2, 1.0)) == pytest.approx(1 / 3, abs=1e-12)
    # unstable queue
    assert float(erlang_c(10, 10.0)) == 1.0
    assert metrics(10, 200, 180, 20).service_level == 0.0


def test_patience_to_infinity_gives_erlang_c():
    c = metrics(12, 200, 180, 20)
    a = metrics(12, 200, 180, 20, 1e7)
    assert a.service_level == pytest.approx(c.service_level, abs=1e-4)
    assert a.p_wait == pytest.approx(c.p_wait, abs=1e-4)
    assert a.asa_seconds == pytest.approx(c.asa_seconds, rel=1e-3)
    assert a.abandon_rate < 1e-4


def test_monotone_in_agents_and_patience():
    sl = [float(service_level(n, 400, 240, 30, 150)) for n in range(0, 45)]
    ab = [float(abandon_rate(n, 400, 240, 30, 150)) for n in range(0, 45)]
    assert all(b >= a - 1e-12 for a, b in zip(sl, sl[1:]))
    assert all(b <= a + 1e-12 for a, b in zip(ab, ab[1:]))
    assert sl[0] == 0.0 and ab[0] == pytest.approx(1.0)
    # more patient customers: fewer abandon, the queue is longer
    assert abandon_rate(25, 400, 240, 30, 600) < abandon_rate(25, 400, 240, 30, 100)
    assert asa(25, 400, 240, 30, 600) > asa(25, 400, 240, 30, 100)
    # Erlang A (patience) waits less than Erlang C
    assert p_wait(27, 400, 240, 30, 300) < p_wait(27, 400, 240, 30)


def test_agents_needed_equals_brute_force():
    cases = [(200, 180, 20, 0.8, 120, 0.05), (200, 180, 20, 0.8, None, None), (37, 420, 60, 0.9, 200, None),
             (900, 300, 180, 0.8, 180, 0.03), (3, 600, 30, 0.95, 100, None)]
    for rate, aht, t, target, pat, ab in cases:
        got = agents_needed(rate, aht, t, target, pat, max_abandon_rate=ab)
        brute = next(n for n in range(0, 500) if service_level(n, rate, aht, t, pat) >= target
                     and (ab is None or pat is None or abandon_rate(n, rate, aht, t, pat) <= ab))
        assert got.agents == brute and got.met
        assert brute - 1 < got.fractional <= brute


def test_fractional_is_the_interpolated_crossing():
    got = agents_needed(200, 180, 20, 0.8, None)
    sl13, sl14 = (float(service_level(n, 200, 180, 20)) for n in (13, 14))
    assert got.agents == 14
    assert got.fractional == pytest.approx(13 + (0.8 - sl13) / (sl14 - sl13))


def test_no_traffic_and_square_root_start():
    assert agents_needed(0, 180, 20, 0.8, 120, max_abandon_rate=0.05).agents == 0
    assert square_root_staffing(100.0, 1.0) == pytest.approx(110.0)
    # the square-root rule is in the right neighbourhood for a large queue
    need = agents_needed(36000, 300, 20, 0.8).agents
    assert 3000 < need < square_root_staffing(3000.0, 2.0)


def test_unreachable_abandon_target_is_flagged():
    got = agents_needed(200, 180, 20, 0.8, 120, max_abandon_rate=1e-9, max_agents=20)
    assert not got.met and got.agents == 20


def test_erlang_a_identities():
    for n, rate, aht, pat in [(12, 200, 180, 120), (8, 300, 120, 60), (30, 1000, 200, 300)]:
        m = metrics(n, rate, aht, 20, pat)
        # every abandonment is a waiting customer's patience running out: P(ab) = theta * E[wait of all]
        assert m.abandon_rate == pytest.approx(m.asa_seconds / pat, rel=1e-9)
        # answered within 0 seconds = answered without waiting = 1 - P(wait)
        assert float(service_level(n, rate, aht, 0.0, pat)) == pytest.approx(1 - m.p_wait, abs=1e-12)
