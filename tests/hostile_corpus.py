"""A deterministic corpus of hostile files for the inbox: names, encodings, archives, sizes, kinds.

Used by the fuzz test (a few hundred files) and by `bench/hostile_fuzz.py` (10,000 and more). Every
file is made here from team-written text; links point at a canary file outside the inbox, whose
marker must never reach the database.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.helpers import ARTICLES

CANARY = "CANARY-7f3c-outside-the-inbox"
_BODIES = list(ARTICLES.values())


@dataclass(frozen=True)
class Dropped:
    path: Path
    kind: str


def article(rng: random.Random, n: int) -> str:
    # Distinct bytes for each file, so that dedupe does not hide what the watcher did with it.
    return f"{rng.choice(_BODIES)}\nوأفاد المصدر في البيان رقم {n} بأن المشاورات ستتواصل."


def _jsonl(rng: random.Random, n: int, *, bad: bool, final_newline: bool) -> bytes:
    lines = [json.dumps({"title": f"خبر {n}-{i}", "text": article(rng, n * 100 + i)}) for i in range(5)]
    if bad:
        lines.insert(2, '{"title": "مقطوع", "text": ')
    data = "\n".join(lines).encode("utf-8")
    return data + b"\n" if final_newline else data


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _bomb(size: int) -> bytes:
    return gzip.compress(b"\0" * size, compresslevel=9)


Maker = Callable[[random.Random, int, int], tuple[str, bytes]]


def _makers(max_bytes: int) -> dict[str, Maker]:
    """Kind → function (rng, n, max_bytes) → (suffix, bytes)."""
    return {
        "utf8_text": lambda rng, n, _: (".txt", article(rng, n).encode("utf-8")),
        "utf8_with_ff": lambda rng, n, _: (
            ".txt",
            article(rng, n).encode("utf-8").replace(b" ", b" \xff ", 1),
        ),
        "cp1256_text": lambda rng, n, _: (".txt", article(rng, n).encode("cp1256")),
        "utf16le_no_bom": lambda rng, n, _: (".txt", article(rng, n).encode("utf-16-le")),
        "utf16_bom": lambda rng, n, _: (".txt", article(rng, n).encode("utf-16")),
        "trailing_nul": lambda rng, n, _: (".txt", article(rng, n).encode("cp1256") + b"\0"),
        "random_bytes": lambda rng, n, _: (".txt", rng.randbytes(rng.randint(1, 4000))),
        "empty": lambda rng, n, _: (".txt", b""),
        "html": lambda rng, n, _: (
            ".html",
            f"<html><head><title>خبر {n}</title></head><body><p>{article(rng, n)}</p></body></html>".encode(),
        ),
        "json": lambda rng, n, _: (
            ".json",
            json.dumps({"title": f"خبر {n}", "text": article(rng, n)}).encode(),
        ),
        "deep_json": lambda rng, n, _: (".json", b"[" * 100_000 + b"]" * 100_000),
        "jsonl_bad_lines": lambda rng, n, _: (".jsonl", _jsonl(rng, n, bad=True, final_newline=True)),
        "jsonl_no_newline": lambda rng, n, _: (".jsonl", _jsonl(rng, n, bad=False, final_newline=False)),
        "gz_text": lambda rng, n, _: (".txt.gz", gzip.compress(article(rng, n).encode("utf-8"))),
        "gz_truncated": lambda rng, n, _: (".txt.gz", gzip.compress(article(rng, n).encode("utf-8"))[:-9]),
        "gz_bomb": lambda rng, n, limit: (".txt.gz", _bomb(limit * 2)),
        "zip_articles": lambda rng, n, _: (
            ".zip",
            _zip({f"a{i}.txt": article(rng, n * 10 + i).encode("utf-8") for i in range(3)}),
        ),
        "zip_traversal": lambda rng, n, _: (
            ".zip",
            _zip({"../escape.txt": article(rng, n).encode(), "/abs.txt": article(rng, n + 1).encode()}),
        ),
        "zip_of_bombs": lambda rng, n, limit: (
            ".zip",
            _zip({f"b{i}.jsonl.gz": _bomb(limit) for i in range(3)}),
        ),
        "zip_truncated": lambda rng, n, _: (".zip", _zip({"a.txt": article(rng, n).encode()})[:-30]),
        "oversize": lambda rng, n, limit: (".txt", ("س" * (limit // 2 + 10)).encode("utf-8")),
        "unknown_type": lambda rng, n, _: (".exe", b"MZ" + rng.randbytes(200)),
    }


_SPECIAL_KINDS = ("fifo", "link_outside", "link_passwd", "link_dangling", "link_to_folder")
_NAME_STYLES = ("plain", "not_utf8", "newline", "long", "spaces", "rtl_mark", "leading_dash", "subfolder")


def _name(rng: random.Random, n: int, suffix: str) -> tuple[bytes, str]:
    style = rng.choice(_NAME_STYLES)
    stem = f"f{n:06d}".encode()
    if style == "not_utf8":
        stem += b"-\xff\xfe"
    elif style == "newline":
        stem += b"\nreason: forged"
    elif style == "long":
        stem += ("خبر" * 60).encode()[: 250 - len(stem) - len(suffix.encode())]
    elif style == "spaces":
        stem += " خبر عاجل ".encode()
    elif style == "rtl_mark":
        stem += "\u200f\u202e".encode()
    elif style == "leading_dash":
        stem = b"-" + stem
    return stem + suffix.encode(), style


def make_corpus(
    inbox: Path, staging: Path, outside: Path, count: int, *, max_bytes: int, seed: int = 7
) -> list[Dropped]:
    """Write `count` hostile entries into `staging`, then move each into `inbox` (some in subfolders).

    Returns what was dropped, with the path it has in the inbox.
    """
    rng = random.Random(seed)
    makers = _makers(max_bytes)
    kinds = list(makers) + list(_SPECIAL_KINDS)
    canary = outside / "canary.txt"
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "folder").mkdir(exist_ok=True)
    canary.write_text(f"{ARTICLES['visit']}\n{CANARY}\n", encoding="utf-8")
    staging.mkdir(parents=True, exist_ok=True)
    dropped: list[Dropped] = []
    for n in range(count):
        kind = kinds[n % len(kinds)] if n < len(kinds) else rng.choice(kinds)
        suffix, data = makers[kind](rng, n, max_bytes) if kind in makers else (".txt", b"")
        raw_name, style = _name(rng, n, suffix)
        folder = os.fsencode(inbox / f"sub{n % 7}") if style == "subfolder" else os.fsencode(inbox)
        os.makedirs(folder, exist_ok=True)
        staged = os.path.join(os.fsencode(staging), raw_name)
        if kind == "fifo":
            os.mkfifo(staged)
        elif kind == "link_outside":
            os.symlink(canary, staged)
        elif kind == "link_passwd":
            os.symlink("/etc/passwd", staged)
        elif kind == "link_dangling":
            os.symlink(outside / "missing.txt", staged)
        elif kind == "link_to_folder":
            os.symlink(outside / "folder", staged)
        else:
            with open(staged, "wb") as handle:
                handle.write(data)
        final = os.path.join(folder, raw_name)
        os.rename(staged, final)
        dropped.append(Dropped(Path(os.fsdecode(final)), kind))
    return dropped


def left_in_inbox(inbox: Path, excluded: tuple[Path, ...]) -> list[Path]:
    """Every non-folder entry still in the inbox, outside processed/ and rejected/."""
    left = []
    for root, folders, files in os.walk(inbox):
        folders[:] = [f for f in folders if Path(root, f) not in excluded]
        left.extend(Path(root, name) for name in files)
        left.extend(Path(root, f) for f in folders if os.path.islink(os.path.join(root, f)))
    return left
