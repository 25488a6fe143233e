"""Saved articles in awkward encodings (issue 14, item 11): a file mixing UTF-8
and Latin-1 is read line-sensibly with a warning naming it, UTF-16 without a
byte-order mark is read, and real binary data is still refused."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from archiver.cli import cli
from archiver.extract import extract_posts
from archiver.extract.document import InputError, decode

EMBED = ('<blockquote class="twitter-tweet"><p>{text}</p>&mdash; Fx Desk (@FxDesk) '
         '<a href="https://twitter.com/FxDesk/status/1412743195653046279">July 7, 2021</a></blockquote>')


def mixed_page() -> bytes:
    """A page pasted together: UTF-8 lines, and one line saved from a Latin-1 editor."""
    return ("<html><body><article>\n<p>Le Café du Port, première partie.</p>\n".encode("utf-8")
            + "<p>Suite au Café du Port, deuxième partie.</p>\n".encode("latin-1")
            + (EMBED.format(text="Crue au Café du Port — photo") + "\n</article></body></html>\n").encode("utf-8"))


def extract(path) -> tuple[int, list[dict], str]:
    result = CliRunner().invoke(cli, ["extract", "--article", str(path)])
    return result.exit_code, [json.loads(line) for line in result.stdout.splitlines()], result.stderr


def test_mixed_utf8_and_latin1_is_decoded_line_by_line_with_a_warning():
    """Regression: the whole file was decoded as cp1251 ("CafГ©")."""
    document = decode(mixed_page())
    assert [line for line in document.text.splitlines() if "Café" in line] == [
        "<p>Le Café du Port, première partie.</p>",
        "<p>Suite au Café du Port, deuxième partie.</p>",
        EMBED.format(text="Crue au Café du Port — photo"),
    ]
    assert (document.encoding, document.warning) == (
        "utf-8", "mixed encodings: line 3 is not UTF-8 like the rest and read as windows-1252; "
                 "check the accented letters there")


def test_the_mixed_encoding_warning_names_the_source_and_the_post_text_is_right(tmp_path):
    page = tmp_path / "pasted.html"
    page.write_bytes(mixed_page())
    code, [record], err = extract(page)
    assert code == 0
    assert [post["text"] for post in record["posts"]] == ["Crue au Café du Port — photo"]
    assert err == (f"archiver: {page}: warning: mixed encodings: line 3 is not UTF-8 like the rest and read as "
                   "windows-1252; check the accented letters there\n")


def test_a_single_legacy_encoding_is_still_detected_not_called_mixed():
    document = decode("Привет, как дела? Это русский текст.\nЕщё одна строка «текста».\n".encode("cp1251"))
    assert (document.text, document.encoding, document.warning) == (
        "Привет, как дела? Это русский текст.\nЕщё одна строка «текста».\n", "cp1251", None)


@pytest.mark.parametrize("text", [
    "La jetée du port restera fermée jusqu'à nouvel ordre, ont annoncé les commerçants. " * 3,
    "Gestern fand in München eine Versammlung statt, die Bürger sprachen über die Brücke. " * 3])
def test_western_text_declaring_no_encoding_is_read_as_windows_1252_as_browsers_read_it(text):
    # Detection alone ranked cp1257, cp1250 or cp775 first on such text: "jusqu'ą", "MĂĽnchen".
    html = ("<html><body><article><p>" + text + "</p>" + EMBED.format(text="Crue au Café — photo")
            + "</article></body></html>").encode("cp1252")
    [post] = extract_posts(html)
    assert post.text == "Crue au Café — photo"
    assert decode(text.encode("cp1252")).text == text


@pytest.mark.parametrize("text, encoding", [
    ("Zażółć gęślą jaźń. Wczoraj w Warszawie odbyło się spotkanie mieszkańców z radnymi miasta. " * 3, "cp1250"),
    ("Gradsko vijeće u ponedjeljak je objavilo da će luka biti zatvorena zbog popravka mosta, a trajekti "
     "će ploviti prema novom rasporedu. Stanovnici četvrti žalili su se na buku i prašinu.", "cp1250"),
    ("Belediye meclisi pazartesi günü, köprü onarımı nedeniyle limanın kapatılacağını ve feribotların yeni "
     "bir tarifeye göre çalışacağını açıkladı. Mahalle sakinleri inşaatın getirdiği gürültü ve tozdan şikayet "
     "etti; başkan işlerin yaza kadar biteceğini söyledi. İstanbul'dan gelen yolcular da etkilendi. " * 2,
     "cp1254")])
def test_text_of_other_code_pages_declaring_no_encoding_keeps_its_own(text, encoding):
    assert decode(text.encode(encoding)).text == text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_read_not_called_binary(tmp_path, encoding):
    """Regression: its NUL bytes made it 'binary data'."""
    page = tmp_path / "utf16.html"
    page.write_bytes(f"<html><body><article><p>Fictional wörds.</p>{EMBED.format(text='Ünïcode post')}"
                     "</article></body></html>".encode(encoding))
    code, [record], err = extract(page)
    assert (code, err) == (0, "")
    assert [post["text"] for post in record["posts"]] == ["Ünïcode post"]
    assert decode(page.read_bytes()).encoding == encoding


@pytest.mark.parametrize("label", ["utf-16", "UTF-16LE", "utf-32"])
def test_a_utf16_label_on_a_page_written_in_ascii_is_a_wrong_label(label):
    """Regression: a CMS's meta charset="utf-16" (or an HTTP header saying so) on
    a UTF-8 page made its bytes read two at a time, as CJK, and its posts were lost.
    Browsers read such a page as UTF-8: its ASCII has none of UTF-16's NUL bytes."""
    page = (f'<html><head><meta charset="{label}"><title>Fx</title></head><body><article>'
            f"<p>Fictional wörds.</p>{EMBED.format(text='Ünïcode post')}</article></body></html>").encode()
    for bytes_ in (page, page + b" "):  # an odd length failed to decode; an even one gave CJK
        assert [post.text for post in extract_posts(bytes_)] == ["Ünïcode post"]
        assert [post.text for post in extract_posts(bytes_, charset=label)] == [
            "Ünïcode post"]


def test_a_page_with_a_stray_nul_byte_is_read_not_called_binary(tmp_path):
    """Regression: one NUL anywhere in the first 8 KiB refused the whole page."""
    page = tmp_path / "stray.html"
    page.write_bytes(b"<html><body><article><p>Broken\x00 CMS output.</p>"
                     + EMBED.format(text="Still a post").encode()
                     + b'<p>And <a href="https://twitter.com/FxPort/sta\x00tus/1412743195653046280">a link</a>.</p>'
                     + b"</article></body></html>")
    code, [record], err = extract(page)
    assert (code, err) == (0, "")
    assert [(post["handle"], post["text"]) for post in record["posts"]] == [("FxDesk", "Still a post"),
                                                                              ("FxPort", None)]


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00" * 100, bytes(range(256)) * 40,
                                  b"\x00\x00\x00\x01" * 1000])
def test_binary_data_is_still_refused(data):
    with pytest.raises(InputError, match="binary data|unreadable bytes"):
        decode(data)


def test_utf8_bytes_are_parsed_as_the_charset_they_were_decoded_with_not_their_meta():
    """The parser reads UTF-8 pages from their bytes: a meta charset naming another
    encoding must not win over the HTTP charset there either."""
    page = ('<html><head><meta charset="windows-1252"></head><body><article><p>Fictional wörds.</p>'
            f'{EMBED.format(text="Crue au Café du Port — photo")}</article></body></html>').encode("utf-8")
    assert [post.text for post in extract_posts(page, charset="utf-8")] == ["Crue au Café du Port — photo"]
    assert [post.text for post in extract_posts(page)] == ["Crue au CafÃ© du Port â€” photo"]


@pytest.mark.parametrize("bad", [b"\xed\xa0\x80", b"\xc0\xaf", b"\xe2\x82 ", b"caf\xe9"])
def test_html_taken_for_utf8_and_found_otherwise_by_the_parser_reads_as_if_checked_first(bad):
    """UTF-8 is assumed of HTML and checked by the parser; bytes it finds invalid
    are decoded as a page whose UTF-8 fails up front is (here, by detection)."""
    from archiver.extract import extract_document

    data = (b"<html><body><article><p>Le Caf\xc3\xa9 du Port, premi\xc3\xa8re partie du texte.</p><p>bad "
            + bad + b" bytes</p>" + EMBED.format(text="Crue au port").encode() + b"</article></body></html>")
    assumed, checked = decode(data), decode(data, check_utf8=True)
    assert assumed.utf8_unchecked and not checked.utf8_unchecked
    posts = [(post.handle, post.text) for post in extract_document(assumed)["posts"]]
    assert posts == [(post.handle, post.text) for post in extract_document(checked)["posts"]] == [
        ("FxDesk", "Crue au port")]
    assert (assumed.encoding, assumed.text, assumed.warning) == (checked.encoding, checked.text, checked.warning)
    assert assumed.encoding != "utf-8"


def test_html_no_encoding_reads_keeps_utf8_with_replacement_characters_and_says_so(monkeypatch):
    import charset_normalizer

    from archiver.extract import extract_document

    monkeypatch.setattr(charset_normalizer, "from_bytes", lambda data: type("NoMatch", (), {"best": lambda self: None})())
    data = b"<html><body><article><p>bad \xc0\xaf bytes</p>" + EMBED.format(text="Crue").encode() + b"</article></body></html>"
    with pytest.raises(InputError):
        decode(data, check_utf8=True)
    document = decode(data)
    assert [post.text for post in extract_document(document)["posts"]] == ["Crue"]
    assert document.encoding == "utf-8" and "\ufffd" in document.text
    assert document.warning.startswith("invalid UTF-8")


@pytest.mark.parametrize("encoding", ["iso-8859-1", "windows-1252", "utf-8"])
def test_an_xhtml_page_with_an_xml_declaration_is_read_in_any_encoding(encoding):
    # Regression: lxml refuses a decoded str that declares an encoding, so an XHTML page
    # in a legacy encoding was parsed as an empty tree and all its posts were lost, silently.
    page = (f'<?xml version="1.0" encoding="{encoding}"?>\n'
            '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
            '<html xmlns="http://www.w3.org/1999/xhtml"><body><div>'
            + "<p>Le café du port a rouvert lundi après la tempête, selon la capitainerie.</p>" * 3
            + '<p>Comme <a href="https://twitter.com/fx_desk/status/1412345678901234567">le dit le bureau</a>.</p>'
            '</div></body></html>').encode(encoding)
    assert [(p.post_id, p.context[:12]) for p in extract_posts(page)] == [("1412345678901234567", "Comme le dit")]


def test_a_byte_windows_1252_leaves_undefined_is_read_as_browsers_read_it_not_as_another_encoding():
    """Regression: one 0x81 in a page declared windows-1252 sent it to detection,
    which read it as Arabic (É became ة)."""
    page = ('<html><head><meta charset="windows-1252"></head><body><article><p>La députée a réagi à la décision du '
            'préfet.</p>' + EMBED.format(text="Écoles fermées à Noël") + "</article></body></html>").encode("cp1252")
    document = decode(page.replace(b"</article>", b"\x81</article>"))
    assert document.encoding == "windows-1252" and "\u0081" in document.text
    assert extract_posts(document.text)[0].text == "Écoles fermées à Noël"


@pytest.mark.parametrize("data", [b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"])
def test_a_file_of_only_a_byte_order_mark_is_empty_input(data):
    with pytest.raises(InputError, match="empty input"):
        decode(data)
