"""Offline language guess from the script of the letters: ar, en or other."""

from __future__ import annotations

_SAMPLE_CHARS = 4000


def detect_language(text: str) -> str:
    arabic = latin = other = 0
    for ch in text[:_SAMPLE_CHARS]:
        if not ch.isalpha():
            continue
        code = ord(ch)
        if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFF:
            arabic += 1
        elif ch.isascii():
            latin += 1
        else:
            other += 1
    letters = arabic + latin + other
    if letters == 0:
        return "other"
    if arabic / letters >= 0.5:
        return "ar"
    if latin / letters >= 0.5:
        return "en"
    return "other"
