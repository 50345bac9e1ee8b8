"""Draw the sample of a blind review round (docs/bank-quality.md) and score the reviewer's verdicts.

    python bench/review_sample.py draw --seed N --out DIR [--sample validation=60,seeds=40]
    python bench/review_sample.py score --out DIR VERDICTS.json

`draw` builds the seeds and the validation speeches (tests/data/keypoints/validation) as a user
would, then writes two files into DIR:
- questions.md, all the reviewer sees: each question's number, speech file, stem, options, key,
  explanation and source sentence, in a shuffled order that says nothing of how it was drawn;
- key.json, kept from the reviewer: for each number the set (seeds or validation), the speech,
  the builder's quality rank and whether it was drawn at random, from the best-ranked, or both.
The sample: 60 random questions from the validation speeches, 40 from the seeds, and 5 from each
speech's 30 best-ranked (the order the review page shows). A question drawn twice is judged once.
`--sample dev=60` draws from the development speeches instead, for a review to tune on.

`score` reads the reviewer's verdicts, a JSON object {"number": {"verdict": "PASS"|"FAIL",
"check": "correct"|"unambiguous"|"worth asking"|"well-formed"|"distractors"|""}}, and prints the
pass counts by set and draw, and the fails by the first check they miss.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from questions.build import build_bank  # noqa: E402
from questions.knowledge import load_knowledge  # noqa: E402
from questions.text import read_speech  # noqa: E402

SHARED = ROOT.parent / "shared"
KEYPOINTS = ROOT / "tests" / "data" / "keypoints"
RANDOM = {"validation": 60, "seeds": 40}
BEST_OF, BEST_TAKEN = 30, 5
TYPE_NAMES = {"single": "单选", "multiple": "多选", "judge": "判断", "fill": "填空"}


def speech_paths(set_name: str) -> list[Path]:
    if set_name == "seeds":
        return sorted((SHARED / "speeches").glob("[0-9]*.txt"))
    return [SHARED / "corpus" / f"{p.stem}.txt" for p in sorted((KEYPOINTS / set_name).glob("*.jsonl"))]


def _answer_text(q: dict) -> str:
    answer = q["answer"]
    if isinstance(answer, bool):
        return "对" if answer else "错"
    if q["options"]:
        return "".join("ABCDEFGH"[i] for i in answer)
    return "；".join(answer)


def _render(number: int, speech: str, q: dict) -> str:
    lines = [f"## {number}", f"- 讲话文件：{speech}", f"- 题型：{TYPE_NAMES.get(q['type'], q['type'])}",
             f"- 题干：{q['stem']}"]
    lines += [f"  - {'ABCDEFGH'[i]}. {o}" for i, o in enumerate(q["options"])]
    lines += [f"- 答案：{_answer_text(q)}", f"- 解析：{q['explanation']}",
              f"- 出处（第 {q['source']['paragraph']} 段）：{q['source']['sentence']}", ""]
    return "\n".join(lines)


def draw(seed: int, out: Path, sample: dict[str, int]) -> None:
    rng = random.Random(seed)
    knowledge = load_knowledge()
    picked: dict[str, dict] = {}
    for set_name, count in sample.items():
        pool = []
        for path in speech_paths(set_name):
            bank = build_bank([read_speech(path)], knowledge)[0]
            questions = [q.to_json() for q in bank.questions]
            best = sorted(questions, key=lambda q: -q["quality"])[:BEST_OF]
            for q in rng.sample(best, min(BEST_TAKEN, len(best))):
                picked.setdefault(q["id"], {"q": q, "set": set_name, "speech": path.name, "draws": set()})
                picked[q["id"]]["draws"].add("best")
            pool += [(path.name, q) for q in questions]
        for name, q in rng.sample(pool, min(count, len(pool))):
            picked.setdefault(q["id"], {"q": q, "set": set_name, "speech": name, "draws": set()})
            picked[q["id"]]["draws"].add("random")
    entries = list(picked.values())
    rng.shuffle(entries)
    out.mkdir(parents=True, exist_ok=True)
    text = [_render(n, e["speech"], e["q"]) for n, e in enumerate(entries, 1)]
    (out / "questions.md").write_text("\n".join(text), encoding="utf-8")
    key = {str(n): {"id": e["q"]["id"], "set": e["set"], "speech": e["speech"], "quality": e["q"]["quality"],
                    "draws": sorted(e["draws"])} for n, e in enumerate(entries, 1)}
    (out / "key.json").write_text(json.dumps(key, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{len(entries)} questions drawn (seed {seed}) into {out}")


def score(out: Path, verdicts_path: Path) -> None:
    key = json.loads((out / "key.json").read_text(encoding="utf-8"))
    verdicts = json.loads(verdicts_path.read_text(encoding="utf-8"))
    missing = sorted(set(key) - set(verdicts), key=int)
    if missing:
        sys.exit(f"no verdict for {len(missing)} questions: {', '.join(missing[:10])}")
    sets = sorted({k["set"] for k in key.values()})
    for draw_name in ("random", "best"):
        for set_name in sets:
            rows = [n for n, k in key.items() if k["set"] == set_name and draw_name in k["draws"]]
            passed = sum(verdicts[n]["verdict"].upper() == "PASS" for n in rows)
            print(f"{draw_name:6} {set_name:10} {passed}/{len(rows)}")
    for set_name in sets:
        fails = Counter(verdicts[n].get("check", "") for n, k in key.items()
                        if k["set"] == set_name and verdicts[n]["verdict"].upper() != "PASS")
        print(f"fails {set_name}: " + ", ".join(f"{c or '?'} {n}" for c, n in fails.most_common()))
    low = [n for n, k in key.items() if k["quality"] < 0.7]
    print(f"quality < 0.7: {sum(verdicts[n]['verdict'].upper() == 'PASS' for n in low)}/{len(low)} passed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("draw")
    d.add_argument("--seed", type=int, required=True)
    d.add_argument("--out", type=Path, required=True)
    d.add_argument("--sample", default=",".join(f"{k}={v}" for k, v in RANDOM.items()),
                   help="random questions per set: validation=60,seeds=40 (dev=60 to tune on)")
    s = sub.add_parser("score")
    s.add_argument("--out", type=Path, required=True)
    s.add_argument("verdicts", type=Path)
    args = parser.parse_args()
    if args.command == "draw":
        try:
            sample = {name: int(count) for name, count in (part.split("=") for part in args.sample.split(","))}
        except ValueError:
            parser.error("--sample takes set=count pairs: validation=60,seeds=40")
        unknown = set(sample) - {"seeds", "dev", "validation"}
        if unknown:
            parser.error(f"unknown set: {', '.join(sorted(unknown))} (seeds, dev or validation)")
        draw(args.seed, args.out, sample)
    else:
        score(args.out, args.verdicts)


if __name__ == "__main__":
    main()
