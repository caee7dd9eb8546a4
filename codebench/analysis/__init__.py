"""Analysis of patches against the starting tree (edited entities and the scope rule so far)."""

from codebench.analysis.entities import Entity, changed_entities, classify_scope

__all__ = ["Entity", "changed_entities", "classify_scope"]
