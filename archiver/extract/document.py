"""Bytes to text: encoding detection, HTML-or-text sniffing, and the refusals
(empty, binary, unreadable) that name what was wrong."""

from __future__ import annotations

import codecs
import re
from typing import Callable


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
_HTML_SNIFF_BYTES = re.compile(_HTML_SNIFF.pattern.encode(), re.I)
# The declarations browsers honour, as Beautiful Soup's EncodingDetector reads them:
# an XML declaration in the first KiB, else a meta charset in the first 2 KiB.
_XML_DECLARATION = re.compile(rb"^\s*<\?.*encoding=['\"](.*?)['\"].*\?>", re.I)
_META_CHARSET = re.compile(rb"<\s*meta[^>]+charset\s*=\s*[\"']?([^>]*?)[ /;'\">]", re.I)
# Byte-order marks, UTF-16 ones only when not the start of a UTF-32 one.
_BOMS = ((b"\xfe\xff", "utf-16be"), (b"\xff\xfe", "utf-16le"), (b"\xef\xbb\xbf", "utf-8"),
         (b"\x00\x00\xfe\xff", "utf-32be"), (b"\xff\xfe\x00\x00", "utf-32le"))
# NUL bytes a text may hold by accident (a broken CMS, a pasted fragment) and still be
# read, as browsers read it; binary data holds many more, and the count of control
# characters below refuses it anyway.
_STRAY_NULS = 8
_REPLACEMENT = "\ufffd".encode()
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\ufffd]")
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not (b <= 8 or b == 11 or 14 <= b <= 31))
_NOT_CONTROL_OR_LAST_OF_FFFD = _NOT_CONTROL_BYTES.replace(b"\xbd", b"")


class Document:
    """An article's text, decoded, with how it was decoded.

    HTML whose bytes are to be read as UTF-8 is not decoded up front: the parser
    reads the bytes as they are and reports any invalid sequence itself
    (`settle_utf8`), which spares decoding every page twice (3% of an
    extraction). The text is decoded when first asked for."""

    def __init__(self, text: str | None, encoding: str, is_html: bool, raw: bytes | None = None,
                 warning: str | None = None, careful: Callable[[], "Document"] | None = None):
        self._text = text
        self.encoding = encoding
        self.is_html = is_html
        self.raw = raw
        self.warning = warning  # read, but the person should know how (mixed encodings)
        self._careful = careful  # while UTF-8 is assumed, not checked: how `decode` reads the bytes otherwise
        self._nul_searched: bytes | None = None  # the raw bytes `_holds_nul` tells of
        self._holds_nul = False

    @property
    def text(self) -> str:
        if self._text is None:
            self.settle_utf8(None)
            if self._text is None:
                self._text = self.raw.decode(self.encoding)
        return self._text

    @property
    def utf8_unchecked(self) -> bool:
        return self._careful is not None

    def settle_utf8(self, valid: bool | None) -> None:
        """Settle the UTF-8 assumed of the bytes: `valid` is what the parser found,
        None to check here. Bytes that are not UTF-8 are read as `decode` reads
        any page whose first candidate fails: the next candidate, then mixed
        encodings, then detection."""
        if self._careful is None:
            return
        careful, self._careful = self._careful, None
        if valid is None:
            try:
                self._text = self.raw.decode(self.encoding)
                return
            except UnicodeDecodeError:
                valid = False
        if valid:
            return
        try:
            other = careful()
        except InputError:  # no encoding fits better: keep UTF-8, invalid bytes as U+FFFD, as browsers do
            self._text = self.raw.decode(self.encoding, "replace")
            self.warning = ("invalid UTF-8: bytes no encoding reads were shown as replacement characters; "
                            "check the page in a browser")
            return
        self._text, self.encoding, self.raw, self.warning = other.text, other.encoding, other.raw, other.warning

    def raw_holds_nul(self) -> bool:
        """Whether the raw bytes hold a NUL byte: asked by the parser and by the
        markup's scan, searched once (a search of the whole page costs 16 µs a
        dev page, half a hundredth of its extraction)."""
        if self._nul_searched is not self.raw:
            self._nul_searched, self._holds_nul = self.raw, self.raw is not None and b"\x00" in self.raw
        return self._holds_nul

    def ascii_markup(self) -> tuple[bytes, str]:
        """The markup as bytes in which ASCII characters are single ASCII bytes,
        without the NUL bytes the parser leaves out too (a URL split by one is
        read whole in both)."""
        if self.raw is not None and _ascii_compatible(self.encoding):
            markup, encoding, nul = self.raw, self.encoding, self.raw_holds_nul()
        else:
            markup, encoding = self.text.encode("utf-8"), "utf-8"
            nul = b"\x00" in markup
        return (markup.replace(b"\x00", b"") if nul else markup), encoding


def _ascii_compatible(encoding: str) -> bool:
    """False for the UTF-16/32 family, where an ASCII character is not one byte."""
    return not encoding.lower().replace("_", "-").startswith(("utf-16", "utf-32"))


def decode(data: bytes, declared_charset: str | None = None,
           content_type: str | None = None, *, check_utf8: bool = False) -> Document:
    """Decode article bytes: BOM, then HTTP charset, then meta charset, then UTF-8,
    then detection. Raises InputError for empty, binary or unreadable input.

    HTML reached as UTF-8 is left for the parser to check, unless `check_utf8`
    (see Document)."""
    if not data or data.isspace():
        raise InputError("empty input: nothing to extract; check that the file was saved completely")
    body, bom_encoding = _strip_byte_order_mark(data)
    if not body or body.isspace():
        raise InputError("empty input: only a byte-order mark; check that the file was saved completely")
    if not bom_encoding and b"\x00" in data[:8192]:
        bom_encoding = _utf16_by_its_nul_bytes(data[:8192])
        if not bom_encoding and data.count(0, 0, 8192) > _STRAY_NULS:
            raise InputError("binary data, not an article: pass an HTML or plain-text file")
    meta = _declared_encoding(body[:4096])
    text = encoding = None
    for candidate in (bom_encoding, declared_charset, meta, "utf-8"):
        candidate = (candidate or "").strip()
        if not _ENCODING_LABEL.fullmatch(candidate):
            continue  # none, or not an encoding's name ("utf\0-8" in a damaged page)
        candidate = _WHATWG_ALIASES.get(candidate.lower(), candidate)
        if not bom_encoding and not _ascii_compatible(candidate) and b"\x00" not in body[:4096]:
            continue  # UTF-16 or 32 declared of bytes without the NULs their ASCII would have: a wrong label
        if not (check_utf8 or bom_encoding) and names_utf8(candidate) and looks_like_html(body, content_type):
            _refuse_binary(body, candidate, None)
            return Document(None, candidate, True, raw=body,
                            careful=lambda: decode(body, declared_charset, content_type, check_utf8=True))
        try:
            text, encoding = body.decode(candidate, errors=_browsers_errors(candidate)), candidate
            break
        except (UnicodeDecodeError, LookupError):
            continue
    if text is None and not bom_encoding and _mixes_utf8_with_another_encoding(body):
        text = body.decode("utf-8", errors=_WINDOWS_1252_STRETCHES)
        warning = _mixed_warning([n for n, line in enumerate(body.splitlines(), 1) if not _is_utf8(line)])
        _refuse_binary(body, "utf-8", text)
        return Document(text=text, encoding="utf-8", is_html=looks_like_html(text, content_type), warning=warning)
    if text is None:
        import charset_normalizer  # imported on first use: only pages in an undeclared legacy encoding need it

        reading = _browsers_guess(body, charset_normalizer.from_bytes(body))
        if reading is None:
            raise InputError("unreadable bytes: no text encoding fits; pass an HTML or plain-text file")
        text, encoding = reading
    _refuse_binary(body, encoding, text)
    return Document(text=text, encoding=encoding, is_html=looks_like_html(text, content_type), raw=body)


_ENCODING_LABEL = re.compile(r"[A-Za-z0-9._:-]{1,40}")


# The languages windows-1252 is written for, as charset-normalizer names them.
_WESTERN_LANGUAGES = frozenset({"English", "French", "German", "Spanish", "Portuguese", "Italian", "Dutch",
                                "Danish", "Swedish", "Norwegian", "Finnish", "Catalan", "Indonesian"})


def _browsers_guess(body: bytes, matches) -> tuple[str, str] | None:
    """(text, encoding) of bytes that declare no encoding, as detection reads them,
    but as windows-1252 (what browsers read such pages as) when detection names
    a language windows-1252 is written for and it reads the bytes as well as
    the best: on short Western text detection ranks cp1257 or cp775 first as
    often as not (French came out "jusqu'ą"), while Croatian, Turkish or
    Lithuanian keep their own code page. None when nothing fits."""
    best = matches.best()
    if best is None:
        return None
    western = next((m for m in matches if "cp1252" in m.could_be_from_charset), None)
    if western is not None and best.language in _WESTERN_LANGUAGES and western.chaos <= best.chaos:
        try:
            return body.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:  # a byte windows-1252 leaves undefined
            pass
    return str(best), best.encoding


def _strip_byte_order_mark(data: bytes) -> tuple[bytes, str | None]:
    """The bytes without their byte-order mark, and the encoding it names."""
    for mark, encoding in _BOMS:
        if data.startswith(mark) and not (len(mark) == 2 and (len(data) < 4 or data[2:4] == b"\x00\x00")):
            return data[len(mark):], encoding
    return data, None


def _declared_encoding(head: bytes) -> str | None:
    """The encoding the markup's start declares (XML declaration, meta charset), lowercased."""
    found = (_XML_DECLARATION.search(head, endpos=1024)
             or _META_CHARSET.search(head, endpos=2048))
    return found.group(1).decode("ascii", "replace").lower() if found and found.group(1) else None


def _utf16_by_its_nul_bytes(head: bytes) -> str | None:
    """UTF-16 without a byte-order mark, told by its NUL bytes: mostly ASCII
    text in UTF-16 has a NUL in every other byte, on the same side."""
    head = head[:len(head) // 2 * 2]
    pairs = len(head) // 2
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if pairs < 8:
        return None
    if odd >= pairs * 0.4 and even <= pairs * 0.05:
        return "utf-16-le"
    if even >= pairs * 0.4 and odd <= pairs * 0.05:
        return "utf-16-be"
    return None


def _is_utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _mixes_utf8_with_another_encoding(body: bytes) -> bool:
    """Some lines with non-ASCII characters are valid UTF-8 and some lines are
    not: a file pasted together from two sources, not one legacy encoding
    (whose non-ASCII lines are almost never valid UTF-8)."""
    utf8_lines = other_lines = 0
    for line in body.splitlines():
        if line.isascii():
            continue
        if _is_utf8(line):
            utf8_lines += 1
        else:
            other_lines += 1
        if utf8_lines and other_lines:
            return True
    return False


def _mixed_warning(lines: list[int]) -> str:
    shown = ", ".join(map(str, lines[:5])) + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")
    return (f"mixed encodings: line{'s' if len(lines) > 1 else ''} {shown} {'are' if len(lines) > 1 else 'is'} "
            "not UTF-8 like the rest and read as windows-1252; check the accented letters there")


def _windows_1252_stretch(error: UnicodeDecodeError) -> tuple[str, int]:
    """Decode an invalid UTF-8 stretch as windows-1252 (its five unassigned
    bytes as the C1 controls browsers read them as)."""
    stretch = error.object[error.start:error.end]
    return "".join(bytes([b]).decode("windows-1252", errors="ignore") or chr(b) for b in stretch), error.end


_WINDOWS_1252_STRETCHES = "archiver-windows-1252-stretches"
codecs.register_error(_WINDOWS_1252_STRETCHES, _windows_1252_stretch)


def _c1_controls(error: UnicodeDecodeError) -> tuple[str, int]:
    """The bytes windows-1252 leaves undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D) as the C1
    controls browsers read them as, not a failure that sends the page to detection."""
    return "".join(map(chr, error.object[error.start:error.end])), error.end


_C1_CONTROLS = "archiver-c1-controls"
codecs.register_error(_C1_CONTROLS, _c1_controls)


def _browsers_errors(encoding: str) -> str:
    """How browsers decode a byte `encoding` leaves undefined: strictly, except windows-1252's five."""
    try:
        return _C1_CONTROLS if codecs.lookup(encoding).name == "cp1252" else "strict"
    except LookupError:
        return "strict"


def _refuse_binary(body: bytes, encoding: str, text: str | None) -> None:
    """Refuse as binary data a page whose first 64 KiB hold more control
    characters (and U+FFFD) than one in fifty, at least eight. `text` None:
    UTF-8 bytes not decoded yet, counted as bytes."""
    limit = max(8, min(len(body if text is None else text), 65536) // 50)
    too_many = (_too_many_control_bytes(body, limit) if text is None
                else _control_chars(body, encoding, text) > limit)
    if too_many:
        raise InputError("unreadable bytes: this looks like binary data, not an article")


def _control_chars(body: bytes, encoding: str, text: str) -> int:
    """How many control characters (and U+FFFD) the first 64 KiB hold."""
    if not _ascii_compatible(encoding):
        return len(_CONTROL.findall(text[:65536]))
    return len(body[:65536].translate(None, _NOT_CONTROL_BYTES)) + text.count("\ufffd", 0, 65536)


def _too_many_control_bytes(body: bytes, limit: int) -> bool:
    """Whether the first 64 KiB of UTF-8 bytes hold more than `limit` control
    characters and U+FFFD. One pass keeps the control bytes and the last byte
    of U+FFFD; only when that bound passes the limit are the U+FFFD counted
    (a search for three bytes costs twice the pass)."""
    kept = body[:65536].translate(None, _NOT_CONTROL_OR_LAST_OF_FFFD)
    if len(kept) <= limit:
        return False
    return len(kept) - kept.count(_REPLACEMENT[-1]) + body.count(_REPLACEMENT, 0, 65536) > limit


def names_utf8(encoding: str) -> bool:
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


def looks_like_html(markup: str | bytes, content_type: str | None = None) -> bool:
    """HTML by its media type, else by its start, as browsers sniff it: markup
    (a doctype, a tag, a comment) before any text. Text that starts as text is
    HTML when it holds a blockquote (a CMS's fragment) or known tags everywhere,
    not the few a text extractor left (noscript contents, an article's code
    samples). Read from the text, or from the bytes of a page in an
    ASCII-compatible encoding."""
    if content_type and "html" in content_type.lower():
        return True
    if content_type and content_type.lower().startswith("text/plain"):
        return False
    if isinstance(markup, bytes):
        start, blockquote, tags = _MARKUP_START_BYTES, _BLOCKQUOTE_BYTES, _HTML_SNIFF_BYTES
    else:
        start, blockquote, tags = _MARKUP_START, _BLOCKQUOTE, _HTML_SNIFF
    return (bool(start.match(markup)) or _holds_blockquote(blockquote, markup)
            or _count_at_least(tags, markup, _TAGS_IN_HTML))


def _holds_blockquote(patterns: tuple, markup) -> bool:
    """A blockquote opened and closed in the first 64 KiB (two searches, not a
    lazy match from every opening)."""
    opening, closing = patterns
    found = opening.search(markup, 0, 65536)
    return found is not None and closing.search(markup, found.end(), 65536) is not None


_MARKUP_START = re.compile(r"[\s\ufeff]*<[!?/A-Za-z]")
_MARKUP_START_BYTES = re.compile(rb"(?:\s|\xef\xbb\xbf)*<[!?/A-Za-z]")
# A fragment a CMS exports starts with its text but holds its embeds as markup: text
# extractors leave noscript contents and code samples, not blockquotes.
# (Opened and closed: a text telling its readers which tags they may use, "<blockquote
# cite="">", is still text.)
_BLOCKQUOTE = (re.compile(r"<blockquote[\s>]", re.I), re.compile(r"</blockquote\s*>", re.I))
_BLOCKQUOTE_BYTES = tuple(re.compile(pattern.pattern.encode(), re.I) for pattern in _BLOCKQUOTE)
# Known tags in the first 64 KiB from which a text that starts as text is a page (one
# with an error message before its markup): the text versions of the dev pages hold at most 13.
_TAGS_IN_HTML = 20


def _count_at_least(pattern, markup, count: int) -> bool:
    found = 0
    for _ in pattern.finditer(markup, 0, 65536):
        found += 1
        if found >= count:
            return True
    return False
