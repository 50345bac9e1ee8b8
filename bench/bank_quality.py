"""Recall and precision of `questions` concepts against the hand annotations in tests/data/annotations,
then the bank figures of every speech in SPEECH_DIR (built cold in a child process, as a user would).

    python bench/bank_quality.py [-v] [--runs N] [SPEECH_DIR]

Matching: an enumeration is recalled only when its members are exact, complete and in order;
a formula, slogan or policy when its term is the same (quotes and spaces aside; a parallel set
also by its members); a fact when a concept of the same paragraph contains the annotated figure.
An extracted concept is precise when it matches some annotation by these rules.
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
from questions.concepts import find_concepts  # noqa: E402
from questions.knowledge import load_knowledge  # noqa: E402
from questions.text import read_speech  # noqa: E402

ANNOTATIONS = ROOT / "tests" / "data" / "annotations"
KINDS = ("enumeration", "formula", "slogan", "policy", "fact")
TARGETS = {"enumeration": 0.90, "formula": 0.85, "slogan": 0.85, "policy": 0.85, "fact": 0.75}


def norm(text: str) -> str:
    text = re.sub(r"[\s“”‘’\"'「」《》]", "", text)
    return text.replace("—", "-").replace("–", "-")


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def matches(gold: dict, got: dict) -> bool:
    kind = gold["kind"]
    if kind == "fact":
        if got["kind"] != "fact" or got["paragraph"] != gold["paragraph"]:
            return False
        value = norm(gold.get("value") or gold["term"])
        return value in norm(got["term"]) or any(value in norm(m) for m in got["members"])
    if got["kind"] == "fact":
        return False
    gold_members = [norm(m) for m in gold.get("members", [])]
    got_members = [norm(m) for m in got["members"]]
    if kind == "enumeration":
        return bool(gold_members) and gold_members == got_members
    if norm(gold["term"]) == norm(got["term"]):
        return True
    return len(gold_members) >= 2 and gold_members == got_members


def evaluate(speech_dir: Path, verbose: bool) -> dict:
    totals = {k: Counter() for k in KINDS}
    precise = Counter()
    kind_agree = Counter()
    for gold_file in sorted(ANNOTATIONS.glob("*.jsonl")):
        speech_path = speech_dir / f"{gold_file.stem}.txt"
        gold = load(gold_file)
        got = [
            {"term": c.term, "kind": c.kind.value, "paragraph": c.source.paragraph,
             "members": list(c.members or c.figures)}
            for c in find_concepts(read_speech(speech_path))
        ]
        missed, wrong = [], []
        for g in gold:
            hit = next((c for c in got if matches(g, c)), None)
            totals[g["kind"]]["total"] += 1
            if hit:
                totals[g["kind"]]["found"] += 1
                kind_agree["same" if hit["kind"] == g["kind"] else "other"] += 1
            else:
                missed.append(g)
        for c in got:
            ok = any(matches(g, c) for g in gold)
            precise["ok" if ok else "bad"] += 1
            precise[f"{c['kind']}:{'ok' if ok else 'bad'}"] += 1
            if not ok:
                wrong.append(c)
        if verbose:
            print(f"== {gold_file.stem}")
            for g in missed:
                print("  MISSED", g["paragraph"], g["kind"], g["term"], "|", "、".join(g.get("members", []))[:120],
                      g.get("value", ""))
            for c in wrong:
                print("  EXTRA ", c["paragraph"], c["kind"], c["term"], "|", "、".join(c["members"])[:120])
    return {"totals": totals, "precise": precise, "kind_agree": kind_agree}


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


def bank_figures(speech_dir: Path, runs: int) -> None:
    paths = sorted(speech_dir.glob("*.txt"))
    first_wall, first_rss, output = build_cold(paths, fresh_cache=True)
    timings = [build_cold(paths, fresh_cache=False) for _ in range(runs)]
    walls = [t[0] for t in timings]
    peak = max([first_rss, *(t[1] for t in timings)])
    print(f"\nbuild of {len(paths)} speeches, cold process: first run without jieba cache {first_wall:.2f} s; "
          f"median of {runs} further runs {statistics.median(walls):.2f} s (min {min(walls):.2f}, max {max(walls):.2f}); "
          f"peak RSS {peak:.0f} MB (targets: < 5 s, < 300 MB)")
    rows = [json.loads(line) for line in output.splitlines()]
    knowledge = load_knowledge()
    print(f"{'speech':<28}{'total':>6}{'single':>7}{'multi':>6}{'judge':>6}{'fill':>5}{'kb':>4}"
          f"{'verbatim':>10}{'dup stems':>10}{'rep opts':>9}{'said-with':>10}")
    for path in paths:
        mine = [r for r in rows if r["source"]["speech"] == path.name]
        result = audit(mine, read_speech(path), knowledge)
        kb = sum(1 for r in mine if r["origin"] == "knowledge")
        t = result.by_type
        verbatim = result.quoted_ok / result.quoted if result.quoted else 1.0
        print(f"{path.name:<28}{result.questions:>6}{t['single']:>7}{t['multiple']:>6}{t['judge']:>6}{t['fill']:>5}"
              f"{kb:>4}{verbatim:>10.1%}{result.duplicate_stems:>10}{result.repeated_options:>9}"
              f"{result.said_with_answer:>10}")
        for problem in result.problems[:5]:
            print("   ", problem)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("speech_dir", nargs="?", default=str(ROOT.parent / "shared" / "speeches"))
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and extras")
    parser.add_argument("--runs", type=int, default=5, help="timed builds after the first (default 5)")
    args = parser.parse_args()
    result = evaluate(Path(args.speech_dir), args.verbose)
    print(f"annotated speeches: {len(list(ANNOTATIONS.glob('*.jsonl')))}")
    print(f"{'kind':<12}{'found':>7}{'total':>7}{'recall':>9}{'target':>8}{'precision':>11}")
    for kind in KINDS:
        t = result["totals"][kind]
        p_ok, p_bad = result["precise"][f"{kind}:ok"], result["precise"][f"{kind}:bad"]
        recall = t["found"] / t["total"] if t["total"] else 0.0
        precision = p_ok / (p_ok + p_bad) if p_ok + p_bad else 0.0
        flag = "" if recall >= TARGETS[kind] else "  < target"
        print(f"{kind:<12}{t['found']:>7}{t['total']:>7}{recall:>9.1%}{TARGETS[kind]:>8.0%}{precision:>11.1%}{flag}")
    ok, bad = result["precise"]["ok"], result["precise"]["bad"]
    precision = ok / (ok + bad) if ok + bad else 0.0
    agree = result["kind_agree"]
    print(f"precision overall: {precision:.1%} ({ok} of {ok + bad} extracted concepts match an annotation; target 85%)")
    print(f"kind agreement on recalled concepts: {agree['same']} same, {agree['other']} other")
    bank_figures(Path(args.speech_dir), args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
