"""The rows of bench/make_org.py: an organization tree with its members, and a year of answers.

Plain Python, no database: every function returns or yields tuples in the column order of the
``*_COLUMNS`` lists, with ids assigned here. JSON columns arrive as JSON text, timestamps as
timezone-aware datetimes. Randomness comes from one ``random.Random`` passed in, so a seed
gives the same rows.

The model: a branch has a participation rate (a few branches are weak) and a mean ability; a
member has an ability around it and a diligence around the rate. A member answers a question
right with probability 1 / (1 + exp(difficulty - ability)), the difficulty being the concept's
plus the question type's, so mastery tables have weak cells.
"""

from __future__ import annotations

import json
import math
import random
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from quizapp.models import QuestionType
from quizapp.results.grading import grade

UTC = timezone.utc
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉鹏宇飞凤志国海峰晨阳林琳婷雪梅慧颖博晓东亮斌波宁欣悦思源浩然子涵雨佳俊"
NUMERALS = "一二三四五六七八九十"
TYPE_OFFSET = {QuestionType.SINGLE: 0.0, QuestionType.MULTIPLE: 0.9,
               QuestionType.JUDGE: -0.7, QuestionType.FILL: 0.5}

PERSON_COLUMNS = ["id", "name", "phone", "member_no", "unit_id", "password_hash",
                  "must_change_password", "active", "auth_version", "created_at"]
UNIT_COLUMNS = ["id", "name", "kind", "parent_id"]
GRANT_COLUMNS = ["id", "person_id", "role", "unit_id"]
MEMBER_COLUMNS = ["activity_id", "person_id", "unit_id", "added_at", "extra_minutes",
                  "makeup_opens_at", "makeup_closes_at", "override_reason", "override_by_id",
                  "override_at", "reminded_at"]
ATTEMPT_COLUMNS = ["id", "person_id", "kind", "status", "activity_id", "attempt_no",
                   "question_count", "current_position", "started_at", "updated_at", "deadline_at",
                   "submitted_at", "score", "max_score", "correct_count"]
ITEM_COLUMNS = ["id", "attempt_id", "position", "question_id", "question_version", "option_order",
                "response", "saved_seq", "answered_at", "max_points", "correct", "points"]
ENTRY_COLUMNS = ["id", "person_id", "unit_id", "kind", "points", "activity_id", "attempt_id",
                 "rule_version_id", "corrects_id", "needs_approval", "reason", "created_by_id",
                 "created_at"]
DECISION_COLUMNS = ["id", "entry_id", "approved", "note", "decided_by_id", "decided_at"]


@dataclass
class Org:
    """The generated tree: unit rows, and per person (index id - 1) unit, branch and traits."""

    units: list[tuple] = field(default_factory=list)
    person_unit: array = field(default_factory=lambda: array("i"))
    person_branch: array = field(default_factory=lambda: array("i"))  # index into branch_ids
    ability: array = field(default_factory=lambda: array("d"))
    diligence: array = field(default_factory=lambda: array("d"))
    branch_ids: list[int] = field(default_factory=list)
    secretaries: list[int] = field(default_factory=list)  # person id per branch
    organizers: dict[int, int] = field(default_factory=dict)  # 总支 unit id -> person id
    admin_id: int = 0

    @property
    def members(self) -> int:
        return len(self.person_unit)


def branch_sizes(members: int, rng: random.Random) -> list[int]:
    """About members/100 branch sizes from 20 to 180 (a few below 3), summing to ``members``."""
    count = max(1, round(members / 100))
    tiny = [rng.choice((1, 2)) for _ in range(count // 400)]
    sizes = [rng.randint(20, 180) for _ in range(count - len(tiny))]
    goal = members - sum(tiny)
    scale = goal / sum(sizes) if sizes else 0
    sizes = [max(3, round(s * scale)) for s in sizes]
    while sizes and sum(sizes) != goal:
        i = rng.randrange(len(sizes))
        step = 1 if sum(sizes) < goal else -1
        if sizes[i] + step >= 3:
            sizes[i] += step
    result = sizes + tiny
    rng.shuffle(result)
    return result


def build_org(members: int, rng: random.Random) -> Org:
    """One 机关党委, ≈branches/20 党总支, ≈members/100 党支部, ≈3 党小组 per branch of 12 or more."""
    org = Org()
    sizes = branch_sizes(members, rng)
    generals = max(1, round(len(sizes) / 20))
    org.units.append((1, "市直机关党委", "committee", None))
    for g in range(generals):
        org.units.append((2 + g, f"机关第{g + 1}党总支", "general_branch", 1))
    owner = list(range(generals)) + [rng.randrange(generals) for _ in sizes[generals:]]
    count_in = [0] * generals
    next_unit, next_person = 2 + generals, 1
    for b, size in enumerate(sizes):
        g = owner[b]
        count_in[g] += 1
        branch_id = next_unit
        org.units.append((branch_id, f"第{g + 1}总支第{count_in[g]}党支部", "branch", 2 + g))
        org.branch_ids.append(branch_id)
        next_unit += 1
        groups = rng.choice((2, 3, 3, 3, 4)) if size >= 12 else 0
        direct = max(1, round(size * 0.1)) if groups else size
        homes = [branch_id] * direct
        for k in range(groups):
            org.units.append((next_unit, f"第{NUMERALS[k]}党小组", "group", branch_id))
            share = (size - direct) // groups + (1 if k < (size - direct) % groups else 0)
            homes += [next_unit] * share
            next_unit += 1
        weak = rng.random() < 0.03
        rate = rng.uniform(0.55, 0.75) if weak else min(0.99, max(0.84, rng.gauss(0.93, 0.035)))
        mean = rng.gauss(0.6, 0.3) if weak else rng.gauss(2.1, 0.45)
        org.secretaries.append(next_person)
        org.organizers.setdefault(2 + g, next_person + size - 1)
        for home in homes:
            org.person_unit.append(home)
            org.person_branch.append(b)
            org.ability.append(rng.gauss(mean, 0.8))
            org.diligence.append(min(1.0, max(0.0, rate + rng.gauss(0, 0.04))))
            next_person += 1
    org.admin_id = org.members  # the last member; grants do not depend on units
    return org


def person_rows(org: Org, password_hash: str, created_at: datetime, rng: random.Random) -> Iterator[tuple]:
    """Every member, logging in with 139xxxxxxxx (phone) or Bxxxxxxx (member number)."""
    for i, unit_id in enumerate(org.person_unit):
        pid = i + 1
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))
        yield (pid, name, f"139{pid:08d}", f"B{pid:07d}", unit_id, password_hash, False, True, 1,
               created_at)


def grant_rows(org: Org) -> Iterator[tuple]:
    """A secretary per branch, an organizer per 总支, an admin over the whole tree."""
    grants = [(pid, "secretary", unit) for pid, unit in zip(org.secretaries, org.branch_ids)]
    grants += [(pid, "organizer", unit) for unit, pid in org.organizers.items()]
    grants.append((org.admin_id, "admin", 1))
    for i, (pid, role, unit) in enumerate(grants, start=1):
        yield (i, pid, role, unit)


@dataclass
class Question:
    """An approved question with its answers pre-rendered: (option order, response, seq)."""

    id: int
    type: QuestionType
    difficulty: float
    right: list[tuple] = field(default_factory=list)
    wrong: list[tuple] = field(default_factory=list)


def _wrong_response(qtype: QuestionType, options: list[str], answer: object, rng: random.Random) -> object:
    if qtype is QuestionType.JUDGE:
        return not answer
    if qtype is QuestionType.FILL:
        return [(text[:-1] or "不知道") if rng.random() < 0.5 else text + "的" for text in answer]
    right = set(answer)
    others = [i for i in range(len(options)) if i not in right]
    if qtype is QuestionType.SINGLE:
        return [rng.choice(others)]
    if others and rng.random() < 0.5:
        return sorted(right | {rng.choice(others)})
    return sorted(right)[:-1] or [rng.choice(others)]


def prepare_question(row: dict, concept_difficulty: float, rng: random.Random) -> Question:
    """Render a bank question's right and wrong responses, each checked with the app's grader."""
    qtype = QuestionType(row["type"])
    question = Question(row["id"], qtype, concept_difficulty + TYPE_OFFSET[qtype])
    for _ in range(40):
        if len(question.right) == 4:
            break
        order = list(range(len(row["options"]))) if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE) else []
        rng.shuffle(order)
        right = row["answer"] if qtype is not QuestionType.FILL else list(row["answer"])
        wrong = _wrong_response(qtype, row["options"], row["answer"], rng)
        assert grade(qtype, row["answer"], row["variants"], right, 1).correct
        if grade(qtype, row["answer"], row["variants"], wrong, 1).points:
            continue  # a wrong answer that happens to be accepted: draw another
        seq = rng.randint(1, 3)
        dump = json.dumps(order)
        question.right.append((row["id"], row["version"], dump, json.dumps(right, ensure_ascii=False), seq))
        question.wrong.append((row["id"], row["version"], dump, json.dumps(wrong, ensure_ascii=False), seq))
    if not question.right:
        raise ValueError(f"no wrong answer found for question {row['id']}")
    return question


@dataclass
class Plan:
    """An activity to fill: its parts as (pool of questions, count, points each)."""

    id: int
    kind: str  # "study" | "test"
    title: str
    opens_at: datetime
    closes_at: datetime
    time_limit: int | None
    parts: list[tuple[list[Question], int, int]]
    current: bool  # still open now: a few attempts are left open
    attempts_allowed: int = 1


@dataclass
class Ids:
    """The next id of each bulk table."""

    attempt: int = 1
    item: int = 1
    entry: int = 1


def _answer_times(plan: Plan, now: datetime, rng: random.Random) -> tuple[datetime, datetime]:
    """Start and submit times: most members answer in the last days of the window."""
    end = min(plan.closes_at, now) - timedelta(minutes=40)
    span = max(60.0, (end - plan.opens_at).total_seconds())
    start = plan.opens_at + timedelta(seconds=span * (1 - rng.random() ** 2.5))
    minutes = rng.uniform(4, plan.time_limit - 1 if plan.time_limit else 25)
    return start, start + timedelta(minutes=minutes)


def _sitting(plan: Plan, pid: int, ability: float, ids: Ids, rng: random.Random, started: datetime,
             finished: datetime | None, attempt_no: int, items: list | None) -> tuple[tuple, int]:
    """One attempt row (submitted unless ``finished`` is None) and its items; returns (row, score)."""
    aid = ids.attempt
    ids.attempt += 1
    random_, exp = rng.random, math.exp
    score = correct = position = 0
    answered_upto = None if finished else rng.randint(0, 12)
    qcount = sum(count for _, count, _ in plan.parts)
    for pool, count, points in plan.parts:
        if items is None:  # graded, items not stored: only the score
            for question in rng.sample(pool, count):
                if random_() * (1 + exp(question.difficulty - ability)) < 1 and random_() > 0.008:
                    score += points
                    correct += 1
            continue
        for question in rng.sample(pool, count):
            position += 1
            if answered_upto is not None and position > answered_upto:
                row = (ids.item, aid, position) + question.right[0][:3] + (None, 0, None, points,
                                                                          None, None)
            elif random_() < 0.008 and finished:  # skipped: never answered
                row = (ids.item, aid, position) + question.right[0][:3] + (None, 0, None, points,
                                                                          False, 0)
            else:
                r = random_()
                ok = r * (1 + exp(question.difficulty - ability)) < 1
                variant = (question.right if ok else question.wrong)[int(r * 997) % len(question.right)]
                if finished:
                    got = points if ok else 0
                    score += got
                    correct += ok
                    row = (ids.item, aid, position) + variant + (finished, points, ok, got)
                else:
                    row = (ids.item, aid, position) + variant + (started, points, None, None)
            ids.item += 1
            items.append(row)
    max_score = sum(count * points for _, count, points in plan.parts)
    deadline = plan.closes_at
    if plan.time_limit:
        deadline = min(deadline, started + timedelta(minutes=plan.time_limit))
    if finished is None:
        position = min(qcount, (answered_upto or 0) + 1)
        return (aid, pid, plan.kind, "open", plan.id, attempt_no, qcount, position, started,
                started, deadline, None, None, None, None), 0
    return (aid, pid, plan.kind, "submitted", plan.id, attempt_no, qcount, qcount, started,
            finished, deadline, finished, score, max_score, correct), score


def activity_chunks(plan: Plan, org: Org, rules: dict, rule_version_id: int, now: datetime,
                    ids: Ids, rng: random.Random, with_items: bool, chunk: int = 2000
                    ) -> Iterator[tuple[int, list[tuple], list[tuple], list[tuple]]]:
    """(members done, attempts, items, point entries) for the activity, ``chunk`` attempts at a time.

    Each entry is what ``results.awards.award_for_activity`` appends at the member's first
    submit (a study's flat points, a test's round-half-up share); a study retake changes nothing.
    """
    open_left = max(2, org.members // 2000) if plan.current else 0
    max_score = sum(count * points for _, count, points in plan.parts)
    full = rules["test"]["points"] if plan.kind == "test" else rules["study"]["points"]
    reason = f"{'月度选学' if plan.kind == 'study' else '季度测试'}《{plan.title}》"
    attempts: list[tuple] = []
    items: list[tuple] = []
    graded_items = items if with_items else None  # an open attempt always has its items
    entries: list[tuple] = []
    for i in range(org.members):
        pid = i + 1
        if rng.random() < org.diligence[i]:
            started, finished = _answer_times(plan, now, rng)
            if open_left and rng.random() < 0.02:
                open_left -= 1
                started = now - timedelta(minutes=rng.randint(1, 20))
                attempts.append(_sitting(plan, pid, org.ability[i], ids, rng, started, None, 1, items)[0])
            else:
                row, score = _sitting(plan, pid, org.ability[i], ids, rng, started, finished, 1, graded_items)
                attempts.append(row)
                earned = full if plan.kind == "study" else (2 * full * score + max_score) // (2 * max_score)
                if earned:
                    entries.append((ids.entry, pid, org.person_unit[i], plan.kind, earned, plan.id,
                                    row[0], rule_version_id, None, False, reason, None, finished))
                    ids.entry += 1
                retake_at = finished + timedelta(hours=rng.randint(1, 48))
                if (plan.attempts_allowed > 1 and score < 0.8 * max_score and rng.random() < 0.25
                        and retake_at + timedelta(hours=1) < min(plan.closes_at, now)):
                    again = retake_at + timedelta(minutes=rng.uniform(4, 20))
                    attempts.append(_sitting(plan, pid, org.ability[i] + 0.3, ids, rng, retake_at,
                                             again, 2, graded_items)[0])
        if len(attempts) >= chunk or i == org.members - 1:
            yield i + 1, attempts, items, entries
            attempts, items, entries = [], [], []
            graded_items = items if with_items else None


def member_rows(activity_id: int, org: Org, added_at: datetime, override: dict[int, tuple]) -> Iterator[tuple]:
    """The audience snapshot: every member, in their unit; ``override`` maps person → override columns."""
    plain = (0, None, None, "", None, None, None)
    for i, unit_id in enumerate(org.person_unit):
        yield (activity_id, i + 1, unit_id, added_at) + override.get(i + 1, plain)


def manual_entries(org: Org, ids: Ids, now: datetime, rng: random.Random) -> tuple[list[tuple], list[tuple]]:
    """A few 奖/惩 entries by branch secretaries; most decided, some waiting for approval."""
    reasons = [("award", 2, "参加社区志愿服务"), ("award", 3, "主题党日活动表现突出"),
               ("penalty", -2, "无故缺席组织生活"), ("penalty", -1, "未按时交纳党费")]
    entries, decisions = [], []
    for n in range(max(4, org.members // 1000)):
        i = rng.randrange(org.members)
        kind, points, reason = rng.choice(reasons)
        secretary = org.secretaries[org.person_branch[i]]
        made = now - timedelta(days=rng.randint(1, 200), minutes=rng.randint(0, 600))
        entries.append((ids.entry, i + 1, org.person_unit[i], kind, points, None, None, None, None,
                        True, reason, secretary, made))
        if n % 5:
            decisions.append((len(decisions) + 1, ids.entry, n % 7 != 0, "", secretary,
                              made + timedelta(days=1)))
        ids.entry += 1
    return entries, decisions
