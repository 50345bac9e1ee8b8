"""A speech file's bytes as lines of text: plain text (UTF-8, UTF-16 or GBK), .docx and .pdf.

Every kind is checked before a parser sees it: a .docx is a zip checked by `archive`, a PDF is
read with pypdf's decompression limits lowered, text is decoded strictly.
"""
from __future__ import annotations

import codecs
import io
import logging
import re
import warnings
from pathlib import PurePath

from .archive import ArchiveError, Limits, NotAZipError, check_zip

# The kinds of speech file read (what an upload may be).
SUFFIXES = (".txt", ".docx", ".pdf")
DOCX_LIMITS = Limits()
MAX_PDF_PAGES = 300
# What one PDF stream may decompress to (pypdf's own default is 75 MB).
MAX_PDF_STREAM_BYTES = 20 * 1024 * 1024
BOMS = ((codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"))
# A PDF line ending in one of these (or in one and a closing quote: 。”) ends its paragraph; so
# does a line clearly shorter than a full one. A line ending in a closing quote alone (“两个确立”)
# is broken mid-sentence.
PARAGRAPH_END_RE = re.compile(r"[。！？!?；;：:][”’」』）)]*$")
SHORT_LINE = 0.8
PAGE_NUMBER_RE = re.compile(r"^[-—－–\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*/\s*\d{1,4})?[-—－–\s]*$")
CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’"
CJK_GAP_RE = re.compile(rf"(?<=[{CJK}])[ \t]+(?=[{CJK}])")
NO_TEXT_LAYER = ("该PDF没有文字层（可能是扫描件），无法读取其中的文字。"
                 "请上传 Word 文档、文本文件，或带文字层的 PDF")


class SpeechError(Exception):
    """A speech file that cannot be read; the message is for the person who gave it."""


def file_lines(name: str, data: bytes) -> list[str]:
    """The lines of a speech file, read as the kind its `name` ends with (text by default)."""
    if not data.strip():
        raise SpeechError("文件为空，没有可读的正文")
    suffix = PurePath(name).suffix.lower()
    if suffix == ".docx":
        return docx_lines(data)
    if suffix == ".pdf":
        return pdf_lines(data)
    text, _ = decode_text(data)
    return text.splitlines()


# -- text ------------------------------------------------------------------------------------

def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding): a byte-order mark says the encoding; else UTF-16 when the bytes hold
    the zeros of its ASCII characters; else UTF-8 if it decodes strictly, else GBK (GB18030)."""
    for bom, codec, label in BOMS:
        if data.startswith(bom):
            try:
                return _checked(data[len(bom):].decode(codec)), label
            except UnicodeDecodeError as exc:
                raise SpeechError(f"文件开头标明是 {label} 编码，但第 {exc.start + len(bom)} 字节处无法解码，"
                                  "文件可能已损坏") from None
    if b"\x00" in data:
        return _checked(_utf16_without_bom(data)), "UTF-16"
    for codec, label in (("utf-8", "UTF-8"), ("gb18030", "GBK")):
        try:
            return _checked(data.decode(codec)), label
        except UnicodeDecodeError:
            continue
    raise SpeechError("无法识别文件的编码（不是 UTF-8、UTF-16 或 GBK），"
                      "请在记事本或 WPS 中“另存为”UTF-8 编码的文本后再上传")


def _utf16_without_bom(data: bytes) -> str:
    """UTF-16 without a byte-order mark: the high byte of its ASCII characters (newlines,
    digits) is zero, at odd offsets in little-endian and at even ones in big-endian."""
    if len(data) % 2:
        raise SpeechError("这是二进制文件，不是文本讲话稿")
    zeros_even, zeros_odd = data[0::2].count(0), data[1::2].count(0)
    codec = "utf-16-le" if zeros_odd > zeros_even else "utf-16-be"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        raise SpeechError("这是二进制文件，不是文本讲话稿") from None
    ordinary = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
    if "\x00" in text or ordinary < 0.95 * len(text):
        raise SpeechError("这是二进制文件，不是文本讲话稿")
    return text


def _checked(text: str) -> str:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    if "\x00" in text or controls > max(8, len(text) // 100):
        raise SpeechError("这是二进制文件，不是文本讲话稿")
    return text


# -- Word ------------------------------------------------------------------------------------

def docx_lines(data: bytes) -> list[str]:
    """The paragraphs of a .docx file, after its zip has passed `archive.check_zip`."""
    try:
        check_zip(data, DOCX_LIMITS)
    except NotAZipError:
        raise SpeechError("不是有效的 .docx 文件（无法作为压缩包打开；旧版 .doc 请另存为 .docx）") from None
    except ArchiveError as exc:
        raise SpeechError(str(exc)) from None
    import docx  # python-docx; imported here so that .txt-only use does not pay for lxml
    from lxml import etree

    try:
        document = docx.Document(io.BytesIO(data))
        return [p.text for p in document.paragraphs]
    except etree.XMLSyntaxError as exc:
        raise SpeechError(f"Word 文档的内容已损坏（XML 格式错误，第 {exc.lineno} 行），"
                          "请用 Word 或 WPS 打开后另存为 .docx 再上传") from None
    except Exception:  # noqa: BLE001 - any other failure means the same to the person
        # (python-docx's PackageNotFoundError: a zip with no Word document in it, e.g. an .xlsx
        # or a .zip renamed; the exception's name means nothing to an organizer.)
        raise SpeechError("不是有效的 .docx 文件：其中没有 Word 文档的内容（可能是改了扩展名的其他文件）。"
                          "请用 Word 或 WPS 打开讲话稿后另存为 .docx 再上传") from None


# -- PDF -------------------------------------------------------------------------------------

def pdf_lines(data: bytes) -> list[str]:
    """The paragraphs of a PDF's text layer (see `pdf_paragraphs`); a clear error for a scan."""
    if b"%PDF-" not in data[:1024]:
        raise SpeechError("不是有效的 PDF 文件（缺少 PDF 文件头）")
    pages = _pdf_page_texts(data)
    paragraphs = pdf_paragraphs(pages)
    if sum(len(p) for p in paragraphs) < 20:
        raise SpeechError(NO_TEXT_LAYER)
    return paragraphs


def _pdf_page_texts(data: bytes) -> list[str]:
    import pypdf
    from pypdf.errors import FileNotDecryptedError, LimitReachedError

    limits = {name: MAX_PDF_STREAM_BYTES for name in (
        "zlib_maximum_output_length", "lzw_maximum_output_length", "run_length_maximum_output_length",
        "array_based_stream_maximum_output_length", "maximum_declared_stream_length",
        "brotli_maximum_output_length", "image_maximum_buffer_size")}
    log = logging.getLogger("pypdf")
    level = log.level
    try:
        # pypdf warns and logs of every oddity of a real-world file: the error below says enough.
        log.setLevel(logging.CRITICAL)
        with warnings.catch_warnings(), pypdf.apply_configuration(**limits):
            warnings.simplefilter("ignore")
            reader = pypdf.PdfReader(io.BytesIO(data))
            if reader.is_encrypted and not reader.decrypt(""):
                raise SpeechError("PDF 文件已加密，请先取消密码再上传")
            if len(reader.pages) > MAX_PDF_PAGES:
                raise SpeechError(f"PDF 超过 {MAX_PDF_PAGES} 页，不像一篇讲话稿")
            return [page.extract_text() or "" for page in reader.pages]
    except SpeechError:
        raise
    except LimitReachedError:
        raise SpeechError("PDF 中的数据解压后过大，可能是恶意构造的文件，已拒绝") from None
    except FileNotDecryptedError:
        raise SpeechError("PDF 文件已加密，请先取消密码再上传") from None
    except Exception:  # noqa: BLE001 - a damaged file can fail anywhere
        raise SpeechError("PDF 文件已损坏，无法读取。请用 PDF 阅读器打开后重新导出，或改传 Word 文档") from None
    finally:
        log.setLevel(level)


def pdf_paragraphs(pages: list[str]) -> list[str]:
    """Join the lines of extracted PDF text into paragraphs: a PDF breaks lines wherever the page
    ends, so a paragraph ends only at a line ending in 。！？；： (with any closing quote, 。”) or
    at a line clearly shorter than a full one (a title, a paragraph's last line). Page numbers are dropped, and spaces
    that extraction puts between Chinese characters are removed."""
    lines = []
    for page in pages:
        for raw in page.splitlines():
            line = CJK_GAP_RE.sub("", raw.strip())
            if not PAGE_NUMBER_RE.match(line):
                lines.append(line)
    lengths = sorted(len(line) for line in lines if line)
    full = lengths[int(0.8 * (len(lengths) - 1))] if lengths else 0
    paragraphs, current = [], ""
    for line in lines:
        if line:
            current = _join(current, line)
        if current and (not line or PARAGRAPH_END_RE.search(line) or len(line) < SHORT_LINE * full):
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def _join(current: str, line: str) -> str:
    if current and current[-1].isascii() and current[-1].isalnum() and line[0].isascii() and line[0].isalnum():
        return f"{current} {line}"
    return current + line
