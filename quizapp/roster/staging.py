"""Keeping an uploaded roster between its dry run and its commit.

The file's bytes are stored in a folder (the instance folder by default) under
a random token, with a small JSON record of who uploaded it, for which unit,
its name and its sha256. The commit reads the bytes back by token and checks
all of these, so it imports exactly the file that was previewed and never
takes row data from the browser. Files are deleted after the commit and are
swept after ``MAX_AGE_SECONDS`` (they hold personal data).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path

MAX_AGE_SECONDS = 60 * 60
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,64}")
SHA256_PATTERN = re.compile(r"[0-9a-f]{64}")


class StagingError(Exception):
    """The staged upload is gone, expired or not the importer's; the message says so."""


@dataclass(frozen=True)
class StagedUpload:
    token: str
    filename: str
    sha256: str
    person_id: int
    unit_id: int
    created: float


def _paths(folder: Path, token: str) -> tuple[Path, Path]:
    return folder / f"{token}.upload", folder / f"{token}.json"


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def stage_upload(folder: Path, data: bytes, filename: str, person_id: int, unit_id: int) -> StagedUpload:
    """Store an upload for a later commit and return its record."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    sweep(folder)
    staged = StagedUpload(
        token=secrets.token_urlsafe(32),
        filename=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        person_id=person_id,
        unit_id=unit_id,
        created=time.time(),
    )
    data_path, record_path = _paths(folder, staged.token)
    _write_private(data_path, data)
    _write_private(record_path, json.dumps(asdict(staged)).encode())
    return staged


def load_staged(
    folder: Path, token: str, sha256: str, person_id: int, unit_id: int
) -> tuple[StagedUpload, bytes]:
    """The staged upload and its bytes, if they belong to this person and unit."""
    expired = StagingError("导入预览已过期或已导入，请重新上传文件。")
    if not (TOKEN_PATTERN.fullmatch(token or "") and SHA256_PATTERN.fullmatch(sha256 or "")):
        raise expired
    data_path, record_path = _paths(folder, token)
    try:
        staged = StagedUpload(**json.loads(record_path.read_text()))
        data = data_path.read_bytes()
    except (OSError, ValueError, TypeError) as exc:
        raise expired from exc
    if time.time() - staged.created > MAX_AGE_SECONDS:
        discard(folder, token)
        raise expired
    if (staged.person_id, staged.unit_id) != (person_id, unit_id):
        raise expired
    actual = hashlib.sha256(data).hexdigest()
    if not (secrets.compare_digest(actual, staged.sha256) and secrets.compare_digest(sha256, actual)):
        raise StagingError("文件与预览时不一致，请重新上传文件。")
    return staged, data


def discard(folder: Path, token: str) -> None:
    """Delete a staged upload (missing files are fine)."""
    if not TOKEN_PATTERN.fullmatch(token or ""):
        return
    for path in _paths(folder, token):
        path.unlink(missing_ok=True)


def sweep(folder: Path, now: float | None = None) -> None:
    """Delete staged files older than MAX_AGE_SECONDS."""
    limit = (now if now is not None else time.time()) - MAX_AGE_SECONDS
    for path in folder.glob("*.*"):
        try:
            if path.stat().st_mtime < limit:
                path.unlink(missing_ok=True)
        except OSError:
            continue


@dataclass(frozen=True)
class StagedDownload:
    token: str
    person_id: int
    unit_id: int
    created: float


def _download_paths(folder: Path, token: str) -> tuple[Path, Path]:
    return folder / f"{token}.download", folder / f"{token}.dljson"


def stage_download(folder: Path, data: bytes, person_id: int, unit_id: int) -> StagedDownload:
    """Keep a file (the initial passwords) for one download by this person, within the hour."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    sweep(folder)
    staged = StagedDownload(secrets.token_urlsafe(32), person_id, unit_id, time.time())
    data_path, record_path = _download_paths(folder, staged.token)
    _write_private(data_path, data)
    _write_private(record_path, json.dumps(asdict(staged)).encode())
    return staged


def take_download(folder: Path, token: str, person_id: int, unit_id: int) -> bytes:
    """The staged file's bytes, deleted as they are read: a second download finds nothing."""
    gone = StagingError("初始密码表只能下载一次，已经下载过或已超过 1 小时。遗失的密码请管理员重置。")
    if not TOKEN_PATTERN.fullmatch(token or ""):
        raise gone
    data_path, record_path = _download_paths(folder, token)
    try:
        staged = StagedDownload(**json.loads(record_path.read_text()))
    except (OSError, ValueError, TypeError) as exc:
        raise gone from exc
    if (staged.person_id, staged.unit_id) != (person_id, unit_id):
        raise gone
    try:
        data = data_path.read_bytes()
    except OSError as exc:
        raise gone from exc
    finally:
        data_path.unlink(missing_ok=True)
        record_path.unlink(missing_ok=True)
    if time.time() - staged.created > MAX_AGE_SECONDS:
        raise gone
    return data
