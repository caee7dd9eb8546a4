"""Irrelevant edits against the gold patch: precision/recall, churn, excess edit distance."""

from __future__ import annotations

import difflib
import io
import re
import tokenize
from collections.abc import Iterable, Mapping

from codebench.analysis.diffs import FileDiff
from codebench.analysis.entities import Entity

WORD_OR_SYMBOL = re.compile(r"\w+|\S")
SKIPPED_TOKENS = frozenset(
    {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER}
)


def precision_recall(found: set[str], reference: set[str]) -> tuple[float | None, float | None]:
    """|found & reference| / |found| and / |reference|; None where the denominator is 0."""
    common = len(found & reference)
    precision = round(common / len(found), 4) if found else None
    recall = round(common / len(reference), 4) if reference else None
    return precision, recall


def out_of_scope_churn(lines: Mapping[Entity, int], gold_entities: set[Entity]) -> float | None:
    """Changed lines outside the gold's entities, over all changed lines."""
    total = sum(lines.values())
    if not total:
        return None
    outside = sum(n for entity, n in lines.items() if entity not in gold_entities)
    return round(outside / total, 4)


def tokens(path: str, text: str) -> list[str]:
    """Python tokens (layout tokens left out) of a file, or words and symbols otherwise."""
    if path.endswith(".py"):
        try:
            found = tokenize.generate_tokens(io.StringIO(text).readline)
            return [t.string for t in found if t.type not in SKIPPED_TOKENS]
        except (tokenize.TokenError, SyntaxError, IndentationError):
            pass
    return WORD_OR_SYMBOL.findall(text)


def token_distance(before: list[str], after: list[str]) -> int:
    """Insertions plus deletions turning one token list into the other (an LCS distance)."""
    if before == after:
        return 0
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return len(before) + len(after) - 2 * matched


def excess_edit_distance(model: Iterable[FileDiff], gold: Iterable[FileDiff]) -> float | None:
    """(distance base->model - distance base->gold) / tokens of the base files, at least 0.

    Over the union of the files either patch changes; a file one patch leaves alone is its old
    text on that side.
    """
    model_by_path = {d.path: d for d in model}
    gold_by_path = {d.path: d for d in gold}
    base_tokens = excess = 0
    for path in sorted(model_by_path.keys() | gold_by_path.keys()):
        some = model_by_path.get(path) or gold_by_path[path]
        old = tokens(path, some.old)
        model_new = tokens(path, model_by_path[path].new) if path in model_by_path else old
        gold_new = tokens(path, gold_by_path[path].new) if path in gold_by_path else old
        base_tokens += len(old)
        excess += token_distance(old, model_new) - token_distance(old, gold_new)
    return round(max(excess, 0) / max(base_tokens, 1), 4)
