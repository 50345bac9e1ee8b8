"""`python -m questions concepts|build|report SPEECH...`"""
from __future__ import annotations

import argparse
import json
import sys

from .build import build_bank, format_report
from .concepts import find_concepts
from .text import SpeechError, read_speech


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m questions",
                                     description="从讲话稿提取关键概念并生成题库")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("concepts", "输出关键概念（JSON Lines）"),
                            ("build", "生成题目（JSON Lines）"),
                            ("report", "输出质量报告")):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument("speeches", nargs="+", metavar="SPEECH")
        if name == "build":
            cmd.add_argument("-o", "--output", metavar="FILE", help="写入文件而不是标准输出")
    args = parser.parse_args(argv)

    speeches, paths, status = [], [], 0
    for path in args.speeches:
        try:
            speeches.append(read_speech(path))
            paths.append(path)
        except SpeechError as exc:
            print(f"错误：{path}：{exc}", file=sys.stderr)
            status = 2
    if args.command == "concepts":
        for speech in speeches:
            for concept in find_concepts(speech):
                print(json.dumps(concept.to_json(), ensure_ascii=False))
    elif args.command == "build":
        banks = build_bank(speeches)
        lines = [json.dumps(q.to_json(), ensure_ascii=False) for bank in banks for q in bank.questions]
        for path, bank in zip(paths, banks):
            if not bank.questions:
                print(f"警告：{path}：没有生成任何题目（未找到可出题的关键概念）", file=sys.stderr)
                status = 2
        text = "\n".join(lines) + ("\n" if lines else "")
        if args.output:
            with open(args.output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            sys.stdout.write(text)
    else:
        for bank in build_bank(speeches):
            print(format_report(bank))
    return status


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:  # output piped into `head`
        sys.stderr.close()
        sys.exit(0)
