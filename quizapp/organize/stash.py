"""Uploaded workbooks kept between an import's dry run and its confirmation.

The dry run saves the file under a random token; the confirmation names the token and the
import reads (and then removes) the same bytes, checked again from scratch. A stashed file is
bound to one speech and one person, and files older than an hour are removed.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

MAX_AGE_SECONDS = 3600
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _path(folder: Path, speech_id: int, person_id: int, token: str) -> Path | None:
    if not _TOKEN_RE.match(token or ""):
        return None
    return folder / f"{int(speech_id)}-{int(person_id)}-{token}.xlsx"


def stash(folder: str | Path, speech_id: int, person_id: int, data: bytes) -> str:
    """Keep ``data`` and return the token that finds it again."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    _remove_old(folder)
    token = secrets.token_urlsafe(24)
    path = _path(folder, speech_id, person_id, token)
    assert path is not None
    path.write_bytes(data)
    return token


def take(folder: str | Path, speech_id: int, person_id: int, token: str) -> bytes | None:
    """The stashed bytes (removed from disk), or None when missing, expired or not theirs."""
    path = _path(Path(folder), speech_id, person_id, token)
    if path is None or not path.is_file():
        return None
    if time.time() - path.stat().st_mtime > MAX_AGE_SECONDS:
        path.unlink(missing_ok=True)
        return None
    data = path.read_bytes()
    path.unlink(missing_ok=True)
    return data


def _remove_old(folder: Path) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for path in folder.glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:  # removed by another worker meanwhile
            pass
