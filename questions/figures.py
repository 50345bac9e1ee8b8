"""Wrong figures for questions on facts: another frequency, a nearby year or anniversary, a changed count."""
from __future__ import annotations

import random
import re

FREQUENCIES = ["每周", "每半个月", "每月", "每季度", "每半年", "每年"]
FIGURE_RE = re.compile(r"^(\D*?)(\d+(?:\.\d+)?)(.*)$")


def changed_figures(figure: str, rng: random.Random) -> list[str]:
    """Plausible wrong versions of `figure`, shuffled: 每月 → 每季度, 2022年 → 2021年,
    102周年 → 101周年, 32项 → 16项; [] when it cannot be changed sensibly (1/3)."""
    for freq in sorted(FREQUENCIES, key=len, reverse=True):
        if figure.startswith(freq):
            rest = figure[len(freq):]
            others = [f + rest for f in FREQUENCIES if f != freq]
            rng.shuffle(others)
            return others
    match = FIGURE_RE.match(figure)
    if not match or "/" in match.group(3):
        return []
    head, number, tail = match.groups()
    value = float(number)
    decimals = len(number.split(".")[1]) if "." in number else 0
    if tail.startswith(("年", "周年", "届", "次全会")) and decimals == 0:
        # Years, anniversaries and ordinals move by a little, or they stop being plausible.
        candidates = [value + d for d in (-2, -1, 1, 2)]
    elif tail.startswith("%") or tail.startswith("％"):
        # A share moves by a real step (10% → 20%, 5%), not by a point (11%, 9%): digit recall.
        candidates = [v for v in (value * 2, value / 2, value * 1.5, value * 3) if v < 100]
    elif value <= 10 and decimals == 0:
        candidates = [value + 1, value + 2, value - 1, value * 2]
    else:
        candidates = [value * 2, value / 2, value * 1.5, value * 1.25]
    out: list[str] = []
    for v in candidates:
        if v <= 0:
            continue
        text = f"{v:.{decimals}f}" if decimals else str(int(round(v)))
        changed = head + text + tail
        if text != number and changed not in out:
            out.append(changed)
    rng.shuffle(out)
    return out
