"""The domain layer every feature calls: one owner per rule of a member's result.

- ``clock``: Beijing time (UTC+8), today in Beijing, wall-clock times typed into forms.
- ``periods``: months, quarters and years, read by one parser (``parse_period``).
- ``windows``: when a member may answer (open, make-up, final close, deadlines) and when an
  activity counts as closed for the rates.
- ``scores``: percent, the best sitting, the verdict (合格/优秀) and the bins, one rounding rule.
- ``grading`` and ``regrade``: grading an answer, and regrading after a key changes.
- ``tally``: the rule in SQL (best sitting, verdict and bin per audience member).
- ``figures``: additive report sums and the rates derived from them.
- ``rollups``: the roll-up write side, called explicitly by publish, submit, the close job and
  regrade (no session listener).
- ``awards`` and ``rules``: points earned for a result, and the rule versions they follow.
- ``integrity``: sittings answered too fast to have been read.

Scopes (role -> units) live in ``quizapp.auth.access``. This package imports only
``quizapp.models``, ``quizapp.extensions`` and ``quizapp.sql`` (an ``.importlinter`` contract).
"""
