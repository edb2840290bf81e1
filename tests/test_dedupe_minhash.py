"""`workers.dedupe.minhash` computes datasketch's "affine32" MinHash bit for bit, without datasketch.

Stored signatures and band rows must compare with those computed after any upgrade, so the scheme is
fixed in our code; datasketch (a dev dependency) is the reference it is checked against.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from datasketch import MinHash

from workers.dedupe.minhash import _SEED, NUM_PERM, lead_signature, shingles, signature

TEXTS = [
    "",
    "بيروت",
    "وصل الوفد",
    "وصل وزير الخارجية الى العاصمة في زيارة رسمية يلتقي خلالها كبار المسؤولين",
    "اعلنت وزارة الصحة ان عدد الاصابات ارتفع الى 120 اصابة خلال الساعات الـ24 الماضية في ثلاث محافظات",
    " ".join(f"كلمة{i}" for i in range(400)),  # a long text: many shingles in one batch
]


def _reference(text: str) -> np.ndarray:
    minhash = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme="affine32")
    minhash.update_batch(sorted(shingles(text)))
    return np.asarray(minhash.hashvalues, dtype="<u4")


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_the_signature_equals_datasketchs_affine32(text: str) -> None:
    ours = signature(text)
    assert ours.hashvalues.dtype == np.uint32
    assert ours.hashvalues.shape == (NUM_PERM,)
    assert np.array_equal(ours.hashvalues, _reference(text))
    assert ours.is_empty() == (text == "")


def test_the_opening_signature_reads_the_first_thirty_words_only() -> None:
    opening = " ".join(f"كلمة{i}" for i in range(30))
    whole = signature(opening).hashvalues
    assert np.array_equal(lead_signature(opening + " وما بعدها لا يحسب").hashvalues, whole)
    assert not np.array_equal(signature(opening + " وما بعدها").hashvalues, signature(opening).hashvalues)


def test_the_stage_does_not_load_datasketch_or_scipy() -> None:
    probe = "import sys, workers.tasks; print(sorted({'datasketch', 'scipy'} & set(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"
