"""Lines that are about a speech rather than part of it: source, byline, date, editor, captions."""
from __future__ import annotations

import re

META_RE = re.compile(
    r"^(?:——|--|─)"  # ——在…上的讲话
    r"|^[（(]?(?:19|20)\d\d\s*[年.．/-]\s*\d{1,2}\s*[月.．/-]\s*\d{1,2}\s*日?[）)]?$"  # 2022.10.23, （2019年1月21日）
    r"|^[（(]?(?:19|20)\d\d年\d{1,2}月\d{1,2}日[）)]?$"
    r"|^[（(【\[]?(?:来源|出处|作者|编辑|责任编辑|责编|审核|校对|记者|通讯员|供稿|摄影|图片|图|发布时间|发布日期|"
    r"原标题|转载|稿件来源|本文来源|文章来源|点击|阅读)\s*[：:]"
)
BYLINE_RE = re.compile(r"^[\u4e00-\u9fff·]{2,12}\s*[（(][^）)]{1,20}[）)]$|^(?:本报|新华社)[^。]{0,20}电")


def is_meta(line: str) -> bool:
    """Whether a line is a source, byline, date, editor or caption line rather than content."""
    text = line.strip()
    if not text:
        return False
    if META_RE.search(text) or BYLINE_RE.search(text):
        return True
    # A short line ending in no sentence mark with "讲话"/"报告" in it is a subtitle (在…会上的讲话).
    return len(text) <= 40 and text.startswith("在") and text.endswith(("讲话", "致辞", "报告", "发言"))
