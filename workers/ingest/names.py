"""File names as Marsad stores and shows them, and names it derives from them.

A Linux file name is bytes: it may hold bytes that are not UTF-8 (Python decodes them to lone
surrogates, which PostgreSQL refuses), control characters (a newline would forge a line in an
`.error.txt`), and it may be 255 bytes long, leaving no room for a suffix. `stored_name` is an
escaped form that is plain text, one line and reversible (`path_from_stored` turns it back);
`fitting_name` shortens a derived name to what the file system accepts.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

# Most Linux file systems refuse a name component longer than this many bytes.
NAME_MAX_BYTES = 255
_ESCAPE = re.compile(r"[\\\x00-\x1f\x7f-\x9f\udc80-\udcff]")
_UNESCAPE = re.compile(r"\\(?:\\|x([0-9a-f]{2})|u([0-9a-f]{4}))")


def _escape_one(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\\":
        return "\\\\"
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte that is not UTF-8, as os.fsdecode carries it
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}"


def _unescape_one(match: re.Match[str]) -> str:
    byte, wide = match.group(1), match.group(2)
    if byte is not None:
        code = int(byte, 16)
        return chr(code) if code < 0x80 else chr(0xDC00 + code)
    if wide is not None:
        return chr(int(wide, 16))
    return "\\"


def stored_name(text: str | os.PathLike[str]) -> str:
    """`text` (a name or a path) as one line of valid UTF-8: backslashes doubled, control
    characters as `\\xNN`/`\\uNNNN`, bytes that are not UTF-8 as `\\xNN`. Ordinary names are unchanged."""
    return _ESCAPE.sub(_escape_one, os.fspath(text))


def path_from_stored(text: str) -> Path:
    """The path `stored_name` was given."""
    return Path(_UNESCAPE.sub(_unescape_one, text))


def fitting_name(name: str, suffix: str = "", *, limit: int = NAME_MAX_BYTES) -> str:
    """`name + suffix`, or, when that is longer than `limit` bytes, `name` cut short before its
    extensions (at a character boundary) and marked with `~`: `<start of name>~.jsonl.gz<suffix>`."""
    whole = name + suffix
    if len(os.fsencode(whole)) <= limit:
        return whole
    stem, dot, extensions = name.partition(".")
    extension = dot + extensions
    if len(os.fsencode(extension)) > limit // 4:  # a name that is mostly "extension": cut it all
        stem, extension = name, ""
    tail = "~" + extension + suffix
    encoded = os.fsencode(stem)
    size = max(limit - len(os.fsencode(tail)), 0)
    # Back off from a multi-byte character cut in two (the next byte would be a continuation byte).
    for _ in range(3):
        if 0 < size < len(encoded) and 0x80 <= encoded[size] <= 0xBF:
            size -= 1
    return os.fsdecode(encoded[:size]) + tail
