"""bench/load/sync_start.py runs by itself: when it seeds again, and the test it publishes fitted
to the bank's key points (seed.py)."""

from __future__ import annotations

import json
from pathlib import Path

from activity_flow import add_pool
from quiz_helpers import add_speech
from bench.load import seed
from bench.load.sync_start import seed_usable
from quizapp.extensions import db
from quizapp.models import QuestionType, UnitKind

URL = "postgresql+psycopg://postgres@127.0.0.1:5432/quizapp_bench"


def test_a_missing_or_foreign_or_small_seed_is_seeded_again(tmp_path: Path) -> None:
    data = tmp_path / "seed.json"
    assert not seed_usable(data, URL, 2500, 2000)  # none
    data.write_text(json.dumps({"database_url": URL.replace("quizapp_bench", "other"),
                                "members": [{}] * 2000}))
    assert not seed_usable(data, URL, 2500, 2000)  # another database's
    data.write_text(json.dumps({"database_url": URL, "members": [{}] * 300}))
    assert not seed_usable(data, URL, 2500, 2000)  # too few members logged in


def test_the_test_is_fitted_to_the_banks_key_points(app, make_unit) -> None:
    speech = add_speech(app, make_unit("机关党委", UnitKind.GENERAL_BRANCH).id)
    add_pool(app, speech, QuestionType.SINGLE, [2] * 4)  # 4 key points where 10 are wanted
    add_pool(app, speech, QuestionType.MULTIPLE, [2] * 5)
    add_pool(app, speech, QuestionType.JUDGE, [2] * 20)
    add_pool(app, speech, QuestionType.FILL, [2] * 5)
    with app.app_context():
        parts = [(p.type, p.count) for p in seed.fitted_parts()]
        db.session.rollback()
    # The 6 singles short go to the judges, the type with the most to spare.
    assert parts == [(QuestionType.SINGLE, 4), (QuestionType.MULTIPLE, 5),
                     (QuestionType.JUDGE, 16), (QuestionType.FILL, 5)]
