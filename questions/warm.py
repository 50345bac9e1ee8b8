"""Importing this module loads the builder and jieba's dictionaries.

Only the fork server of `questions.limits` imports it (as its preload): every child forked from
that server then starts with them in memory instead of spending a second loading them.
"""
from __future__ import annotations

import docx  # noqa: F401 - loaded for the children
import pypdf  # noqa: F401

from . import build, limits, reading, segment  # noqa: F401

segment._jieba()
segment._posseg()
