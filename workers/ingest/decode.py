"""Bytes to text, decided on evidence: UTF-8 (a few bad bytes replaced), UTF-16 with or without a
byte-order mark, or Windows-1256; binary files refused.

The encoding name returned is what `documents.encoding` records:

- `utf-8`, `utf-16` (with a byte-order mark), `utf-16-le` / `utf-16-be` (without one), `windows-1256`;
- `utf-8+replace`: UTF-8 in which a few bytes did not decode and became U+FFFD.

In order: a byte-order mark decides (UTF-8 with one still has a few bad bytes replaced); a binary
signature refuses; the UTF-16 byte pattern decides; NUL bytes at the end are padding, and NUL bytes
elsewhere refuse the file only when they are more than a stray few; valid UTF-8 is UTF-8; then the
evidence of `_decide_8bit`: Arabic words, and how many bytes fail as UTF-8.

Text is never refused for one odd byte: padding NULs and stray control characters (a DOS end-of-file
mark, a bell) are stripped, and `decode` says so in its `notes`, which the article carries to the
cleaning audit. A file is binary when its content says so: a signature, or a high share of NUL or
control characters.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from workers.errors import Reason, RejectedInput

UTF8 = "utf-8"
UTF8_REPLACED = "utf-8+replace"
WINDOWS_1256 = "windows-1256"

# Signatures of binary formats people drop by mistake (often renamed to .txt).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x7fELF", "program (ELF executable)"),
    (b"RIFF", "RIFF media file"),
    (b"\xd0\xcf\x11\xe0", "Microsoft Office document"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Share of control characters above which decoded text is judged binary.
_MAX_CONTROL_SHARE = 0.01
# Share of NUL bytes (padding at the end aside) above which a file is binary: a NUL is never text, so
# more than one byte in a hundred is no stray. Binary formats are full of them.
_MAX_NUL_SHARE = 0.01
# Control characters (Unicode category Cc) other than tab, line feed, vertical tab, form feed, return.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")

# UTF-16 without a byte-order mark: the high byte of every ASCII character is 0x00 and of every Arabic
# letter 0x06, so one byte position in two is almost only those values and the other almost never.
_UTF16_SAMPLE_BYTES = 1 << 16
_UTF16_HIGH_BYTES = (0x00, 0x06)
_UTF16_MIN_HIGH_SHARE = 0.5
_UTF16_MAX_LOW_SHARE = 0.05

# A UTF-8 reading is kept, with U+FFFD for the bytes that do not decode (a stray 0xFF, a cut character),
# when more multi-byte characters decode than bytes fail, and the bytes that fail are few: at most this
# share of all bytes, or of the non-ASCII sequences (a short text, or a Latin one with few accents).
_MAX_BAD_SHARE_OF_BYTES = 0.01
_MAX_BAD_SHARE_OF_NON_ASCII = 0.05
# Arabic words (two letters or more) are counted in this many characters of each reading.
_EVIDENCE_CHARS = 1 << 20
_ARABIC_WORD = re.compile("[\u0621-\u063a\u0641-\u064a]{2,}")


def sniff_binary(data: bytes) -> str | None:
    """The name of the binary format `data` starts with, if any."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    return None


@dataclass(frozen=True)
class DecodedText:
    """Text read from bytes: the encoding it was read in, and what was stripped or replaced on the way."""

    text: str
    encoding: str  # as listed in the module's docstring
    notes: tuple[str, ...] = ()


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode article bytes; returns (text, encoding name, as listed in the module's docstring)."""
    decoded = decode(data)
    return decoded.text, decoded.encoding


def decode(data: bytes) -> DecodedText:
    """Decode article bytes, noting what was stripped (padding NULs, stray control characters) or
    replaced (bytes that are not UTF-8).

    Raises RejectedInput: empty_file (nothing but white space or NUL bytes), binary_content,
    undecodable.
    """
    if not data.strip():
        raise RejectedInput(Reason.EMPTY_FILE, "the file is empty or holds only white space")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                if encoding == "utf-8-sig":  # declared UTF-8: a few bad bytes are replaced, no more
                    return _utf8_with_replacements(data[len(bom) :], "starts with a UTF-8 byte-order mark")
                raise RejectedInput(
                    Reason.UNDECODABLE,
                    f"starts with a {encoding} byte-order mark but is not {encoding}: {exc}",
                ) from exc
            return _checked(text, "utf-16" if encoding == "utf-16" else UTF8)
    binary = sniff_binary(data)
    if binary is not None:
        raise RejectedInput(Reason.BINARY_CONTENT, f"this is a {binary}, not text")
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return _decode_utf16(data, utf16)
    body = data.rstrip(b"\x00")
    notes = []
    if len(body) < len(data):
        if not body.strip():
            raise RejectedInput(Reason.EMPTY_FILE, "the file holds only NUL bytes and white space: no text")
        notes.append(f"{_count(len(data) - len(body), 'NUL byte')} at the end stripped (padding)")
    inner = body.count(0)
    if inner > _MAX_NUL_SHARE * len(body):
        raise RejectedInput(
            Reason.BINARY_CONTENT,
            f"{_count(inner, 'NUL byte')} in {len(body):,} bytes: binary data, not text",
        )
    if inner:
        notes.append(f"{_count(inner, 'NUL byte')} inside the text stripped")
        body = body.replace(b"\x00", b"")
    try:
        decoded = _checked(body.decode("utf-8"), UTF8)
    except UnicodeDecodeError:
        decoded = _decide_8bit(body)
    return DecodedText(decoded.text, decoded.encoding, (*notes, *decoded.notes))


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _utf16_without_bom(data: bytes) -> str | None:
    """`utf-16-le` or `utf-16-be` when the bytes have the pattern of UTF-16 text, else None."""
    sample = data[:_UTF16_SAMPLE_BYTES]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_high = sum(even.count(b) for b in _UTF16_HIGH_BYTES) / len(even)
    odd_high = sum(odd.count(b) for b in _UTF16_HIGH_BYTES) / len(odd)
    if odd_high >= _UTF16_MIN_HIGH_SHARE and even_high <= _UTF16_MAX_LOW_SHARE:
        return "utf-16-le"
    if even_high >= _UTF16_MIN_HIGH_SHARE and odd_high <= _UTF16_MAX_LOW_SHARE:
        return "utf-16-be"
    return None


def _decode_utf16(data: bytes, codec: str) -> DecodedText:
    looks = f"looks like {codec.upper()} without a byte-order mark (NUL bytes in alternating positions)"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise RejectedInput(
            Reason.UNDECODABLE, f"{looks} but does not decode as {codec.upper()}: {exc.reason}"
        ) from exc
    try:
        return _checked(text, codec)
    except RejectedInput as exc:
        if exc.reason is Reason.EMPTY_FILE:
            raise
        raise RejectedInput(Reason.UNDECODABLE, f"{looks} but is not text: {exc.message}") from exc


def _decide_8bit(data: bytes) -> DecodedText:
    """Bytes that are not valid UTF-8: UTF-8 with a few bytes replaced, or Windows-1256, on evidence."""
    as_utf8 = _read_utf8(data)
    as_1256 = data.decode("windows-1256", "replace")
    arabic_utf8 = _arabic_words(as_utf8.text)
    if _arabic_words(as_1256) > arabic_utf8:
        return _checked(as_1256, WINDOWS_1256)
    if as_utf8.repairable:
        return _replaced(as_utf8)
    if not arabic_utf8 and as_utf8.multibyte < as_utf8.bad:
        # No Arabic either way and hardly any UTF-8: 8-bit text such as French in Windows-1256.
        return _checked(as_1256, WINDOWS_1256)
    raise RejectedInput(
        Reason.UNDECODABLE,
        f"reads as UTF-8 but {as_utf8.bad:,} bytes do not decode (too many to replace), "
        "and it does not read as Windows-1256 either",
    )


def _utf8_with_replacements(data: bytes, declared: str) -> DecodedText:
    reading = _read_utf8(data)
    if not reading.repairable:
        raise RejectedInput(
            Reason.UNDECODABLE,
            f"{declared} but {reading.bad:,} bytes do not decode as UTF-8 (too many to replace)",
        )
    return _replaced(reading)


def _replaced(reading: _Utf8Reading) -> DecodedText:
    decoded = _checked(reading.text, UTF8_REPLACED)
    note = f"{_count(reading.bad, 'byte')} not UTF-8 replaced by U+FFFD"
    return DecodedText(decoded.text, decoded.encoding, (note, *decoded.notes))


@dataclass(frozen=True)
class _Utf8Reading:
    """Bytes read as UTF-8 with U+FFFD for what does not decode, and the evidence for and against it."""

    text: str
    size: int  # bytes read
    bad: int  # bytes that do not decode
    multibyte: int  # characters of two bytes or more that do

    @property
    def repairable(self) -> bool:
        """More characters decode than bytes fail, and the bytes that fail are few."""
        few = max(
            _MAX_BAD_SHARE_OF_BYTES * self.size,
            _MAX_BAD_SHARE_OF_NON_ASCII * (self.multibyte + self.bad),
        )
        return self.multibyte > self.bad and self.bad <= few


def _read_utf8(data: bytes) -> _Utf8Reading:
    text = data.decode("utf-8", "replace")
    bad = len(data) - len(data.decode("utf-8", "ignore").encode("utf-8"))
    multibyte = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    return _Utf8Reading(text, len(data), bad, multibyte)


def _arabic_words(text: str) -> int:
    return sum(1 for _ in _ARABIC_WORD.finditer(text, 0, _EVIDENCE_CHARS))


def _checked(text: str, encoding: str) -> DecodedText:
    """`text` if it reads as text (not only white space, and not riddled with control characters), with
    the few stray control characters it holds stripped and noted."""
    if not text.strip():
        raise RejectedInput(Reason.EMPTY_FILE, "the file holds only white space")
    controls = _CONTROL.findall(text)
    if len(controls) > _MAX_CONTROL_SHARE * len(text):
        raise RejectedInput(Reason.UNDECODABLE, f"{len(controls)} control characters: binary data, not text")
    if not controls:
        return DecodedText(text, encoding)
    text = _CONTROL.sub("", text)
    if not text.strip():
        raise RejectedInput(Reason.EMPTY_FILE, "the file holds only white space and control characters")
    kinds = ", ".join(f"U+{ord(c):04X}" for c in sorted(set(controls)))
    return DecodedText(text, encoding, (f"{_count(len(controls), 'control character')} stripped ({kinds})",))
