"""The HTML parser: lxml's, set up to read any page a browser would.

Pure functions: bytes or text in, a tree out.
"""

from __future__ import annotations

import re
import threading

import lxml.html
from lxml import etree

from .document import Document, names_utf8

_PARSERS = threading.local()
# lxml.html's elements, looked up in C: lxml.html's own lookup is a Python call
# per element touched (a tenth of a small page's extraction), and only picks
# form-specific subclasses this extractor never uses.
_HTML_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity)


# An XHTML page's `<?xml ... encoding="iso-8859-1"?>`: lxml refuses a str that declares
# an encoding, and the text is decoded already (browsers ignore it in HTML too).
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*>")

# libxml2's depth limit with XML_PARSE_HUGE (huge_tree); 256 without it, which real
# pages built of nested wrappers exceed.
MAX_DEPTH = 2048


def parse_html(document: Document) -> tuple:
    """An lxml tree of an HTML document, however broken the markup, and what the
    parser had to leave out (elements nested deeper than MAX_DEPTH).

    UTF-8 bytes are parsed as they are: libxml2 reads them directly, while a
    str is handed over in Python's internal form and converted first (a fifth
    of the parse). The parser reports invalid UTF-8 too, which settles a
    document that assumed it (see Document); one that turns out not to be
    UTF-8 is parsed again from its text."""
    raw = document.raw
    utf8 = raw is not None and names_utf8(document.encoding) and not document.raw_holds_nul()
    parser = _parser("utf-8" if utf8 else None)
    try:
        if utf8:
            root = lxml.html.document_fromstring(raw, parser=parser)
        else:
            text = _XML_DECLARATION.sub("", document.text, count=1)
            if "\x00" in text:
                text = text.replace("\x00", "")
            root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        root = lxml.html.document_fromstring("<html><body></body></html>")
    errors = {entry.type_name for entry in parser.error_log}
    if utf8 and document.utf8_unchecked:
        document.settle_utf8("ERR_INVALID_ENCODING" not in errors)
        if not (document.raw is raw and names_utf8(document.encoding)):
            return parse_html(document)
    warnings = []
    if "ERR_RESOURCE_LIMIT" in errors:
        warnings.append(f"markup nested deeper than {MAX_DEPTH} levels: what lies deeper was not read "
                        "(posts there are missing); check the page in a browser")
    return root, warnings


def _parser(encoding: str | None):
    """This thread's parser for input in `encoding` (None: str input)."""
    parsers = getattr(_PARSERS, "parsers", None)
    if parsers is None:
        parsers = _PARSERS.parsers = {}
    parser = parsers.get(encoding)
    if parser is None:
        parser = parsers[encoding] = etree.HTMLParser(recover=True, remove_comments=True, collect_ids=False,
                                                      huge_tree=True, encoding=encoding)
        parser.set_element_class_lookup(_HTML_CLASSES)
    return parser
