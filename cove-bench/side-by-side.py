#!/usr/bin/env python3
"""Cove and llama.cpp side by side: `cove bench` and `llama-bench` on the same files, alternating.

    cove-bench/side-by-side.py [--rounds 3] [-p 128,512] [-n 64] [-d 0,1024] [-t 2] [-r 3] FILE...

Each round runs both tools on every file, one after the other, and swaps which goes first from one
round to the next, so that a host whose speed drifts (these do, by 20-30% over an hour) favours
neither. Prints, per file and test, each round's tokens/s and ratio, then the ratio of the sums
over the rounds: the figure to report, with the machine (`lscpu`) and the date.
Needs only Python 3; llama-bench is ../shared/tools/llama.cpp/run llama-bench, built for AVX-512.
Where that build stops with "Illegal instruction" (an AVX2 machine), build llama-bench for the
machine from llama.cpp's source (cmake -DGGML_NATIVE=ON, target llama-bench) and pass
--llama-bench PATH.
"""
import argparse
import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COVE = os.path.join(ROOT, "cove")
LLAMA = os.path.join(os.path.dirname(ROOT), "shared", "tools", "llama.cpp", "run")


def cove(file, a):
    out = subprocess.run([COVE, "bench", "-m", file, "-p", a.p, "-n", a.n, "-d", a.d, "-t", str(a.t), "-r", str(a.r),
                          "--no-bandwidth", "--json"], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("cove bench failed on %s: %s" % (file, out.stderr.strip()[-400:]))
    report = json.loads(out.stdout.strip().splitlines()[-1])
    return {(t["n_prompt"], t["n_gen"], t["n_depth"]): t["tok_s"]["mean"] for t in report["tests"]}


def llama(file, a):
    tool = [a.llama_bench] if a.llama_bench else [LLAMA, "llama-bench"]
    out = subprocess.run(tool + ["-m", file, "-p", a.p, "-n", a.n, "-d", a.d, "-t", str(a.t),
                          "-r", str(a.r), "-o", "json"], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit("llama-bench failed on %s: %s" % (file, out.stderr.strip()[-400:]))
    return {(t["n_prompt"], t["n_gen"], t["n_depth"]): t["avg_ts"] for t in json.loads(out.stdout)}


def name(key):
    p, n, d = key
    return ("pp%d" % p if p else "tg%d" % n) + (" @ d%d" % d if d else "")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--llama-bench", help="a llama-bench binary to use instead of the shipped one")
    ap.add_argument("-p", default="128")
    ap.add_argument("-n", default="64")
    ap.add_argument("-d", default="0")
    ap.add_argument("-t", type=int, default=2)
    ap.add_argument("-r", type=int, default=3)
    a = ap.parse_args()
    results = {f: [] for f in a.files}  # file -> [(cove, llama)] per round
    for rnd in range(a.rounds):
        for f in a.files:
            if rnd % 2 == 0:
                c = cove(f, a)
                l = llama(f, a)
            else:
                l = llama(f, a)
                c = cove(f, a)
            results[f].append((c, l))
            for key in sorted(c, key=lambda k: (k[2], k[1] > 0, k[0], k[1])):
                if key in l:
                    print("round %d  %-28s %-14s cove %9.2f  llama.cpp %9.2f  ratio %.3f"
                          % (rnd + 1, os.path.basename(f), name(key), c[key], l[key], c[key] / l[key]), flush=True)
    print("\nratio of the sums over %d rounds (cove / llama.cpp):" % a.rounds)
    for f, rounds in results.items():
        for key in sorted(rounds[0][0], key=lambda k: (k[2], k[1] > 0, k[0], k[1])):
            if all(key in l for _, l in rounds):
                sc = sum(c[key] for c, _ in rounds)
                sl = sum(l[key] for _, l in rounds)
                print("  %-28s %-14s %.3f  (cove %.2f, llama.cpp %.2f tok/s mean)"
                      % (os.path.basename(f), name(key), sc / sl, sc / len(rounds), sl / len(rounds)))


if __name__ == "__main__":
    main()
