"""In-process comparison of article files (for `marsad similar`): clean each, then decide as the stage
does, and say why: the MinHash similarity, the passage the texts share, the facts of their titles and
leads compared, and the decision with its rule."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from workers.clean import CleanedArticle, RawDocument, clean_document
from workers.clean.report import read_articles
from workers.dedupe.decision import decide, passage
from workers.dedupe.facts import FactComparison, StoryFacts, compare_facts, story_facts
from workers.dedupe.minhash import found_by_bands, similarity
from workers.errors import ConfigurationError, RejectedInput, StageError
from workers.ingest.formats import Limits


def cleaned_article(path: Path, limits: Limits) -> CleanedArticle:
    """The one article in `path` (any inbox format), cleaned."""
    try:
        parsed, file_time = read_articles(path, limits)
    except RejectedInput as exc:
        raise ConfigurationError(f"{path}: not an article ({exc})") from exc
    if len(parsed.articles) != 1:
        raise ConfigurationError(f"{path}: holds {len(parsed.articles)} articles; compare one-article files")
    article = parsed.articles[0]
    try:
        return clean_document(
            RawDocument(article.content, article.content_type, dict(article.meta), file_time)
        )
    except StageError as exc:
        raise ConfigurationError(f"{path}: cannot be cleaned ({exc})") from exc


def compare(a: Path, b: Path, limits: Limits, threshold: float) -> dict[str, Any]:
    """One verdict and why: `a`, `b`, `similarity` (estimated, MinHash), `candidate` (whether the LSH
    bands make them candidates: the stage decides only those), `containment` and `lead_shared` (the
    shared passage), `facts` (`conflicts` and `shared`), and the decision: `duplicate`, `rule`, `why`."""
    first, second = cleaned_article(a, limits), cleaned_article(b, limits)
    found = similarity(first.normalized_text, second.normalized_text, threshold)
    shared = passage(first.normalized_text, second.normalized_text)
    facts = compare_facts(_story_facts(first), _story_facts(second))
    decision = decide(found.value, shared, facts, threshold)
    candidate = found_by_bands(first.normalized_text, second.normalized_text)
    return {
        "a": str(a),
        "b": str(b),
        "similarity": found.value,
        "candidate": candidate,
        "containment": shared.containment,
        "lead_shared": shared.lead_shared,
        "facts": _facts_shown(facts),
        "duplicate": decision.duplicate,
        "rule": decision.rule,
        "why": decision.why,
    }


def _story_facts(article: CleanedArticle) -> StoryFacts:
    return story_facts(article.title, article.body, dateline=article.dateline, agency=article.agency)


def _facts_shown(facts: FactComparison) -> dict[str, Any]:
    """The facts compared: conflicts kind by kind (as each article writes them), then the shared ones."""
    return {
        "conflicts": [
            {"kind": c.kind.value, "a": list(c.ours), "b": list(c.theirs)} for c in facts.conflicts
        ],
        "shared": [{"kind": f.kind.value, "value": f.value, "shown": f.shown} for f in facts.shared],
    }


def explain(verdict: dict[str, Any], threshold: float) -> list[str]:
    """A verdict of `compare` as lines of text."""
    lines = [
        f"similarity {verdict['similarity']:.3f} (threshold {threshold:.2f}), containment "
        f"{verdict['containment']:.2f}, lead shared {verdict['lead_shared']:.2f}"
        + ("" if verdict["candidate"] else "; no LSH band in common: the stage would not compare them")
    ]
    for conflict in verdict["facts"]["conflicts"]:
        lines.append(
            f"conflicting {_KINDS.get(conflict['kind'], conflict['kind'])}: "
            f"{'، '.join(conflict['a'])} vs {'، '.join(conflict['b'])}"
        )
    shared = verdict["facts"]["shared"]
    lines.append("shared facts: " + ("، ".join(f"{f['shown']} ({f['kind']})" for f in shared) or "none"))
    shown = "duplicate" if verdict["duplicate"] else "distinct"
    lines.append(f"→ {shown} ({verdict['rule']}): {verdict['why']}")
    return lines


_KINDS = {
    "state": "states", "person": "people", "organization": "bodies", "place": "places", "number": "numbers",
    "year": "years", "ordinal": "ordinals", "date": "dates", "weekday": "weekdays",
}  # fmt: skip


def read_pairs(pairs: Path) -> Iterator[tuple[int, Path, Path]]:
    """The (line number, a, b) of a pairs file; relative paths are read against the file's folder.

    Raises ConfigurationError, naming the line, for a line that is not {"a": path, "b": path}.
    """
    try:
        lines = pairs.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot read {pairs}: {exc}") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            a, b = item["a"], item["b"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ConfigurationError(f'{pairs}:{number}: expected {{"a": path, "b": path}}') from exc
        yield number, _resolve(Path(a), pairs.parent), _resolve(Path(b), pairs.parent)


def _resolve(path: Path, base: Path) -> Path:
    return path if path.is_absolute() or path.exists() else base / path
