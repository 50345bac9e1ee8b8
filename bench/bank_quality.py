"""Recall and precision of `questions` concepts against blind annotations of key points
(tests/data/keypoints/: seeds, dev and validation sets, reported apart), then the bank figures of
the seeds and the corpus built together in a cold child process, as a user would.

    python bench/bank_quality.py [-v] [--runs N]

Matching (any kind of concept may cover a point, within one paragraph of it):
- a list (enumeration, or a slogan with members): at least three quarters of its members, and two,
  each contained in a member of the concept or containing one;
- a term (formula, slogan, policy, thesis, event): the terms contain one another, the shorter at
  least half the longer (quotes and spaces aside), or the term is one of the concept's members;
- a fact: its figure stands in the concept's term or members.
A point is *asked* when a matching concept has at least one question in the bank. An extracted
concept is precise when it matches some point of any tier. -v lists misses and extras, except on
the validation set (kept out of tuning; --show-validation to list them anyway), and the tier-1 points
found but not asked.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from questions.audit import audit  # noqa: E402
from questions.build import build_bank  # noqa: E402
from questions.knowledge import load_knowledge  # noqa: E402
from questions.text import read_speech  # noqa: E402

KEYPOINTS = ROOT / "tests" / "data" / "keypoints"
SHARED = ROOT.parent / "shared"
SETS = {"seeds": SHARED / "speeches", "dev": SHARED / "corpus", "validation": SHARED / "corpus"}
KINDS = ("enumeration", "formula", "slogan", "policy", "thesis", "fact", "event")


def norm(text: str) -> str:
    text = re.sub(r"[\s“”‘’\"'「」《》…]", "", text)
    return text.replace("—", "-").replace("–", "-")


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _contains(a: str, b: str) -> bool:
    if not a or not b:
        return False
    short, long = sorted((a, b), key=len)
    return len(short) >= 2 and short in long and len(short) * 2 >= len(long)


def _member_hit(m: str, got: list[str]) -> bool:
    return any(len(g) >= 2 and (m in g or g in m) for g in got)


def matches(gold: dict, got: dict) -> bool:
    spans = got["paragraphs"]
    if not (min(spans) - 1 <= gold["paragraph"] <= max(spans) + 1):
        return False
    got_members = [norm(m) for m in got["members"]]
    if gold["kind"] == "fact":
        value = norm(gold.get("value") or gold["term"])
        return value in norm(got["term"]) or any(value in m for m in got_members)
    gold_members = [norm(m) for m in gold.get("members", []) if norm(m)]
    if len(gold_members) >= 2:
        hits = sum(1 for m in gold_members if _member_hit(m, got_members))
        if hits >= max(2, -(-3 * len(gold_members) // 4)):
            return True
        if gold["kind"] == "enumeration":
            return False
    term = norm(gold["term"])
    return _contains(term, norm(got["term"])) or term in got_members


def evaluate(set_name: str, verbose: bool) -> dict:
    """Recall by kind and tier, asked recall and precision over one set of annotated speeches."""
    found = {k: Counter() for k in KINDS}
    precise = Counter()
    knowledge = load_knowledge()
    for gold_file in sorted((KEYPOINTS / set_name).glob("*.jsonl")):
        speech = read_speech(SETS[set_name] / f"{gold_file.stem}.txt")
        bank = build_bank([speech], knowledge)[0]
        asked_terms = {q.concept for q in bank.questions}
        got = [{"term": c.term, "kind": c.kind.value, "paragraphs": list(c.paragraphs or (c.source.paragraph,)),
                "members": list(c.members or c.figures), "asked": c.term in asked_terms} for c in bank.concepts]
        gold = load(gold_file)
        missed, unasked = [], []
        for g in gold:
            hits = [c for c in got if matches(g, c)]
            tier = f"t{g.get('tier', 2)}"
            found[g["kind"]][tier] += 1
            if hits:
                found[g["kind"]][tier + "found"] += 1
                if any(c["asked"] for c in hits):
                    found[g["kind"]][tier + "asked"] += 1
                elif tier == "t1":
                    unasked.append((g, hits[0]))
            else:
                missed.append(g)
        extras = []
        for c in got:
            ok = any(matches(g, c) for g in gold)
            precise["ok" if ok else "bad"] += 1
            if not ok:
                extras.append(c)
        if verbose:
            print(f"== {set_name}/{gold_file.stem}")
            for g in missed:
                print(f"  MISSED t{g.get('tier')}", g["paragraph"], g["kind"], g["term"], "|",
                      "、".join(g.get("members", []))[:100], g.get("key", ""), g.get("value", ""))
            for g, c in unasked:
                print("  UNASKED t1", g["paragraph"], g["kind"], g["term"], "| found as", c["kind"], c["term"])
            for c in extras:
                print("  EXTRA ", c["paragraphs"][0], c["kind"], c["term"], "|", "、".join(c["members"])[:100])
    return {"found": found, "precise": precise}


def report(set_name: str, result: dict) -> None:
    found, precise = result["found"], result["precise"]
    files = len(list((KEYPOINTS / set_name).glob("*.jsonl")))
    print(f"\n{set_name}: {files} speeches")
    print(f"{'kind':<12}{'tier-1 found':>14}{'recall':>8}{'asked':>8}{'all found':>12}{'recall':>8}")
    totals = Counter()
    for kind in KINDS:
        f = found[kind]
        t1, t1f, t1a = f["t1"], f["t1found"], f["t1asked"]
        all_n, all_f = f["t1"] + f["t2"], f["t1found"] + f["t2found"]
        for key in ("t1", "t1found", "t1asked", "t2", "t2found"):
            totals[key] += f[key]
        if not all_n:
            continue
        print(f"{kind:<12}{t1f:>7}/{t1:<6}{_pct(t1f, t1):>8}{_pct(t1a, t1):>8}{all_f:>6}/{all_n:<5}{_pct(all_f, all_n):>8}")
    t1, t1f, t1a = totals["t1"], totals["t1found"], totals["t1asked"]
    all_n, all_f = t1 + totals["t2"], t1f + totals["t2found"]
    print(f"{'all':<12}{t1f:>7}/{t1:<6}{_pct(t1f, t1):>8}{_pct(t1a, t1):>8}{all_f:>6}/{all_n:<5}{_pct(all_f, all_n):>8}")
    ok, bad = precise["ok"], precise["bad"]
    print(f"precision: {_pct(ok, ok + bad)} ({ok} of {ok + bad} concepts match a key point)")


def _pct(a: int, b: int) -> str:
    return f"{a / b:.1%}" if b else "-"


def build_cold(paths: list[Path], fresh_cache: bool) -> tuple[float, float, str]:
    """Run `python -m questions build` in a new process: (wall seconds, peak RSS in MB, output)."""
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as tmp:
        if fresh_cache:
            env["TMPDIR"] = tmp  # jieba keeps its dictionary cache in the temp dir: start without it
        out_path = Path(tmp) / "bank.jsonl"
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "questions", "build", *map(str, paths), "-o", str(out_path)],
                                cwd=ROOT, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit("build failed")
        return wall, usage.ru_maxrss / 1024, out_path.read_text(encoding="utf-8")


def bank_figures(runs: int) -> None:
    paths = sorted(SETS["seeds"].glob("*.txt")) + sorted(SETS["dev"].glob("*.txt"))
    first_wall, first_rss, output = build_cold(paths, fresh_cache=True)
    timings = [build_cold(paths, fresh_cache=False) for _ in range(runs)]
    walls = [t[0] for t in timings]
    peak = max([first_rss, *(t[1] for t in timings)])
    print(f"\nbuild of {len(paths)} speeches (seeds and corpus), cold process: first run without jieba cache "
          f"{first_wall:.2f} s; median of {runs} further runs {statistics.median(walls):.2f} s "
          f"(min {min(walls):.2f}, max {max(walls):.2f}); peak RSS {peak:.0f} MB (targets: < 10 s, < 400 MB)")
    rows = [json.loads(line) for line in output.splitlines()]
    knowledge = load_knowledge()
    print(f"{'speech':<48}{'total':>6}{'single':>7}{'multi':>6}{'judge':>6}{'fill':>5}{'kb':>4}"
          f"{'verbatim':>10}{'dup stems':>10}{'said-with':>10}")
    for path in paths:
        mine = [r for r in rows if r["source"]["speech"] == path.name]
        result = audit(mine, read_speech(path), knowledge)
        kb = sum(1 for r in mine if r["origin"] == "knowledge")
        t = result.by_type
        verbatim = result.quoted_ok / result.quoted if result.quoted else 1.0
        print(f"{path.name:<48}{result.questions:>6}{t['single']:>7}{t['multiple']:>6}{t['judge']:>6}{t['fill']:>5}"
              f"{kb:>4}{verbatim:>10.1%}{result.duplicate_stems:>10}{result.said_with_answer:>10}")
        for problem in result.problems[:3]:
            print("   ", problem)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and extras (not on validation)")
    parser.add_argument("--show-validation", action="store_true", help="with -v, list the validation set's too")
    parser.add_argument("--runs", type=int, default=5, help="timed builds after the first (default 5)")
    parser.add_argument("--no-timing", action="store_true", help="skip the cold builds")
    args = parser.parse_args()
    for set_name in SETS:
        verbose = args.verbose and (set_name != "validation" or args.show_validation)
        report(set_name, evaluate(set_name, verbose))
    if not args.no_timing:
        bank_figures(args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
