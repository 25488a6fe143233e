"""Bytes to text: encoding detection, HTML-or-text sniffing, and the refusals
(empty, binary, unreadable) that name what was wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass

import charset_normalizer
from bs4.dammit import EncodingDetector


class InputError(ValueError):
    """Input that cannot be read as an article; the message says why and what to do."""


# Names that browsers read as windows-1252 whatever the label says.
_WHATWG_ALIASES = {"iso-8859-1": "windows-1252", "latin-1": "windows-1252",
                   "latin1": "windows-1252", "ascii": "windows-1252",
                   "us-ascii": "windows-1252"}
_HTML_SNIFF = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|article|div|p|blockquote|a\s|span|br|"
    r"section|main|iframe|script|figure|h[1-6])[\s>/]",
    re.I,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not (b <= 8 or b == 11 or 14 <= b <= 31))


@dataclass
class Document:
    """An article's text, decoded, with how it was decoded."""

    text: str
    encoding: str
    is_html: bool
    raw: bytes | None = None

    def ascii_markup(self) -> tuple[bytes, str]:
        """The markup as bytes in which ASCII characters are single ASCII bytes."""
        if self.raw is not None and _ascii_compatible(self.encoding):
            return self.raw, self.encoding
        return self.text.encode("utf-8"), "utf-8"


def _ascii_compatible(encoding: str) -> bool:
    """False for the UTF-16/32 family, where an ASCII character is not one byte."""
    return not encoding.lower().replace("_", "-").startswith(("utf-16", "utf-32"))


def decode(data: bytes, declared_charset: str | None = None,
           content_type: str | None = None) -> Document:
    """Decode article bytes: BOM, then HTTP charset, then meta charset, then UTF-8,
    then detection. Raises InputError for empty, binary or unreadable input."""
    if not data or data.isspace():
        raise InputError("empty input: nothing to extract; check that the file was saved completely")
    body, bom_encoding = EncodingDetector.strip_byte_order_mark(data)
    if not bom_encoding and b"\x00" in data[:8192]:
        raise InputError("binary data, not an article: pass an HTML or plain-text file")
    meta = EncodingDetector.find_declared_encoding(body[:4096], is_html=True)
    text = encoding = None
    for candidate in (bom_encoding, declared_charset, meta, "utf-8"):
        if not candidate:
            continue
        candidate = _WHATWG_ALIASES.get(candidate.lower(), candidate)
        try:
            text, encoding = body.decode(candidate), candidate
            break
        except (UnicodeDecodeError, LookupError):
            continue
    if text is None:
        best = charset_normalizer.from_bytes(body).best()
        if best is None:
            raise InputError("unreadable bytes: no text encoding fits; pass an HTML or plain-text file")
        text, encoding = str(best), best.encoding
    if _control_chars(body, encoding, text) > max(8, min(len(text), 65536) // 50):
        raise InputError("unreadable bytes: this looks like binary data, not an article")
    return Document(text=text, encoding=encoding, is_html=looks_like_html(text, content_type), raw=body)


def _control_chars(body: bytes, encoding: str, text: str) -> int:
    """How many control characters (and U+FFFD) the first 64 KiB hold."""
    if not _ascii_compatible(encoding):
        return len(_CONTROL.findall(text[:65536]))
    return len(body[:65536].translate(None, _NOT_CONTROL_BYTES)) + text.count("\ufffd", 0, 65536)


def looks_like_html(text: str, content_type: str | None = None) -> bool:
    """HTML by its media type, else by a known tag near the start."""
    if content_type and "html" in content_type.lower():
        return True
    if content_type and content_type.lower().startswith("text/plain"):
        return False
    return bool(_HTML_SNIFF.search(text[:65536]))
