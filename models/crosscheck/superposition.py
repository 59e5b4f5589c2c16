#!/usr/bin/env python3
"""Independent brute-force count of spec/Superposition.tla's state graph.

A hand translation of the spec's transition system into plain Python (no TLA+ parsing), explored
breadth-first and counted the way TLC counts (see tier_coherency.py in this folder).

Usage: python3 models/crosscheck/superposition.py --branches 2 --max-epoch 2 [--no-barrier|--non-atomic]
"""
import argparse

NONE = None
NOREAD = "NoRead"
ROOT = "Root"


def run(nbranches, max_epoch, read_barrier=True, atomic_collapse=True, coverage=None):
    """BFS the model; if `coverage` is a dict, count the successors each action (branch) produced."""
    B = [f"b{i + 1}" for i in range(nbranches)]
    BK = [(b, e) for b in B for e in range(1, max_epoch + 1)]
    fs = frozenset

    # state = (status, live, epoch, winner, base, l1, l2, l3, reading, collapsing, lastRead)
    # reading: tuple indexed like B; lastRead = NOREAD | (kind, val)
    init = ("single", fs(), 0, NONE, ROOT, fs(), fs(), fs(), (NONE,) * nbranches, NONE, NOREAD)

    def live_data(status, live, epoch):
        return fs((b, epoch) for b in live) if status == "superposed" else fs()

    def successors(s):
        status, live, epoch, winner, base, l1, l2, l3, reading, collapsing, last = s
        out = []

        def emit(action, state):
            out.append(state)
            if coverage is not None:
                coverage[action] = coverage.get(action, 0) + 1

        def st(**kw):
            d = dict(status=status, live=live, epoch=epoch, winner=winner, base=base, l1=l1, l2=l2, l3=l3,
                     reading=reading, collapsing=collapsing, last=NOREAD)
            d.update(kw)
            return (d["status"], d["live"], d["epoch"], d["winner"], d["base"], d["l1"], d["l2"], d["l3"],
                    d["reading"], d["collapsing"], d["last"])

        def switch(w):
            return dict(status="collapsed", live=fs(), epoch=epoch + 1, winner=(w, epoch))

        # Fork
        if status != "superposed" and epoch + 2 <= max_epoch:
            new = fs((b, epoch + 1) for b in B)
            emit("Fork", st(status="superposed", live=fs(B), epoch=epoch + 1, winner=NONE, l1=l1 | new, l3=l3 | new))
        # ReadBase
        emit("ReadBase", st(last=("base", base)))
        # FinishCollapse
        if collapsing is not None:
            emit("FinishCollapse", st(collapsing=NONE, **switch(collapsing)))
        for i, b in enumerate(B):
            readable = status == "superposed" and b in live
            key = (b, epoch)
            # PutBranch
            if readable:
                emit("PutBranch", st(l1=l1 | {key}, l2=l2 - {key}, l3=l3 | {key}))
            # ReadBranch: refused / L1 hit / L2 hit
            if not readable:
                emit("ReadBranch (refused)", st(last=("branch", NONE)))
            if readable and key in l1:
                emit("ReadBranch (L1 hit)", st(last=("branch", key)))
            if readable and key not in l1 and key in l2:
                emit("ReadBranch (L2 hit)", st(l1=l1 | {key}, l2=l2 - {key}, last=("branch", key)))
            # ReadBranchStart
            if readable and key not in l1 and key not in l2 and reading[i] is None:
                r = list(reading); r[i] = epoch
                emit("ReadBranchStart", st(reading=tuple(r)))
            # ReadBranchComplete
            if reading[i] is not None:
                bk = (b, reading[i])
                ok = ((reading[i] == epoch and b in live) or not read_barrier) and bk in l3
                r = list(reading); r[i] = NONE
                emit("ReadBranchComplete (returned)" if ok else "ReadBranchComplete (refused)", st(l1=l1 | {bk} if ok else l1, last=("branch", bk if ok else NONE), reading=tuple(r)))
            # Collapse
            if readable and collapsing is None:
                if atomic_collapse:
                    emit("Collapse", st(base=key, **switch(b)))
                else:
                    emit("Collapse (base only)", st(base=key, collapsing=b))
            # Discard
            if readable and collapsing is None and live != fs([b]):
                emit("Discard", st(live=live - {b}))
        ld = live_data(status, live, epoch)
        for bk in BK:
            # PromoteBranch
            if bk not in l1:
                if bk in l2:
                    emit("PromoteBranch (L2)", st(l1=l1 | {bk}, l2=l2 - {bk}))
                if bk not in l2 and bk in l3:
                    emit("PromoteBranch (L3)", st(l1=l1 | {bk}))
            # DemoteBranch
            if bk in l1:
                emit("DemoteBranch (L1->L2)", st(l1=l1 - {bk}, l2=l2 | {bk}))
            if bk in l2:
                emit("DemoteBranch (L2->L3)", st(l2=l2 - {bk}, l3=l3 | {bk}))
            # EvictBranch
            if bk in l1:
                emit("EvictBranch (L1)", st(l1=l1 - {bk}))
            if bk in l2:
                emit("EvictBranch (L2)", st(l2=l2 - {bk}))
            # GcSibling
            if bk not in ld:
                if bk in l1:
                    emit("GcSibling (L1)", st(l1=l1 - {bk}))
                if bk in l2:
                    emit("GcSibling (L2)", st(l2=l2 - {bk}))
                if bk in l3:
                    emit("GcSibling (L3)", st(l3=l3 - {bk}))
        return out

    def violated(s):
        status, live, epoch, winner, base, l1, l2, l3, reading, collapsing, last = s
        ld = live_data(status, live, epoch)
        if last != NOREAD and last[0] == "branch" and last[1] is not None and last[1] not in ld:
            return "NoGhostBranch"
        if last != NOREAD and last[0] == "base":
            if status == "superposed" and last[1] in {(b, epoch) for b in B}:
                return "CollapseAtomic"
            if status == "collapsed" and last[1] != winner:
                return "CollapseAtomic"
        if not ld <= l3:
            return "LiveBranchesDurable"
        return None

    seen = {init: None}
    frontier = [init]
    generated, depth, bad = 1, 1, violated(init)
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
        name, t = bad
        trace = []
        while t is not None:
            trace.append(t)
            t = seen[t]
        return {"outcome": f"violation:{name}", "traceLength": len(trace), "trace": list(reversed(trace))}
    return {"outcome": "ok", "generated": generated, "distinct": len(seen), "depth": depth}


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--branches", type=int, default=2)
    ap.add_argument("--max-epoch", type=int, default=2)
    ap.add_argument("--no-barrier", action="store_true", help="ReadBarrier = FALSE")
    ap.add_argument("--non-atomic", action="store_true", help="AtomicCollapse = FALSE")
    ap.add_argument("--coverage", action="store_true", help="print how many successors each action produced")
    a = ap.parse_args()
    cov = {} if a.coverage else None
    r = run(a.branches, a.max_epoch, not a.no_barrier, not a.non_atomic, cov)
    trace = r.pop("trace", None)
    print(r)
    for action, n in sorted((cov or {}).items()):
        print(f"  {action:32} {n}")
    for i, s in enumerate(trace or [], 1):
        print(f"State {i}: {s}")
