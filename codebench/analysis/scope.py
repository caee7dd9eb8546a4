"""Irrelevant edits against the gold patch: precision/recall, churn, excess edit distance."""

from __future__ import annotations

import difflib
import re
import tokenize
from collections.abc import Iterable, Mapping

from codebench.analysis.diffs import FileDiff
from codebench.analysis.entities import Entity
from codebench.analysis.facts import facts

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


def tokens(path: str, text: str, lines: frozenset[int] | None = None) -> list[str]:
    """Python tokens (layout tokens left out) of a file, or words and symbols otherwise; with
    `lines`, only the tokens on those lines.

    A token over several lines (a multi-line string) counts as the words and symbols of each of
    its lines, so an edit of any line of a docstring is seen, not only of its first.
    """
    if path.endswith(".py"):
        known = facts(text)
        if known.tokenizes:
            return [
                piece
                for t in known.tokens
                if t.type not in SKIPPED_TOKENS
                for piece in _token_pieces(t, lines)
            ]
    if lines is None:
        return WORD_OR_SYMBOL.findall(text)
    rows = text.splitlines()
    return [w for n in sorted(lines) if n <= len(rows) for w in WORD_OR_SYMBOL.findall(rows[n - 1])]


def _token_pieces(token: tokenize.TokenInfo, lines: frozenset[int] | None) -> list[str]:
    """A one-line token itself if it is on `lines` (or `lines` is None); a token over several
    lines as the words and symbols of each of its lines that is."""
    first, last = token.start[0], token.end[0]
    if first == last:
        return [token.string] if lines is None or first in lines else []
    rows = token.string.split("\n")
    return [
        word
        for number, row in enumerate(rows, start=first)
        if lines is None or number in lines
        for word in WORD_OR_SYMBOL.findall(row)
    ]


def token_distance(before: list[str], after: list[str]) -> int:
    """Insertions plus deletions turning one token list into the other (an LCS distance)."""
    if before == after:
        return 0
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return len(before) + len(after) - 2 * matched


def diff_distance(diff: FileDiff) -> int:
    """The token distance of one file's change, over the tokens on its changed lines only
    (the lines around them are equal on both sides and cannot add to it)."""
    return token_distance(
        tokens(diff.path, diff.old, diff.removed), tokens(diff.path, diff.new, diff.added)
    )


def excess_edit_distance(model: Iterable[FileDiff], gold: Iterable[FileDiff]) -> float | None:
    """(distance base->model - distance base->gold) / tokens of the base files, at least 0.

    Over the union of the files either patch changes; a file one patch leaves alone adds no
    distance on that side. None when neither patch changes a file.
    """
    model_by_path = {d.path: d for d in model}
    gold_by_path = {d.path: d for d in gold}
    if not model_by_path and not gold_by_path:
        return None
    base_tokens = excess = 0
    for path in sorted(model_by_path.keys() | gold_by_path.keys()):
        some = model_by_path.get(path) or gold_by_path[path]
        base_tokens += len(tokens(path, some.old))
        if model_by_path.get(path) == gold_by_path.get(path):
            continue  # the same change on both sides: its distances cancel out
        excess += diff_distance(model_by_path[path]) if path in model_by_path else 0
        excess -= diff_distance(gold_by_path[path]) if path in gold_by_path else 0
    return round(max(excess, 0) / max(base_tokens, 1), 4)
