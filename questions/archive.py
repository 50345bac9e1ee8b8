"""Checking a zip archive (.docx, .xlsx) before anything parses it: a 2 MB file may unzip to
gigabytes (a "zip bomb"), and its headers may lie about the sizes.

Plain Python, shared by the builder and the web app's workbook imports.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

MB = 1024 * 1024
CHUNK = MB
# Office documents never declare a DTD; one in an XML part is there to expand entities.
DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY")


class ArchiveError(ValueError):
    """An archive that must not be opened; the message, in Chinese, says why."""


class NotAZipError(ArchiveError):
    """Not a zip at all (callers may say which kind of file they expected)."""


@dataclass(frozen=True)
class Limits:
    """How much an archive may unzip to: each member, all together, and how much more than its
    compressed size a member larger than `ratio_floor` may be."""

    member: int = 20 * MB
    total: int = 50 * MB
    ratio: int = 100
    ratio_floor: int = MB
    members: int = 1000


def check_zip(data: bytes, limits: Limits = Limits()) -> None:
    """Refuse `data` unless it is a zip whose members unzip within `limits`.

    The declared sizes are checked first; then every member is really decompressed, as a
    stream that stops at the limits, so that a header which under-states a size, a bad
    checksum or an encrypted member is refused too. An XML member may not declare a DTD.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise NotAZipError("文件已损坏或不是有效的 Office 文档（无法作为压缩包打开）") from None
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
        _check_declared(infos, limits)
        total = 0
        for info in infos:
            total = _read_member(archive, info, total, limits)


def _check_declared(infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.members:
        raise ArchiveError(f"文件包含 {len(infos)} 个部件，超过 {limits.members} 个的上限，不像正常的文档")
    for info in infos:
        if info.file_size > limits.member:
            raise ArchiveError(_too_big(info.filename, limits.member))
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_floor and ratio > limits.ratio:
            raise ArchiveError(f"文件中的“{_short(info.filename)}”压缩比异常（约 {ratio:.0f} 倍，上限 "
                               f"{limits.ratio} 倍），可能是恶意构造的“压缩炸弹”，已拒绝")
    declared = sum(info.file_size for info in infos)
    if declared > limits.total:
        raise ArchiveError(f"文件解压后共约 {_size(declared)}，超过 {_size(limits.total)} 的上限，"
                           "请删去图片或多余内容后再上传")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, total: int, limits: Limits) -> int:
    """Decompress one member, stopping at the limits; the running total after it."""
    xml = info.filename.lower().endswith((".xml", ".rels", ".vml"))
    size, tail = 0, b""
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                total += len(chunk)
                if size > limits.member:
                    raise ArchiveError(_too_big(info.filename, limits.member))
                if total > limits.total:
                    raise ArchiveError(f"文件解压后超过 {_size(limits.total)} 的上限，请删去图片或多余内容后再上传")
                if xml and any(mark in tail + chunk for mark in DTD_MARKS):
                    raise ArchiveError(f"文件中的“{_short(info.filename)}”含有文档类型声明（DTD），"
                                       "正常的 Office 文档没有，已拒绝")
                tail = chunk[-16:]
    except ArchiveError:
        raise
    except RuntimeError:  # an encrypted member
        raise ArchiveError("文件已加密，请先取消密码再上传") from None
    except NotImplementedError:
        raise ArchiveError("文件使用了不支持的压缩方式，请用 Office 或 WPS 另存后再上传") from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise ArchiveError(f"文件已损坏：“{_short(info.filename)}”无法解压或校验失败") from None
    return total


def _too_big(name: str, limit: int) -> str:
    return (f"文件中的“{_short(name)}”解压后超过 {_size(limit)} 的上限，"
            "可能是恶意构造的“压缩炸弹”，已拒绝")


def _short(name: str) -> str:
    return name if len(name) <= 60 else "…" + name[-59:]


def _size(size: int) -> str:
    if size < MB:
        return f"{size / 1024:.0f} KB"
    return f"{size / MB:.0f} MB" if size >= 10 * MB else f"{size / MB:.1f} MB"
