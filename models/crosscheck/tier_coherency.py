#!/usr/bin/env python3
"""Independent brute-force count of spec/TierCoherency.tla's state graph.

A hand translation of the spec's transition system into plain Python (no TLA+ parsing), explored
breadth-first the way TLC counts:

  generated = initial states + every successor computed from every explored state, one per
              enabled action disjunct (duplicates and self-loops included);
  distinct  = reachable states;
  depth     = number of BFS levels (a model with only initial states has depth 1).

Usage: python3 models/crosscheck/tier_coherency.py --keys 1 --max-version 2 [--bad-install|--bad-return]
It also checks the spec's invariants on every state and reports the first violation (BFS order,
so the trace is a shortest one).
"""
import argparse
from collections import deque

NONE = None
NOREAD = "NoRead"


def run(nkeys, max_version, install_checks=True, return_checks=True, coverage=None):
    """BFS the model; if `coverage` is a dict, count the successors each action (branch) produced."""
    K = range(nkeys)

    # state = (ver, store, epoch, l1, l2, l3, fill, lastRead); per-key parts are tuples.
    # l3[k] = None | (ver, live); fill[k] = None | (token, val, reader); lastRead = NOREAD | (k, val)
    def upd(t, k, v):
        t = list(t)
        t[k] = v
        return tuple(t)

    init = (0, (NONE,) * nkeys, (0,) * nkeys, (NONE,) * nkeys, (NONE,) * nkeys, (NONE,) * nkeys,
            (NONE,) * nkeys, NOREAD)

    def in_l3(l3, k):
        return l3[k] is not None and l3[k][1]

    def l1_after_fill(l1, epoch, k, f):
        token, val, _ = f
        if (token == epoch[k] or not install_checks) and val is not None:
            return upd(l1, k, val)
        return l1

    def successors(s):
        ver, store, epoch, l1, l2, l3, fill, last = s
        out = []

        def emit(action, state):
            out.append(state)
            if coverage is not None:
                coverage[action] = coverage.get(action, 0) + 1

        for k in K:
            # Read: L1 hit / L2 hit (promote)
            if l1[k] is not None:
                emit("Read (L1 hit)", (ver, store, epoch, l1, l2, l3, fill, (k, l1[k])))
            if l1[k] is None and l2[k] is not None:
                emit("Read (L2 hit)", (ver, store, epoch, upd(l1, k, l2[k]), upd(l2, k, NONE), l3, fill, (k, l2[k])))
            # Put
            if ver < max_version:
                v = ver + 1
                emit("Put", (v, upd(store, k, v), upd(epoch, k, v), upd(l1, k, v), upd(l2, k, NONE),
                            upd(l3, k, (v, True)), fill, NOREAD))
            cached = l1[k] is not None or l2[k] is not None
            fetched = l3[k][0] if in_l3(l3, k) else store[k]
            # FillStart: new record, or join a prefetch
            if not cached:
                if fill[k] is None:
                    emit("FillStart (new)", (ver, store, epoch, l1, l2, l3, upd(fill, k, (epoch[k], fetched, True)), NOREAD))
                if fill[k] is not None and not fill[k][2]:
                    emit("FillStart (join prefetch)", (ver, store, epoch, l1, l2, l3, upd(fill, k, (fill[k][0], fill[k][1], True)), NOREAD))
            # FillComplete
            if fill[k] is not None and fill[k][2]:
                f = fill[k]
                res = (k, f[1]) if (f[0] == epoch[k] or not return_checks) else NOREAD
                emit("FillComplete (fresh)" if f[0] == epoch[k] else "FillComplete (stale)", (ver, store, epoch, l1_after_fill(l1, epoch, k, f), l2, l3, upd(fill, k, NONE), res))
            # PrefetchStart
            if not cached and fill[k] is None:
                emit("PrefetchStart", (ver, store, epoch, l1, l2, l3, upd(fill, k, (epoch[k], fetched, False)), NOREAD))
            # PrefetchComplete
            if fill[k] is not None and not fill[k][2]:
                emit("PrefetchComplete (fresh)" if fill[k][0] == epoch[k] else "PrefetchComplete (stale)", (ver, store, epoch, l1_after_fill(l1, epoch, k, fill[k]), l2, l3, upd(fill, k, NONE), NOREAD))
            # Promote L2 -> L1
            if l1[k] is None and l2[k] is not None:
                emit("Promote", (ver, store, epoch, upd(l1, k, l2[k]), upd(l2, k, NONE), l3, fill, NOREAD))
            # Demote L1 -> L2, L2 -> L3
            if l1[k] is not None:
                emit("Demote (L1->L2)", (ver, store, epoch, upd(l1, k, NONE), upd(l2, k, l1[k]), l3, fill, NOREAD))
            if l2[k] is not None:
                nl3 = upd(l3, k, (l2[k], True)) if (l3[k] is None or l3[k][0] < l2[k]) else l3
                emit("Demote (L2->L3)", (ver, store, epoch, l1, upd(l2, k, NONE), nl3, fill, NOREAD))
            # Evict from L1 / L2 / L3 (live; L3 keeps a tombstone at the evicted version)
            if l1[k] is not None:
                emit("Evict (L1)", (ver, store, epoch, upd(l1, k, NONE), l2, l3, fill, NOREAD))
            if l2[k] is not None:
                emit("Evict (L2)", (ver, store, epoch, l1, upd(l2, k, NONE), l3, fill, NOREAD))
            if in_l3(l3, k):
                emit("Evict (L3)", (ver, store, epoch, l1, l2, upd(l3, k, (l3[k][0], False)), fill, NOREAD))
            # Invalidate
            if ver < max_version:
                v = ver + 1
                emit("Invalidate", (v, upd(store, k, NONE), upd(epoch, k, v), upd(l1, k, NONE), upd(l2, k, NONE),
                            upd(l3, k, (v, False)), fill, NOREAD))
        # Crash
        emit("Crash", (ver, store, epoch, (NONE,) * nkeys, (NONE,) * nkeys, l3, (NONE,) * nkeys, NOREAD))
        return out

    def held(s):
        ver, store, epoch, l1, l2, l3, fill, last = s
        for k in K:
            for v in (l1[k], l2[k], l3[k][0] if in_l3(l3, k) else None):
                if v is not None:
                    yield k, v

    def violated(s):
        ver, store, epoch, l1, l2, l3, fill, last = s
        if last != NOREAD and last[1] is not None and last[1] != store[last[0]]:
            return "NoStaleRead"
        for k, v in held(s):
            if v < epoch[k]:
                return "NoResurrection"
        for k, v in held(s):
            if store[k] is None or v > store[k]:
                return "TierVersionsNotNewerThanAck"
        for k in K:
            f = fill[k]
            if f is not None and (f[0] > epoch[k] or (f[1] is not None and f[1] > f[0])):
                return "FillTokensValid"
        return None

    seen = {init: None}
    frontier = [init]
    generated = 1
    depth = 1
    bad = violated(init)
    while frontier and not bad:
        nxt = []
        for s in frontier:
            for t in successors(s):
                generated += 1
                if t not in seen:
                    seen[t] = s
                    nxt.append(t)
                    b = violated(t)
                    if b and not bad:
                        bad = (b, t)
        if nxt:
            depth += 1
        frontier = nxt
        if bad:
            break
    if bad:
        name, t = bad
        trace = []
        while t is not None:
            trace.append(t)
            t = seen[t]
        return {"outcome": f"violation:{name}", "traceLength": len(trace), "trace": list(reversed(trace))}
    return {"outcome": "ok", "generated": generated, "distinct": len(seen), "depth": depth}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--keys", type=int, default=1)
    ap.add_argument("--max-version", type=int, default=2)
    ap.add_argument("--bad-install", action="store_true", help="InstallChecksEpoch = FALSE")
    ap.add_argument("--bad-return", action="store_true", help="ReturnChecksEpoch = FALSE")
    ap.add_argument("--coverage", action="store_true", help="print how many successors each action produced")
    a = ap.parse_args()
    cov = {} if a.coverage else None
    r = run(a.keys, a.max_version, not a.bad_install, not a.bad_return, cov)
    trace = r.pop("trace", None)
    print(r)
    for action, n in sorted((cov or {}).items()):
        print(f"  {action:28} {n}")
    if trace:
        for i, s in enumerate(trace, 1):
            print(f"State {i}: {s}")
