"""The one sanitiser for user text, and the limits on how much text one answer may hold."""

from __future__ import annotations

import re
import reprlib

# Characters XML 1.0 cannot hold (and PostgreSQL's text type refuses NUL); lone
# surrogates cannot be encoded as UTF-8 at all.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

#: The longest answer one question (or one table cell, or one note) may hold.
MAX_ANSWER_CHARS = 100_000
#: The longest one-line answer (district name, member name, short_text question).
MAX_SHORT_CHARS = 500


class TextTooLongError(ValueError):
    """Text over its limit; the message says the limit in plain words."""

    def __init__(self, length: int, limit: int, what: str = "This answer"):
        self.length = length
        self.limit = limit
        super().__init__(
            f"{what} is {length:,} characters long; the limit is {limit:,}. "
            "It was not saved, and the previous version is kept."
        )


def clean_text(value: str) -> str:
    """Return value without the characters XML 1.0 forbids; nothing else changes."""
    return _NOT_XML.sub("", value)


def removed_characters(value: str) -> int:
    """Return how many characters clean_text would remove from value."""
    return len(_NOT_XML.findall(value))


# Any ASCII punctuation can be backslash-escaped in (CommonMark) markdown.
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def markdown_literal(value: str) -> str:
    """Return value escaped to show as typed inside markdown: no links, images, emphasis or colours.

    For names people type (a district, a teammate) shown in a caption, alert or
    label, all of which Streamlit renders as markdown. Line breaks become spaces.
    """
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(value.splitlines()))


_SHORT_REPR = reprlib.Repr()
_SHORT_REPR.maxlevel, _SHORT_REPR.maxstring, _SHORT_REPR.maxother = 3, 80, 80


def excerpt(value: object, limit: int = 60) -> str:
    """Return at most `limit` characters of value on one line, with "…" where it was cut.

    For messages that quote what someone typed or uploaded: a message never repeats more of a file
    than a reader needs to find the place, however large the value.
    """
    text = value if isinstance(value, str) else _SHORT_REPR.repr(value)  # never walks a huge value whole
    if len(text) > 4 * limit:
        text = text[:4 * limit]  # cheap first cut: a value may be megabytes long
    text = " ".join(clean_text(text).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


def plotly_literal(value: str) -> str:
    """Return value escaped to show as typed in a plotly label, tick or hover text, which read a few HTML tags.

    For every name or title a chart shows (a team, an area of a workshop's own bank): `<b>`, `<a href>`
    and `&amp;` show as typed, never as markup.
    """
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def css_literal(value: str) -> str:
    """Return value as a quoted CSS string (a `content:` of the page's style) that shows it as typed: anything
    but letters, digits and plain punctuation becomes a `\\hex ` escape, so quotes, backslashes, line breaks
    and "<" (no "</style>") stay inside the string."""
    escaped = "".join(ch if ch.isalnum() or ch in " .,;:!?()'-/&%$#+=*_" else f"\\{ord(ch):x} " for ch in value)
    return f'"{escaped}"'


def check_length(value: str, limit: int = MAX_ANSWER_CHARS, what: str = "This answer") -> str:
    """Return value unchanged; raise TextTooLongError if it is longer than limit."""
    if len(value) > limit:
        raise TextTooLongError(len(value), limit, what)
    return value


def slugify(value: str, fallback: str = "district") -> str:
    """Return a lower-case, hyphenated, ASCII-only version of value for file names."""
    import unicodedata

    ascii_only = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_only.lower()).strip("-")
    return slug[:60].strip("-") or fallback
