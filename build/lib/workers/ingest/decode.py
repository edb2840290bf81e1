"""Bytes to text: UTF-8, UTF-16 with a byte-order mark, or Windows-1256; binary files refused."""

from __future__ import annotations

import codecs
import re

from workers.errors import Reason, RejectedInput

# Signatures of binary formats people drop by mistake (often renamed to .txt).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "executable"),
    (b"RIFF", "RIFF media file"),
    (b"\xd0\xcf\x11\xe0", "Microsoft Office document"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Share of control characters above which text decoded by the Windows-1256 fallback is judged binary.
_MAX_CONTROL_SHARE = 0.01
# Control characters (Unicode category Cc) other than tab, line feed, vertical tab, form feed, return.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def sniff_binary(data: bytes) -> str | None:
    """The name of the binary format `data` starts with, if any."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    return None


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode article bytes; returns (text, encoding name).

    Raises RejectedInput: empty_file (nothing but white space), binary_content, undecodable.
    """
    if not data.strip():
        raise RejectedInput(Reason.EMPTY_FILE, "the file is empty or holds only white space")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise RejectedInput(
                    Reason.UNDECODABLE,
                    f"starts with a {encoding} byte-order mark but is not {encoding}: {exc}",
                ) from exc
            return _checked(text), "utf-16" if encoding == "utf-16" else "utf-8"
    binary = sniff_binary(data)
    if binary is not None:
        raise RejectedInput(Reason.BINARY_CONTENT, f"this is a {binary}, not text")
    if b"\x00" in data:
        raise RejectedInput(Reason.BINARY_CONTENT, "the file holds NUL bytes: binary data, not text")
    try:
        return _checked(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("windows-1256", errors="replace")
    if "\ufffd" in text:
        raise RejectedInput(
            Reason.UNDECODABLE, "not valid UTF-8, UTF-16 (with byte-order mark) or Windows-1256 text"
        )
    return _checked(text), "windows-1256"


def _checked(text: str) -> str:
    """`text` if it reads as text: not only white space, and not riddled with control characters."""
    if not text.strip():
        raise RejectedInput(Reason.EMPTY_FILE, "the file holds only white space")
    controls = len(_CONTROL.findall(text))
    if controls > _MAX_CONTROL_SHARE * len(text):
        raise RejectedInput(Reason.UNDECODABLE, f"{controls} control characters: binary data, not text")
    return text
