#!/usr/bin/env python3
"""Run the independent Python brute force on every model of models/manifest.json.

For each model it reads the .cfg's CONSTANTS (set sizes and numbers, the BOOLEAN bug flags), runs the
matching hand translation (tier_coherency.py or superposition.py) and prints the outcome with
generated / distinct / depth (ok models) or the shortest trace length (bad models).

  python3 models/crosscheck/run_all.py                  # table
  python3 models/crosscheck/run_all.py --write          # also write models/crosscheck/expected.json
  python3 models/crosscheck/run_all.py --compare        # also run tla-check --json on each model and
                                                        # exit 1 if any figure differs
  python3 models/crosscheck/run_all.py --only TierCoherencySmall   # one model

Run from the repository root.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import superposition  # noqa: E402
import tier_coherency  # noqa: E402


def cfg_constants(path):
    text = open(path).read()
    text = re.sub(r"\\\*.*", "", text)
    consts = {}
    for name, value in re.findall(r"^\s*(\w+)\s*=\s*(.+?)\s*$", text, re.M):
        value = value.strip()
        if value.startswith("{"):
            consts[name] = [v.strip() for v in value.strip("{}").split(",") if v.strip()]
        elif value in ("TRUE", "FALSE"):
            consts[name] = value == "TRUE"
        elif value.isdigit():
            consts[name] = int(value)
        else:
            consts[name] = value
    return consts


def brute_force(spec, cfg):
    c = cfg_constants(cfg)
    if spec.endswith("TierCoherency.tla"):
        return tier_coherency.run(len(c["Keys"]), c["MaxVersion"], c["InstallChecksEpoch"], c["ReturnChecksEpoch"])
    if spec.endswith("Superposition.tla"):
        return superposition.run(len(c["Branches"]), c["MaxEpoch"], c["ReadBarrier"], c["AtomicCollapse"])
    raise SystemExit(f"no brute force for {spec}")


def tla_check(spec, cfg):
    p = subprocess.run(["node", "--import", "tsx", "checker/bin/tla-check.ts", spec, "--config", cfg, "--json"],
                       capture_output=True, text=True)
    try:
        return json.loads(p.stdout)
    except json.JSONDecodeError:
        return {"outcome": f"error (exit {p.returncode}): {(p.stderr or p.stdout).strip()[:200]}"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true")
    ap.add_argument("--compare", action="store_true")
    ap.add_argument("--only")
    a = ap.parse_args()
    manifest = json.load(open("models/manifest.json"))
    rows, failed = [], False
    for m in manifest:
        if a.only and m["name"] != a.only:
            continue
        t0 = time.time()
        r = brute_force(m["spec"], m["config"])
        r.pop("trace", None)
        row = {"name": m["name"], "expect": m["expect"], **r}
        ok = r["outcome"] == m["expect"]
        line = f"{m['name']:32} expect={m['expect']:28} python={r['outcome']:28}"
        if r["outcome"] == "ok":
            line += f" generated={r['generated']} distinct={r['distinct']} depth={r['depth']}"
        else:
            line += f" traceLength={r['traceLength']}"
        line += f" ({time.time() - t0:.1f}s)"
        if a.compare:
            c = tla_check(m["spec"], m["config"])
            keys = ["outcome", "generated", "distinct", "depth"] if r["outcome"] == "ok" else ["outcome", "traceLength"]
            diff = [k for k in keys if c.get(k) != r.get(k)]
            line += "  tla-check: " + ("same" if not diff else "DIFFERS " + ", ".join(f"{k}={c.get(k)}" for k in diff))
            ok = ok and not diff
        failed |= not ok
        print(("   " if ok else "!! ") + line, flush=True)
        rows.append(row)
    if a.write:
        with open("models/crosscheck/expected.json", "w") as f:
            json.dump(rows, f, indent=2)
            f.write("\n")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
