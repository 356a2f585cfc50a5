"""A synthetic custody graph at scale: many clips, a realistic party graph of about 2,000 parties.

Parties: one platform, ~1,500 local police departments, sheriffs, state police, fusion centres and a few
federal agencies spread over states, plus a pool of residents who own the cameras. Each agency has a
few habitual partners (mostly in its own state and county: the sheriff, the fusion centre, neighbours;
fusion centres and some sheriffs pass on to federal agencies), so custody follows a realistic link
graph. Each clip: recorded by a resident, uploaded to the platform, delivered to a local department;
then a heavy-tailed number of onward hand-overs along partner links (mostly in time order, some out of
order, some repeated), so that most clips are short chains and a few are widely shared.
Deterministic per seed; built straight into ``graph.custody.CustodyGraph`` (no events, no validation).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from graph.custody import CustodyGraph

__all__ = ["Parties", "make_parties", "build_graph"]

STATES = ["CA", "TX", "FL", "IL", "NY", "GA", "OH", "MI", "WA", "AZ", "CO", "OR", "NV", "TN", "VA", "NC"]
FEDERAL = ["agency:ice-ero", "agency:ice-hsi", "agency:fbi", "agency:cbp", "agency:atf", "agency:dea",
           "agency:usms", "agency:secret-service", "agency:hsi-task-force", "agency:border-patrol"]


@dataclass
class Parties:
    residents: list[str]
    locals: list[str]
    agencies: list[str]
    federal: list[str]
    partners: dict[str, list[str]]


def make_parties(rng: random.Random, n_parties: int = 2000) -> Parties:
    federal = list(FEDERAL)
    n_res = n_parties // 5
    residents = [f"resident:r-{i}" for i in range(n_res)]
    by_state: dict[str, dict[str, list[str]]] = {}
    locals_: list[str] = []
    agencies: list[str] = []
    n_local = n_parties - n_res - len(federal) - len(STATES) * 6
    for s in STATES:
        st = s.lower()
        by_state[s] = {
            "sheriff": [f"agency:county-{i}-{st}-so" for i in range(3)],
            "fusion": [f"agency:{st}-fusion-center"],
            "state": [f"agency:{st}-state-police", f"agency:{st}-dps"],
            "local": [],
        }
    for i in range(n_local):
        s = STATES[i % len(STATES)]
        p = f"agency:town-{i}-{s.lower()}-pd"
        by_state[s]["local"].append(p)
        locals_.append(p)
    partners: dict[str, list[str]] = {}
    for s, groups in by_state.items():
        others = [x for x in STATES if x != s]
        for p in groups["local"]:
            county = rng.choice(groups["sheriff"])
            near = rng.sample(groups["local"], min(4, len(groups["local"])))
            far = [rng.choice(by_state[rng.choice(others)]["local"])]
            partners[p] = [county, groups["fusion"][0], *near, *far, rng.choice(groups["state"])]
            if rng.random() < 0.05:
                partners[p].append(rng.choice(federal))
        for so in groups["sheriff"]:
            partners[so] = [groups["fusion"][0], *rng.sample(groups["local"], 5), rng.choice(groups["state"])]
            if rng.random() < 0.5:
                partners[so].append(rng.choice(federal))
        for fc in groups["fusion"]:
            partners[fc] = [*rng.sample(federal, 3), *groups["state"], *rng.sample(groups["local"], 5)]
        for sp in groups["state"]:
            partners[sp] = [groups["fusion"][0], rng.choice(federal), *rng.sample(groups["local"], 3)]
        agencies += groups["sheriff"] + groups["fusion"] + groups["state"]
    for f in federal:
        partners[f] = [x for x in federal if x != f][:3]
    agencies += locals_ + federal
    return Parties(residents, locals_, agencies, federal, partners)


def build_graph(n_hand_overs: int, seed: int = 11) -> tuple[CustodyGraph, Parties]:
    """A custody graph with exactly ``n_hand_overs`` hand-overs."""
    rng = random.Random(seed)
    parties = make_parties(rng)
    g = CustodyGraph()
    t0 = 1_600_000_000.0
    made = clip_no = 0
    platform = "platform:ring"
    while made < n_hand_overs:
        clip_no += 1
        clip = f"clip-{clip_no:07d}"
        owner = rng.choice(parties.residents)
        t = t0 + clip_no * 37.0
        g.add_recording(clip, owner, t, "ring")
        pd = rng.choice(parties.locals)
        # heavy tail: most clips 2-6 hand-overs, a few dozens or hundreds
        onward = min(int(rng.paretovariate(1.3)) - 1 + rng.randint(0, 3), 400)
        steps = [(owner, platform), (platform, pd)] + [("", "")] * onward
        holders = [pd]
        for i, (src, dst) in enumerate(steps):
            if made >= n_hand_overs:
                break
            if not src:
                src = rng.choice(holders)
                dst = rng.choice(parties.partners.get(src) or parties.agencies)
                if dst == src:
                    continue
                holders.append(dst)
            dt = rng.expovariate(1 / 3600.0)
            if rng.random() < 0.1:
                dt = -dt  # reported out of order: not every hand-over is time-respecting
            t += dt
            g.add_hand_over(f"h-{clip_no}-{i}", clip, src, dst, t, basis="agreement", purpose="investigation",
                            kind="transfer")
            made += 1
    return g, parties
