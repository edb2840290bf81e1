"""Hostile and unlucky files (issue 11, the parsing side): archive bombs, unsafe member names, broken
or unmarked encodings, JSON nested to exhaust the stack, and a `marsad ingest` that must outlive them.

Every hostile file is generated here, small: the limits are made small to show the principle.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import random
import subprocess
import sys
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest
from sqlalchemy import select

from db.models import Document
from db.session import Database
from tests.conftest import REPO, marsad, service_env
from tests.helpers import ARTICLES, RecordingQueue, document_counts, gzip_bytes, jsonl_articles, zip_bytes
from workers.errors import Reason, RejectedInput
from workers.ingest.decode import decode_text
from workers.ingest.formats import MAX_ZIP_MEMBERS, Limits, parse_file
from workers.ingest.inbox import Ingestor
from workers.settings import Settings

TEXT = ARTICLES["visit"]
FRENCH = (
    "Tunis - Le ministère de l'Agriculture a annoncé mercredi l'inauguration d'une station de "
    "dessalement à Sfax, dont la capacité atteindra bientôt cent mille mètres cubes par jour."
)


def wire_copy(count: int, seed: int = 7) -> str:
    """`count` lines of team-written wire copy, varied so that they compress like real text."""
    rng = random.Random(seed)
    cities = ["بغداد", "دمشق", "بيروت", "عمّان", "الرياض", "الدوحة", "مسقط", "الكويت", "المنامة", "تونس"]
    subjects = ["وزير الخارجية", "رئيس الوزراء", "وفد برلماني", "وزير الطاقة", "محافظ البنك المركزي"]
    verbs = ["يصل إلى", "يغادر", "يستقبل وفداً من", "يبحث مع نظيره في", "يفتتح معرضاً في"]
    return "\n".join(
        f"{rng.choice(cities)} - {rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(cities)} "
        f"اليوم في زيارة رقم {rng.randrange(10_000)} تستمر {rng.randrange(2, 9)} أيام."
        for _ in range(count)
    )


def reason_of(name: str, data: bytes, limits: Limits) -> RejectedInput:
    with pytest.raises(RejectedInput) as caught:
        parse_file(name, data, limits)
    return caught.value


# -- 1. archive limits count every unpacked byte ---------------------------------------------------


def test_parse_file_zip_counts_unpacked_bytes_over_all_members() -> None:
    # The red team's bomb in small: six .jsonl.gz members, each unpacking within the limit on its own.
    member = jsonl_articles(60)
    limits = Limits(max_bytes=3 * len(member), max_article_chars=10_000)
    archive = zip_bytes({f"feed{n}.jsonl.gz": gzip_bytes(member) for n in range(6)})
    assert len(archive) < limits.max_bytes
    error = reason_of("bundle.zip", archive, limits)
    assert error.reason is Reason.OVERSIZE
    assert "unpacked bytes exceeded the limit" in error.message


def test_parse_file_zip_counts_the_bytes_of_every_nesting_level() -> None:
    story = wire_copy(60).encode()
    packed = gzip.compress(story)
    # The .gz unpacks within the limit, but the zip member (the .gz itself) had to be unpacked first.
    limits = Limits(max_bytes=len(story) + len(packed) // 2, max_article_chars=100_000)
    error = reason_of("bundle.zip", zip_bytes({"story.txt.gz": packed}), limits)
    assert error.reason is Reason.OVERSIZE
    assert "story.txt.gz" in error.message


def test_parse_file_zip_within_the_limit_over_all_levels_is_read() -> None:
    member = jsonl_articles(20)
    archive = zip_bytes({f"feed{n}.jsonl.gz": gzip_bytes(member) for n in range(3)})
    parsed = parse_file("bundle.zip", archive, Limits(max_bytes=7 * len(member), max_article_chars=10_000))
    assert len(parsed.articles) == 60 and parsed.rejections == ()


def _gzip_of_zeros(megabytes: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: a gzip header and trailer
    block = bytes(1 << 20)
    return b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()


@pytest.mark.parametrize("where", ["top", "in-zip"])
def test_parse_file_stops_unpacking_as_soon_as_the_limit_is_passed(where: str) -> None:
    bomb = _gzip_of_zeros(64)  # 64 MB of zeros in about 64 KB
    name, data = ("bomb.txt.gz", bomb) if where == "top" else ("bundle.zip", zip_bytes({"bomb.txt.gz": bomb}))
    limits = Limits(max_bytes=1 << 20, max_article_chars=100_000)
    tracemalloc.start()
    try:
        error = reason_of(name, data, limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert error.reason is Reason.OVERSIZE
    assert peak < 4 * limits.max_bytes  # read in chunks: never the whole 64 MB


@pytest.mark.parametrize(
    "unsafe",
    ["../evil.txt", "reports/../../evil.txt", "/etc/evil.txt", "..\\evil.txt", "C:/evil.txt", "../up/"],
    ids=["parent", "parent-inside", "absolute", "backslash-parent", "drive", "parent-folder"],
)
def test_parse_file_zip_refuses_member_names_that_leave_the_archive(unsafe: str) -> None:
    archive = zip_bytes({"ok.txt": TEXT.encode(), unsafe: ARTICLES["call"].encode()})
    parsed = parse_file("bundle.zip", archive, Limits(1_000_000, 100_000))
    assert [a.member for a in parsed.articles] == ["ok.txt"]
    assert [(r.member, r.reason) for r in parsed.rejections] == [(unsafe, "unsafe_path")]
    assert repr(unsafe) in parsed.rejections[0].message


# -- 2. encodings decided on evidence --------------------------------------------------------------


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8], ids=["no-bom", "utf8-bom"])
def test_decode_text_reads_utf8_with_a_stray_byte_as_utf8_with_a_replacement(bom: bytes) -> None:
    head, tail = TEXT.split(" في ", 1)
    data = bom + head.encode() + b" \xff" + " في ".encode() + tail.encode()
    text, encoding = decode_text(data)
    assert text == f"{head} \ufffd في {tail}"
    assert encoding == "utf-8+replace"


def _corrupt_every(data: bytes, step: int) -> bytes:
    return bytes(0xFF if n % step == 0 else b for n, b in enumerate(data))


@pytest.mark.parametrize(
    ("data", "encoding", "expected"),
    [
        (TEXT.encode("windows-1256"), "windows-1256", TEXT),
        (TEXT.encode("windows-1256") + " — café".encode(), "windows-1256", None),
        (b"\xfe".join(line.encode() for line in TEXT.split("\n")), "utf-8+replace", None),
        (FRENCH.encode("windows-1256"), "windows-1256", FRENCH),
        (FRENCH.encode("utf-8") + b"\x92", "utf-8+replace", FRENCH + "\ufffd"),
    ],
    ids=[
        "arabic-1256",
        "arabic-1256-with-a-utf8-tail",
        "utf8-stray-bytes",
        "french-1256",
        "french-utf8-stray",
    ],
)
def test_decode_text_decides_between_utf8_and_windows_1256_on_evidence(
    data: bytes, encoding: str, expected: str | None
) -> None:
    text, found = decode_text(data)
    assert found == encoding
    if expected is not None:
        assert text == expected
    if encoding == "windows-1256":
        assert text.startswith(TEXT.split()[0]) or text.startswith("Tunis")


@pytest.mark.parametrize("bom", [b"", codecs.BOM_UTF8], ids=["no-bom", "utf8-bom"])
def test_decode_text_refuses_utf8_too_broken_to_repair(bom: bytes) -> None:
    with pytest.raises(RejectedInput) as caught:
        decode_text(bom + _corrupt_every(TEXT.encode(), 5))
    assert caught.value.reason is Reason.UNDECODABLE
    assert "UTF-8" in caught.value.message


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (TEXT, "utf-16-le"),
        (TEXT, "utf-16-be"),
        ("وزيرالخارجيةيصلإلىالقاهرة" * 4, "utf-16-le"),
        ("Tunis - the ministry opened a desalination plant in Sfax.", "utf-16-le"),
    ],
    ids=["arabic-le", "arabic-be", "arabic-letters-only-le", "english-le"],
)
def test_decode_text_reads_utf16_without_a_byte_order_mark(text: str, codec: str) -> None:
    assert decode_text(text.encode(codec)) == (text, codec)


@pytest.mark.parametrize(
    "data",
    [TEXT.encode("utf-16-le")[:-1], TEXT.encode("utf-16-le") + b"\x00\xd8" + "نص".encode("utf-16-le")],
    ids=["cut-short", "lone-surrogate"],
)
def test_decode_text_refuses_broken_utf16_as_utf16_not_binary(data: bytes) -> None:
    with pytest.raises(RejectedInput) as caught:
        decode_text(data)
    assert caught.value.reason is Reason.UNDECODABLE
    assert "UTF-16" in caught.value.message


def test_ingest_stores_the_encoding_decision_on_each_document(settings: Settings, database: Database) -> None:
    settings.inbox_dir.mkdir(parents=True)
    files = {
        "stray.txt": TEXT.encode().replace(" في ".encode(), b" \xff "),
        "legacy.txt": ARTICLES["call"].encode("windows-1256"),
        "wide.txt": ARTICLES["protest"].encode("utf-16-le"),
    }
    ingestor = Ingestor(settings, database, RecordingQueue())
    for name, data in files.items():
        (settings.inbox_dir / name).write_bytes(data)
        ingestor.ingest(settings.inbox_dir / name)
    with database.session() as session:
        stored = session.execute(
            select(Document.encoding, Document.raw_content, Document.status).order_by(Document.id)
        ).all()
    assert [(row.encoding, row.status) for row in stored] == [
        ("utf-8+replace", "queued"),
        ("windows-1256", "queued"),
        ("utf-16-le", "queued"),
    ]
    assert stored[0].raw_content == TEXT.replace(" في ", " \ufffd ")
    assert [row.raw_content for row in stored[1:]] == [ARTICLES["call"], ARTICLES["protest"]]


# -- 3. deep JSON ----------------------------------------------------------------------------------


def _nested(depth: int, opening: str = "[") -> str:
    closing = {"[": "]", "{": "}"}[opening]
    inner = '{"text": "نص"}'
    if opening == "{":
        return '{"a": ' * depth + inner + closing * depth
    return opening * depth + inner + closing * depth


@pytest.mark.parametrize(
    ("depth", "opening"),
    [(100_000, "["), (100_000, "{"), (500, "[")],
    ids=["arrays-100000", "objects-100000", "arrays-500"],
)
def test_parse_file_refuses_deep_json_with_its_own_reason(depth: int, opening: str) -> None:
    error = reason_of("deep.json", _nested(depth, opening).encode(), Limits(10_000_000, 100_000))
    assert error.reason == "deep_json"
    assert "nested deeper than" in error.message


def test_parse_file_jsonl_refuses_a_deep_line_alone() -> None:
    good = json.dumps({"text": TEXT}, ensure_ascii=False)
    data = "\n".join([good, _nested(100_000), good.replace("القاهرة", "عمّان")]).encode()
    parsed = parse_file("feed.jsonl", data, Limits(10_000_000, 100_000))
    assert [a.line for a in parsed.articles] == [1, 3]
    assert [(r.line, r.reason) for r in parsed.rejections] == [(2, "deep_json")]
    assert "nested deeper than" in parsed.rejections[0].message


def test_parse_file_json_with_an_endless_string_and_many_brackets_is_bad_json_at_once() -> None:
    # Escaped quotes in a string that never ends: a backtracking scan for depth would take hours.
    data = ('{"text": "' + 'خبر \\"' * 200_000 + "[" * 500).encode()
    assert reason_of("broken.json", data, Limits(10_000_000, 100_000)).reason is Reason.BAD_JSON


def test_parse_file_json_brackets_inside_strings_are_not_depth() -> None:
    text = TEXT + " [" * 5_000 + ' \\" {' * 5_000
    data = json.dumps({"title": "[[[[", "text": text}, ensure_ascii=False).encode()
    (article,) = parse_file("one.json", data, Limits(10_000_000, 100_000)).articles
    assert article.content == text


# -- 4. `marsad ingest` goes on past a bad file ----------------------------------------------------

POISON = "☠"
# `marsad ingest` with a parser that raises on marked files: a bug as the command would meet it.
_FAULTY_INGEST = f"""
import sys
from workers.ingest import inbox
real = inbox.parse_file
def parse_file(name, data, limits):
    if {POISON!r}.encode() in data:
        raise RuntimeError("simulated parser bug")
    return real(name, data, limits)
inbox.parse_file = parse_file
from workers.cli import main
sys.argv = ["marsad", "ingest", *sys.argv[1:]]
main()
"""


def _drop_folder(tmp_path: Path, files: dict[str, bytes]) -> Path:
    folder = tmp_path / "drop"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def test_ingest_command_refuses_deep_json_and_queues_the_rest(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    folder = _drop_folder(
        tmp_path,
        {
            "a.txt": TEXT.encode(),
            "b-deep.json": _nested(100_000).encode(),
            "c.txt": ARTICLES["call"].encode(),
        },
    )
    result = marsad(settings, "ingest", str(folder), check=False)
    assert "Traceback" not in result.stderr
    assert result.returncode == 0
    assert "b-deep.json: rejected, deep_json" in result.stdout
    assert document_counts(database) == {"queued": 2}


def test_ingest_command_reports_a_file_that_raises_and_goes_on(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    folder = _drop_folder(
        tmp_path,
        {
            "a.txt": TEXT.encode(),
            "b.txt": f"{POISON} {ARTICLES['call']}".encode(),
            "c.txt": ARTICLES["protest"].encode(),
        },
    )
    result = subprocess.run(
        [sys.executable, "-c", _FAULTY_INGEST, str(folder)],
        env=service_env(settings),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 1
    stdout = " ".join(result.stdout.split())
    assert "3 file(s): 1 failed, 2 queued; 2 article(s) queued" in stdout
    failed = [line for line in result.stdout.splitlines() if "b.txt" in line]
    assert len(failed) == 1 and "failed" in failed[0] and "simulated parser bug" in failed[0]
    assert document_counts(database).get("queued") == 2


def test_parse_file_refuses_a_zip_listing_more_members_than_it_may_hold() -> None:
    """A few MB listing 100,001 empty members (a zip64 end record: the plain one counts to 65,535):
    refused on its end record, before zipfile builds an object per member."""
    members = MAX_ZIP_MEMBERS + 1
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(members):
            archive.writestr(f"e{number}.txt", b"")
    with pytest.raises(RejectedInput) as refused:
        parse_file("many.zip", buffer.getvalue(), Limits(50_000_000, 2_000_000))
    assert refused.value.reason is Reason.OVERSIZE
    assert f"holds {members:,} members" in refused.value.message
