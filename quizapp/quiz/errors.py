"""What can go wrong when a member starts, answers or submits; each message is for the member."""

from __future__ import annotations


class QuizError(Exception):
    """A member's request that cannot be carried out; the message is for the member."""


class NoQuestions(QuizError):
    def __init__(self, withheld: bool = False) -> None:
        super().__init__("暂无可练习的题目：进行中的测试题库中的题目在测试结束并公布答案前暂不参加练习"
                         if withheld else "暂无可练习的题目，请换一个范围试试")


class OpenPracticeExists(QuizError):
    def __init__(self, attempt_id: int) -> None:
        super().__init__("你还有一次未完成的练习，请先完成或放弃后再开始新的练习")
        self.attempt_id = attempt_id


class AttemptNotFound(QuizError):
    def __init__(self) -> None:
        super().__init__("答题记录不存在")


class QuestionNotInAttempt(QuizError):
    def __init__(self) -> None:
        super().__init__("该题不在本次答题中")


class AttemptClosed(QuizError):
    """The attempt is no longer open (submitted, abandoned or past its deadline)."""

    def __init__(self, message: str = "本次答题已交卷，不能再修改答案") -> None:
        super().__init__(message)


class StaleSave(QuizError):
    def __init__(self, saved_seq: int) -> None:
        super().__init__("已有更新的答案，本次保存被忽略")
        self.saved_seq = saved_seq


class ReportRefused(QuizError):
    """A 纠错 report that cannot be filed."""
