"""Files made in the tests: PDFs with a Chinese text layer, .docx files, and zip bombs.

Used by the builder's tests and the web app's (import them as ``tests.question_builder.speech_files``).
"""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

import docx

MB = 1024 * 1024


def make_pdf(pages: list[list[str]], compress: bool = True) -> bytes:
    """A PDF whose pages show `pages` (each a list of lines) in a CJK font, as a text layer,
    written by hand: the text is UTF-16 in the standard UniGB-UCS2-H encoding."""
    objects: list[bytes] = [b"", b""]  # 1: catalog, 2: page tree, filled in at the end
    objects.append(b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
                   b"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
                   b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >>] >>")
    font = len(objects)
    kids = []
    for lines in pages:
        ops = [f"BT /F1 12 Tf 72 {770 - 16 * n} Td <{line.encode('utf-16-be').hex()}> Tj ET"
               for n, line in enumerate(lines)]
        objects.append(pdf_stream("\n".join(ops).encode(), compress))
        content = len(objects)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources "
                       f"<< /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>".encode())
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    return pdf_file(objects)


def pdf_stream(data: bytes, compress: bool = True, raw: bytes | None = None) -> bytes:
    """A stream object holding `data` (Flate-compressed if `compress`; `raw` gives the
    compressed bytes themselves)."""
    body = raw if raw is not None else (zlib.compress(data) if compress else data)
    flate = " /Filter /FlateDecode" if compress or raw is not None else ""
    return f"<< /Length {len(body)}{flate} >>\nstream\n".encode() + body + b"\nendstream"


def pdf_file(objects: list[bytes]) -> bytes:
    """Numbered objects (1…) with a cross-reference table and a trailer whose root is object 1."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def pdf_bomb(size: int = 60 * MB) -> bytes:
    """A one-page PDF whose content stream is `size` bytes of spaces, compressed to a few KB."""
    return pdf_file([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
                     pdf_stream(b"", raw=zlib.compress(b" " * size, 9)),
                     b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
                     b"/Resources << /Font << /F1 5 0 R >> >> >>",
                     b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


def make_docx(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def rezip(data: bytes, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> bytes:
    """The zip `data` with members replaced or added (deflated at the highest level)."""
    replace, add = replace or {}, add or {}
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, \
            zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, content in add.items():
            target.writestr(name, content)
    return output.getvalue()


def understate(data: bytes, member: str, size: int) -> bytes:
    """The zip `data` with the uncompressed size of `member` set to `size` in both its local
    header and the central directory: a header that lies about how big the member is."""
    out = bytearray(data)
    name = member.encode()
    at = out.find(b"PK\x03\x04")
    while at >= 0:  # local file headers: the size at offset 22, the name at 30
        name_len = struct.unpack_from("<H", out, at + 26)[0]
        if out[at + 30:at + 30 + name_len] == name:
            struct.pack_into("<I", out, at + 22, size)
        at = out.find(b"PK\x03\x04", at + 4)
    at = out.find(b"PK\x01\x02")
    while at >= 0:  # central directory entries: the size at offset 24, the name at 46
        name_len = struct.unpack_from("<H", out, at + 28)[0]
        if out[at + 46:at + 46 + name_len] == name:
            struct.pack_into("<I", out, at + 24, size)
        at = out.find(b"PK\x01\x02", at + 4)
    return bytes(out)


def zeros_xml(size: int) -> bytes:
    """An XML part of `size` bytes that is nearly all zeros: it compresses a thousandfold."""
    head = b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="urn:x"><w:body><w:p><w:r><w:t>'
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    return head + b"0" * (size - len(head) - len(tail)) + tail
