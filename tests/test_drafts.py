"""The hash the page's draft script compares saved answers with (FNV-1a over UTF-16 code units)."""

from ui.drafts import text_hash


def test_the_hash_is_fnv_1a_of_each_utf16_code_unit():
    assert text_hash("") == "811c9dc5"
    assert text_hash("a") == "e40c292c"  # FNV-1a's published value for the one byte 0x61


def test_windows_line_breaks_hash_as_a_text_box_gives_them_back():
    assert text_hash("one\r\ntwo") == text_hash("one\ntwo")
    assert text_hash("naïve 😀") != text_hash("naive 😀")
