"""Near-duplicate similarity: MinHash over word shingles of an article's normalised text.

Republished wire copy differs from its original by a headline, a dropped or added paragraph, a byline or
web furniture, and by spelling (أ/ا، ى/ي، ة/ه, diacritics), which the normalised text already removes.
Three-word shingles of that text, MinHashed with a fixed seed, estimate the Jaccard similarity of two
articles. The LSH index cuts a signature into BANDS bands of ROWS values; two articles that agree on
every value of one band are candidates, and a candidate is confirmed by its estimated similarity.

The signature is computed here with numpy, by the scheme datasketch 2.0 calls "affine32" (SHA-1's first 32
bits of each shingle, MurmurHash3's finaliser, then h -> a*h + b mod 2^32 with odd a): the same values bit
for bit, as `tests/test_dedupe_minhash.py` checks against datasketch itself. The scheme is fixed here
because stored signatures and band rows must compare with tomorrow's: datasketch 1.x computes another
scheme by default, and importing datasketch loads SciPy (about 60 MB a process) for its LSH classes, which
the stage does not use.

A short wire item that is the lead of a longer story shares little of the longer text (similarity 0.05-0.3)
but most of its opening. A second signature, of the first LEAD_WORDS words only (`lead_signature`), is cut
into LEAD_BANDS more bands, so that such pairs are candidates too; the decision then reads how much of the
opening they share (`workers.dedupe.decision`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np

__all__ = [
    "BANDS",
    "LEAD_BANDS",
    "LEAD_ROWS",
    "LEAD_WORDS",
    "NUM_PERM",
    "ROWS",
    "SHINGLE_WORDS",
    "Signature",
    "Similarity",
    "band_hashes",
    "estimate",
    "found_by_bands",
    "from_bytes",
    "lead_signature",
    "shingles",
    "signature",
    "similarity",
    "to_bytes",
]

NUM_PERM = 128  # permutations: a standard error of about 0.04 on the estimated Jaccard similarity
SHINGLE_WORDS = 3
_SEED = 20_261_122  # fixed: signatures stored today must compare with those computed tomorrow
_WORDS = re.compile(r"\w+")
# LSH: 42 bands of 3 values (126 of the 128). Two articles are candidates with probability
# 1 - (1 - s^3)^42: 0.94 at s = 0.40 (the threshold), 0.999 at 0.53 (the lowest republication of the
# labelled set), 0.005 at 0.05 (the highest pair of different articles). Changing them re-indexes.
BANDS = 42
ROWS = 3
# The opening: its first 30 words (about the first sentence of a wire lead). 30 bands of 3 values of its
# signature: candidates with probability 0.96 when the two openings are 0.47 similar (the lowest lead of a
# longer story in the labelled set), 0.21 at 0.2 (two items of one agency on one day share a dateline and
# a title formula), 0.03 at 0.1. Their buckets are band numbers BANDS.. BANDS + LEAD_BANDS - 1.
LEAD_WORDS = 30
LEAD_BANDS = 30
LEAD_ROWS = 3


_EMPTY = np.uint32(0xFFFFFFFF)  # a value no shingle is given below: the signature of nothing


def _permutations(seed: int, count: int) -> tuple[np.ndarray, np.ndarray]:
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, count, dtype=np.uint32) * np.uint32(2) + np.uint32(1)  # odd
    b = generator.randint(0, 1 << 32, count, dtype=np.uint32)
    return a, b


_A, _B = _permutations(_SEED, NUM_PERM)


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser: spreads the bits of each value (a bijection)."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    mixed: np.ndarray = values ^ (values >> np.uint32(16))
    return mixed


@dataclass(frozen=True, eq=False)
class Signature:
    """A MinHash signature: for each of NUM_PERM permutations, the least permuted shingle hash."""

    hashvalues: np.ndarray  # NUM_PERM uint32 values

    def is_empty(self) -> bool:
        """Whether the text had no shingle (every value still the empty mark)."""
        return bool(np.all(self.hashvalues == _EMPTY))


def _minhash(items: list[bytes]) -> Signature:
    if not items:
        return Signature(np.full(NUM_PERM, _EMPTY, dtype=np.uint32))
    hashes = np.fromiter(
        (int.from_bytes(hashlib.sha1(item).digest()[:4], "little") for item in items),
        dtype=np.uint32,
        count=len(items),
    )
    permuted = _fmix32(hashes).reshape(-1, 1) * _A + _B  # wraps modulo 2^32
    return Signature(permuted.min(axis=0))


@dataclass(frozen=True)
class Similarity:
    value: float  # estimated Jaccard similarity of the two articles' shingle sets, 0..1
    duplicate: bool  # value at or above the threshold


def shingles(normalized_text: str, size: int = SHINGLE_WORDS) -> set[bytes]:
    """The set of `size`-word shingles of a text (the whole text as one shingle when it is shorter)."""
    words = _WORDS.findall(normalized_text)
    if len(words) <= size:
        return {" ".join(words).encode("utf-8")} if words else set()
    return {" ".join(words[i : i + size]).encode("utf-8") for i in range(len(words) - size + 1)}


def signature(normalized_text: str) -> Signature:
    """The MinHash signature of a text: NUM_PERM 32-bit values, comparable across processes."""
    return _minhash(sorted(shingles(normalized_text)))


def lead_signature(normalized_text: str) -> Signature:
    """The MinHash signature of a text's opening, its first LEAD_WORDS words."""
    return signature(" ".join(_WORDS.findall(normalized_text)[:LEAD_WORDS]))


def to_bytes(minhash: Signature) -> bytes:
    """The stored form of a signature: NUM_PERM little-endian 32-bit values (512 bytes)."""
    return bytes(minhash.hashvalues.astype("<u4").tobytes())


def from_bytes(stored: bytes) -> np.ndarray:
    """The hash values of a stored signature."""
    values = np.frombuffer(stored, dtype="<u4")
    if values.size != NUM_PERM:
        raise ValueError(f"a stored signature holds {NUM_PERM} values, not {values.size}")
    return values


def estimate(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures' texts: the share of equal values."""
    return float(np.mean(a == b))


def band_hashes(minhash: Signature, lead: Signature | None = None) -> list[int]:
    """The LSH buckets of an article: those of its signature's BANDS bands, then those of its opening's
    LEAD_BANDS bands when `lead` is given; each a signed 64-bit hash of the band's number and values."""
    hashes = _buckets(minhash, range(BANDS), ROWS)
    if lead is not None and not lead.is_empty():
        hashes += _buckets(lead, range(BANDS, BANDS + LEAD_BANDS), LEAD_ROWS)
    return hashes


def _buckets(minhash: Signature, numbers: range, rows: int) -> list[int]:
    values = minhash.hashvalues.astype("<u4")
    hashes = []
    for i, band in enumerate(numbers):
        chunk = values[i * rows : (i + 1) * rows].tobytes()
        digest = hashlib.blake2b(band.to_bytes(2, "little") + chunk, digest_size=8).digest()
        hashes.append(int.from_bytes(digest, "little", signed=True))
    return hashes


def found_by_bands(a: str, b: str) -> bool:
    """Whether the LSH index makes one normalised text a candidate of the other (they share a bucket)."""
    first, second = signature(a), signature(b)
    if first.is_empty() or second.is_empty():
        return False
    ours = band_hashes(first, lead_signature(a))
    return not set(ours).isdisjoint(band_hashes(second, lead_signature(b)))


def similarity(a: str, b: str, threshold: float) -> Similarity:
    """The estimated similarity of two normalised texts and whether it makes them duplicates."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    first, second = signature(a), signature(b)
    if first.is_empty() or second.is_empty():
        value = 1.0 if first.is_empty() and second.is_empty() else 0.0
    else:
        value = estimate(first.hashvalues, second.hashvalues)
    return Similarity(round(value, 3), value >= threshold)
