"""Patching: parse and validate unified diffs, apply them through a fallback chain, and guard
the paths a patch must not change."""

from codebench.patching.apply import (
    AppliedPatch,
    ApplyFailure,
    ApplyStep,
    apply_patch,
    can_carry,
    patch_file,
    stage_patches,
    staged_patch_files,
)
from codebench.patching.parse import (
    FileChange,
    ParsedPatch,
    PatchRejection,
    is_empty_patch,
    parse_patch,
    patch_sha256,
)
from codebench.patching.protect import find_tampering, is_test_path, loads_at_startup, revert_paths

__all__ = [
    "AppliedPatch",
    "ApplyFailure",
    "ApplyStep",
    "FileChange",
    "ParsedPatch",
    "PatchRejection",
    "apply_patch",
    "can_carry",
    "find_tampering",
    "is_empty_patch",
    "is_test_path",
    "loads_at_startup",
    "parse_patch",
    "patch_file",
    "patch_sha256",
    "revert_paths",
    "stage_patches",
    "staged_patch_files",
]
