"""Calibrate the near-duplicate threshold on the team's labelled pairs (tests/dedupe_pairs.py).

Cleans both articles of every pair as the pipeline does, estimates their MinHash similarity, and prints
precision and recall at each candidate threshold, and the similarity range of each kind of pair.

    .venv/bin/python bench/dedupe_calibration.py [--write DIR]

With --write, the pairs are also written as files with a pairs.jsonl for `marsad similar --pairs`.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.dedupe_pairs import build_pairs, write_pairs  # noqa: E402
from workers.clean import RawDocument, clean_document  # noqa: E402
from workers.dedupe.minhash import found_by_bands, similarity  # noqa: E402
from workers.settings import Settings  # noqa: E402


def normalized(text: str) -> str:
    return clean_document(RawDocument(text, "text/plain")).normalized_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="also write the pairs as files into this folder")
    args = parser.parse_args()
    pairs = build_pairs()
    if args.write:
        print(f"wrote {write_pairs(pairs, args.write)}")
    scored = [(similarity(normalized(p.a), normalized(p.b), 1.0).value, p) for p in pairs]
    positives = sum(p.duplicate for _, p in scored)
    print(f"{len(scored)} pairs: {positives} duplicates, {len(scored) - positives} not")
    ranges: dict[tuple[bool, str], list[float]] = defaultdict(list)
    for value, pair in scored:
        ranges[(pair.duplicate, pair.kind)].append(value)
    print("\nkind                           pairs   min    max")
    for (duplicate, kind), values in sorted(ranges.items()):
        label = f"{'dup' if duplicate else 'not'}: {kind}"
        print(f"{label:<30} {len(values):>5}  {min(values):.3f}  {max(values):.3f}")
    print("\nthreshold  precision  recall")
    for step in range(10, 95, 5):
        threshold = step / 100
        tp = sum(1 for v, p in scored if v >= threshold and p.duplicate)
        fp = sum(1 for v, p in scored if v >= threshold and not p.duplicate)
        precision = tp / (tp + fp) if tp + fp else 1.0
        print(f"{threshold:>9.2f}  {precision:>9.3f}  {tp / positives:>6.3f}")
    # What the stage decides: a pair is compared only when the LSH bands make it a candidate.
    default = Settings.model_fields["dedupe_threshold"].default
    banded = [(found_by_bands(normalized(p.a), normalized(p.b)), v, p) for v, p in scored]
    tp = sum(1 for band, v, p in banded if band and v >= default and p.duplicate)
    fp = sum(1 for band, v, p in banded if band and v >= default and not p.duplicate)
    candidates = sum(1 for band, _, p in banded if band and p.duplicate)
    print(
        f"\nthrough the LSH bands at {default:.2f}: {candidates} of {positives} republications are "
        f"candidates; precision {tp / (tp + fp) if tp + fp else 1.0:.3f}, recall {tp / positives:.3f}; "
        f"{sum(1 for band, _, p in banded if band and not p.duplicate)} other pairs are candidates"
    )


if __name__ == "__main__":
    main()
