"""The zip check every uploaded .docx and .xlsx passes before it is parsed."""
from __future__ import annotations

import io
import random
import zipfile

import pytest

from questions.archive import ArchiveError, Limits, check_zip

from .speech_files import MB, make_docx, rezip, understate

NOISE = random.Random(1).randbytes(MB)  # does not compress
SMALL = Limits(member=2 * MB, total=3 * MB, ratio=50, ratio_floor=64 * 1024, members=20)


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return output.getvalue()


def test_an_ordinary_document_passes():
    check_zip(make_docx(["同志们：", "加强党建。"]))
    check_zip(_zip({"a.xml": b"<a/>" * 1000, "b.bin": NOISE}), SMALL)


@pytest.mark.parametrize("members, message", [
    ({"big.xml": NOISE * 3}, "解压后超过 2.0 MB"),
    ({"a.bin": NOISE * 2, "b.bin": NOISE[:MB // 2] * 3}, "解压后共约 3.5 MB"),
    ({"sheet.xml": b"0" * (512 * 1024)}, "压缩比异常"),
    ({f"part{i}.xml": b"<a/>" for i in range(21)}, "21 个部件"),
], ids=["member", "total", "ratio", "members"])
def test_a_member_or_archive_over_the_limits_is_refused(members, message):
    with pytest.raises(ArchiveError, match=message):
        check_zip(_zip(members), SMALL)


def test_sizes_are_counted_as_read_not_as_declared():
    # Stored (not compressed), so that the ratio does not give it away: only reading does.
    data = _zip({"a.bin": bytes(range(256)) * 4096 * 3}, zipfile.ZIP_STORED)
    with pytest.raises(ArchiveError, match="校验失败"):
        check_zip(understate(data, "a.bin", 1000), SMALL)


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04 not really", b"plain text"], ids=["empty", "broken", "text"])
def test_what_is_not_a_zip_is_refused(data):
    with pytest.raises(ArchiveError, match="无法作为压缩包打开"):
        check_zip(data)


def test_a_dtd_split_across_read_chunks_is_found(monkeypatch):
    import questions.archive as archive

    monkeypatch.setattr(archive, "CHUNK", 8)
    with pytest.raises(ArchiveError, match="DTD"):
        check_zip(_zip({"word/document.xml": b"<?xml version='1.0'?><!DOCTYPE x []><x/>"}), SMALL)


def test_an_encrypted_member_is_refused():
    data = bytearray(rezip(make_docx(["同志们："])))
    # Set the "encrypted" flag of every entry: zipfile then asks for a password.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at >= 0:
            data[at + offset] |= 1
            at = data.find(signature, at + 4)
    with pytest.raises(ArchiveError, match="已加密"):
        check_zip(bytes(data))
