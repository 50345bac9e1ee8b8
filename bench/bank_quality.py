"""Recall and precision of `questions` concepts against the hand annotations in tests/data/annotations.

    python bench/bank_quality.py [-v] [SPEECH_DIR]

Matching: an enumeration is recalled only when its members are exact, complete and in order;
a formula, slogan or policy when its term is the same (quotes and spaces aside; a parallel set
also by its members); a fact when a concept of the same paragraph contains the annotated figure.
An extracted concept is precise when it matches some annotation by these rules.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from questions.concepts import find_concepts  # noqa: E402
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("speech_dir", nargs="?", default=str(ROOT.parent / "shared" / "speeches"))
    parser.add_argument("-v", "--verbose", action="store_true", help="list misses and extras")
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
