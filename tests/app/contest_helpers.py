"""A small organization with a bank for the contest tests: 党总支 G with branches A (2
members) and B (4 members), an organizer and a secretary of G, an outsider in another 总支, and
five approved questions of one speech written for the tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from quizapp.contest import services
from quizapp.extensions import db
from quizapp.models import (
    BankQuestion,
    Person,
    QuestionOrigin,
    QuestionStatus,
    QuestionType,
    Role,
    Speech,
    Unit,
    UnitKind,
)

# (type, stem, options, answer, explanation, sentence)
QUESTIONS = [
    (QuestionType.SINGLE, "测试讲话要求把什么放在首位？", ["业务工作", "政治建设", "后勤保障", "文体活动"], [1],
     "讲话把政治建设摆在首位。", "要把政治建设摆在首位。"),
    (QuestionType.JUDGE, "测试讲话指出，党支部每季度至少开展一次主题党日。", [], True,
     "原文写明每季度至少一次。", "党支部每季度至少开展一次主题党日。"),
    (QuestionType.FILL, "测试讲话要求，学习要做到学用____。", [], ["结合"],
     "学用结合是讲话的要求。", "学习要做到学用结合。"),
    (QuestionType.SINGLE, "测试讲话说，谈心谈话每年至少几次？", ["一次", "两次", "三次", "四次"], [0],
     "每年至少一次。", "谈心谈话每年至少一次。"),
    (QuestionType.MULTIPLE, "测试讲话列出的学习方式有哪些？", ["集中学习", "个人自学", "外出旅游", "专题研讨"], [0, 1, 3],
     "旅游不是学习方式。", "坚持集中学习、个人自学和专题研讨相结合。"),
]


@dataclass
class World:
    general: Unit
    branch_a: Unit
    branch_b: Unit
    outside: Unit
    organizer: Person
    secretary: Person
    a: list[Person]
    b: list[Person]
    outsider: Person
    question_ids: list[int] = field(default_factory=list)


def build_world(app: Flask, make_unit: Any, make_person: Any) -> World:
    general = make_unit("测试党总支", kind=UnitKind.GENERAL_BRANCH)
    branch_a = make_unit("第一党支部", parent=general)
    branch_b = make_unit("第二党支部", parent=general)
    other = make_unit("其他党总支", kind=UnitKind.GENERAL_BRANCH)
    outside = make_unit("其他党支部", parent=other)
    organizer = make_person("组织员", unit=general, roles=[(Role.ORGANIZER, general)])
    secretary = make_person("总支书记", unit=general, roles=[(Role.SECRETARY, general)])
    a = [make_person(f"甲{i}", unit=branch_a) for i in range(2)]
    b = [make_person(f"乙{i}", unit=branch_b) for i in range(4)]
    outsider = make_person("外人", unit=outside)
    world = World(general, branch_a, branch_b, outside, organizer, secretary, a, b, outsider)
    with app.app_context():
        speech = Speech(unit_id=general.id, file_name="test.txt", title="测试讲话", text="测试讲话正文。")
        db.session.add(speech)
        db.session.flush()
        for index, (qtype, stem, options, answer, explanation, sentence) in enumerate(QUESTIONS):
            question = BankQuestion(speech_id=speech.id, type=qtype, stem=stem, options=options,
                                    answer=answer, explanation=explanation, sentence=sentence,
                                    origin=QuestionOrigin.MANUAL, status=QuestionStatus.APPROVED,
                                    quality=0.9 - index / 10, point=f"point-{index}",
                                    concept=f"要点{index}")
            db.session.add(question)
            db.session.flush()
            world.question_ids.append(question.id)
        db.session.commit()
    return world


def make_contest(app: Flask, world: World, rounds: str = "全员答题,3,10,20",
                 team_mode: str = "branch", team_names: str = "",
                 picked: tuple[int, ...] = ()) -> int:
    with app.app_context():
        organizer = db.session.get_one(Person, world.organizer.id)
        contest = services.create_contest(db.session, organizer, "测试竞赛", world.general.id,
                                          team_mode, team_names, services.parse_rounds(rounds),
                                          services.Selection(picked=picked))
        db.session.commit()
        return contest.id


def signed_in(app: Flask, person: Person, password: str = "secret123") -> FlaskClient:
    client = app.test_client()
    response = client.post("/auth/login", data={"account": person.phone, "password": password})
    assert response.status_code == 302, response.status_code
    return client


def host_move(client: FlaskClient, contest_id: int) -> dict[str, Any]:
    """One press of the host's 下一步 from the state the host's screen shows."""
    state = client.get(f"/contest/{contest_id}/host/state").get_json()
    response = client.post(f"/contest/{contest_id}/advance",
                           json={"phase": state["phase"], "position": state["position"]})
    assert response.status_code == 200, response.get_json()
    return response.get_json()
