"""Near-duplicates on real republication: the team's labelled pairs, and how the stage does on them.

`../shared/dev/republications.jsonl.gz` holds 4,000 real Saudi articles (July-August 2015), many of
them wire copy republished by several papers, and templated items filled with different facts. From
it, `--draw` picks the pairs to judge: every pair of articles sharing at least two 3-word shingles is
scored by exact Jaccard similarity of the shingle sets (of the cleaned, normalised text, as the stage
sees it), and 46 pairs are drawn at random from each tenth of similarity from 0.1 to 1.0, plus 40
below 0.1 whose smaller text is at least 30 % contained in the other (short items that may be the lead
of a longer story). Each pair falls in half `a` or `b` by a hash of its ids.

The judgements (read both texts in full, by readers who did not tune the stage) are in
`bench/dedupe_real_pairs.jsonl`: ids, label (`duplicate` / `distinct`), kind and a note, no text.
Without `--draw`, the script scores the stage on them: MinHash similarity at the configured threshold,
precision and recall per half, per similarity bin and per kind, and the threshold that half `a` would
choose, reported on half `b`.

With `--decision`, it scores instead the one decision of `workers.dedupe.decision` (similarity,
containment and where the shared passage lies, and the facts of the titles and leads compared by
`workers.dedupe.facts`), pair by pair, on one half: `a` (the half its rules were chosen on, the default)
or `b` (the half kept for reporting, to be read once).

A second judged set, `bench/dedupe_audit_pairs.jsonl`, audits the stage where it is least sure: 80 pairs
of the same articles (none of them in the first set) drawn at random from the stage's own candidates,
45 it linked at similarity below 0.6 or as the lead of a longer story and 35 it kept apart for
conflicting facts or as a side part (`drawn_as`), each judged blind by a reader who did not write the
rules. `--audit 1` scores the decision on it; its errors are for improving the rules, like half a's.
`bench/dedupe_audit2_pairs.jsonl` is a second audit, drawn the same way after the rules were changed
and judged by another reader: `--audit 2` scores it. Like half b it is held out: score it, do not
read its errors to write a rule.

    .venv/bin/python -m bench.dedupe_real_pairs            # score the stage on the judged pairs
    .venv/bin/python -m bench.dedupe_real_pairs --decision [--stage] [--half a|b] [--errors]
    .venv/bin/python -m bench.dedupe_real_pairs --decision --audit 1|2 [--stage] [--errors]
    .venv/bin/python -m bench.dedupe_real_pairs --draw OUT # draw the pairs again (ids only)
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import random
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from workers.clean import RawDocument, clean_document  # noqa: E402
from workers.dedupe.decision import decide, passage  # noqa: E402
from workers.dedupe.facts import StoryFacts, compare_facts, story_facts  # noqa: E402
from workers.dedupe.minhash import found_by_bands, shingles, similarity  # noqa: E402
from workers.errors import StageError  # noqa: E402
from workers.settings import Settings  # noqa: E402

SOURCE = REPO.parent / "shared" / "dev" / "republications.jsonl.gz"
JUDGED = REPO / "bench" / "dedupe_real_pairs.jsonl"
AUDITS = {"1": REPO / "bench" / "dedupe_audit_pairs.jsonl", "2": REPO / "bench" / "dedupe_audit2_pairs.jsonl"}
AUDIT = AUDITS["1"]
PER_BIN = 46
LOW_CONTAINED = 40
SEED = 2026
# Shingles found in more articles than this are stock phrases: they make no candidate pairs.
COMMON_SHINGLE = 50


def articles(source: Path = SOURCE) -> dict[str, dict[str, Any]]:
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        return {row["id"]: row for row in map(json.loads, handle)}


def normalized(row: dict[str, Any]) -> str | None:
    try:
        raw = RawDocument(f"{row['title']}\n{row['text']}", "text/plain")
        return clean_document(raw).normalized_text
    except StageError:
        return None


def candidate_pairs(texts: dict[str, str]) -> list[tuple[str, str, float, float]]:
    """(a, b, Jaccard, containment of the smaller in the larger) of pairs sharing two shingles or more."""
    sets = {key: shingles(text) for key, text in texts.items()}
    holders: defaultdict[bytes, list[str]] = defaultdict(list)
    for key, found in sets.items():
        for shingle in found:
            holders[shingle].append(key)
    shared: Counter[tuple[str, str]] = Counter()
    for keys in holders.values():
        if len(keys) > COMMON_SHINGLE:
            continue
        keys.sort()
        for i, first in enumerate(keys):
            for second in keys[i + 1 :]:
                shared[(first, second)] += 1
    pairs = []
    for (a, b), count in sorted(shared.items()):
        if count >= 2:
            union = len(sets[a] | sets[b])
            pairs.append((a, b, round(count / union, 4), round(count / min(len(sets[a]), len(sets[b])), 4)))
    return pairs


def half_of(a: str, b: str) -> str:
    return "a" if int(hashlib.sha256(f"{a}|{b}".encode()).hexdigest(), 16) % 2 == 0 else "b"


def draw(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    texts = {key: text for key, row in rows.items() if (text := normalized(row))}
    by_bin: defaultdict[int, list[tuple[str, str, float, float]]] = defaultdict(list)
    for pair in candidate_pairs(texts):
        by_bin[min(int(pair[2] * 10), 9)].append(pair)
    rng = random.Random(SEED)
    chosen = []
    for tenth in range(1, 10):
        pool = sorted(by_bin[tenth])
        rng.shuffle(pool)
        chosen += pool[:PER_BIN]
    contained = sorted(p for p in by_bin[0] if p[3] >= 0.3)
    rng.shuffle(contained)
    chosen += contained[:LOW_CONTAINED]
    rng.shuffle(chosen)
    return [
        {"pair": n, "a": a, "b": b, "jaccard": j, "containment": c, "half": half_of(a, b)}
        for n, (a, b, j, c) in enumerate(chosen, 1)
    ]


def scores(rows: Iterable[tuple[bool, bool]]) -> dict[str, Any]:
    """Precision and recall of (predicted, actual) duplicate decisions."""
    counts = Counter((predicted, actual) for predicted, actual in rows)
    tp, fp, fn = counts[(True, True)], counts[(True, False)], counts[(False, True)]
    return {
        "pairs": sum(counts.values()),
        "duplicates": tp + fn,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(tp / (tp + fp), 3) if tp + fp else None,
        "recall": round(tp / (tp + fn), 3) if tp + fn else None,
    }


def evaluate(
    judged: list[dict[str, Any]], rows: dict[str, dict[str, Any]], threshold: float
) -> dict[str, Any]:
    for pair in judged:
        a, b = normalized(rows[pair["a"]]) or "", normalized(rows[pair["b"]]) or ""
        pair["estimate"] = similarity(a, b, threshold).value

    def decided(pairs: list[dict[str, Any]], at: float) -> list[tuple[bool, bool]]:
        return [(p["estimate"] >= at, p["label"] == "duplicate") for p in pairs]

    halves = {half: [p for p in judged if p["half"] == half] for half in ("a", "b")}
    by_bin: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    by_kind: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for pair in judged:
        tenth = min(int(pair["jaccard"] * 10), 9)
        by_bin[f"{tenth / 10:.1f}-{(tenth + 1) / 10:.1f}"].append(pair)
        by_kind[pair["kind"]].append(pair)
    # The threshold half a would choose: the best F1, ties to the higher threshold (precision first).
    grid = [round(0.05 * step, 2) for step in range(1, 20)]

    def f1(pairs: list[dict[str, Any]], at: float) -> float:
        s = scores(decided(pairs, at))
        p, r = s["precision"] or 0.0, s["recall"] or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0

    chosen = max(grid, key=lambda at: (round(f1(halves["a"], at), 4), at))
    return {
        "threshold": threshold,
        "all": scores(decided(judged, threshold)),
        "halves": {half: scores(decided(pairs, threshold)) for half, pairs in halves.items()},
        "bins": {name: scores(decided(pairs, threshold)) for name, pairs in sorted(by_bin.items())},
        "kinds": {name: scores(decided(pairs, threshold)) for name, pairs in sorted(by_kind.items())},
        "chosen_on_half_a": {
            "threshold": chosen,
            "half_a": scores(decided(halves["a"], chosen)),
            "half_b": scores(decided(halves["b"], chosen)),
        },
    }


def cleaned_facts(row: dict[str, Any]) -> tuple[str, StoryFacts]:
    """The normalised text and the story facts of an article, as the stage would see them."""
    try:
        cleaned = clean_document(RawDocument(f"{row['title']}\n{row['text']}", "text/plain"))
    except StageError:
        return "", story_facts(None, "")
    facts = story_facts(cleaned.title, cleaned.body, dateline=cleaned.dateline, agency=cleaned.agency)
    return cleaned.normalized_text, facts


def evaluate_decision(
    judged: list[dict[str, Any]],
    rows: dict[str, dict[str, Any]],
    half: str | None,
    threshold: float,
    *,
    through_bands: bool = False,
) -> dict[str, Any]:
    """Scores of `workers.dedupe.decision.decide` on one half: overall, per bin, kind and rule. With
    `through_bands`, as the stage decides: only a pair whose LSH bands meet is decided at all."""
    pairs = [p for p in judged if half is None or p["half"] == half]
    read = {key: cleaned_facts(rows[key]) for key in sorted({p[side] for p in pairs for side in "ab"})}
    by_bin: defaultdict[str, list[tuple[bool, bool]]] = defaultdict(list)
    by_kind: defaultdict[str, list[tuple[bool, bool]]] = defaultdict(list)
    by_rule: defaultdict[str, list[tuple[bool, bool]]] = defaultdict(list)
    errors = []
    for pair in pairs:
        (a, facts_a), (b, facts_b) = read[pair["a"]], read[pair["b"]]
        decision = decide(
            similarity(a, b, threshold).value, passage(a, b), compare_facts(facts_a, facts_b), threshold
        )
        candidate = not through_bands or found_by_bands(a, b)
        outcome = (candidate and decision.duplicate, pair["label"] == "duplicate")
        tenth = min(int(pair.get("jaccard", pair.get("similarity", 0.0)) * 10), 9)
        by_bin[f"{tenth / 10:.1f}-{(tenth + 1) / 10:.1f}"].append(outcome)
        by_kind[pair["kind"]].append(outcome)
        by_rule[decision.rule].append(outcome)
        if outcome[0] != outcome[1]:
            errors.append({"pair": pair["pair"], "kind": pair["kind"], "why": decision.why})
    return {
        "half": half,
        "through_bands": through_bands,
        "all": scores((d, actual) for outcomes in by_kind.values() for d, actual in outcomes),
        "bins": {name: scores(outcomes) for name, outcomes in sorted(by_bin.items())},
        "kinds": {name: scores(outcomes) for name, outcomes in sorted(by_kind.items())},
        "rules": {name: scores(outcomes) for name, outcomes in sorted(by_rule.items())},
        "errors": sorted(errors, key=lambda e: (e["kind"], e["pair"])),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--draw", type=Path, help="write the drawn pairs (ids only) to this file and stop")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--decision", action="store_true", help="score workers.dedupe.decision instead")
    parser.add_argument("--half", choices=("a", "b"), default="a", help="the half --decision scores")
    parser.add_argument("--errors", action="store_true", help="with --decision: list the pairs it gets wrong")
    parser.add_argument(
        "--audit",
        choices=sorted(AUDITS),
        help="with --decision: score audit set 1 (for rules) or 2 (held out)",
    )
    parser.add_argument(
        "--stage",
        action="store_true",
        help="with --decision: as the stage decides, only pairs whose LSH bands meet are candidates",
    )
    args = parser.parse_args()
    if not SOURCE.exists():
        print(f"{SOURCE} is not here: the real articles live beside the repository", file=sys.stderr)
        return 2
    rows = articles()
    if args.draw:
        with args.draw.open("w", encoding="utf-8") as handle:
            for pair in draw(rows):
                handle.write(json.dumps(pair) + "\n")
        print(f"wrote {args.draw}")
        return 0
    source = AUDITS[args.audit] if args.audit else JUDGED
    judged = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.decision:
        return _print_decision(
            evaluate_decision(
                judged,
                rows,
                None if args.audit else args.half,
                Settings(_env_file=None).dedupe_threshold,
                through_bands=args.stage,
            ),
            args,
        )
    report = evaluate(judged, rows, Settings(_env_file=None).dedupe_threshold)
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"threshold {report['threshold']}: all {report['all']}")
    for name in ("halves", "bins", "kinds"):
        print(name)
        for key, value in report[name].items():
            print(f"  {key:26} {value}")
    print(f"chosen on half a: {report['chosen_on_half_a']}")
    return 0


def _print_decision(report: dict[str, Any], args: argparse.Namespace) -> int:
    if not args.errors:
        report = {key: value for key, value in report.items() if key != "errors"}
    if args.json:
        print(json.dumps(report))
        return 0
    how = " through the LSH bands (as the stage)" if report["through_bands"] else ""
    on = "an audit set" if report["half"] is None else f"half {report['half']}"
    print(f"decision on {on}{how}: {report['all']}")
    for name in ("bins", "kinds", "rules"):
        print(name)
        for key, value in report[name].items():
            print(f"  {key:26} {value}")
    for error in report.get("errors", []):
        print(f"  wrong: pair {error['pair']:3} {error['kind']:26} {error['why']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
