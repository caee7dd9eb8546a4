"""The apply chain: `git apply`, then `git apply --3way`, then `patch --fuzz`; first that works."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from codebench.patching.parse import ParsedPatch
from codebench.sandbox import Sandbox

APPLY_TIMEOUT_SECONDS = 60
STEP_MARKER = "CODEBENCH_APPLY_STEP="
CHANGED_MARKER = "CODEBENCH_CHANGED_PATHS:"
DIFF_MARKER = "CODEBENCH_EFFECTIVE_DIFF:"

# One sandbox command for the whole chain (each step starts from the clean starting tree); on
# success it also lists every path that now differs from the starting tree (NUL-separated) and
# prints the change as applied, whatever step applied it.
APPLY_CHAIN_SCRIPT = f"""
p="$1"
reset() {{ git reset -q --hard && git clean -qfd; }}
changed() {{
  echo "$1"; echo {CHANGED_MARKER}; git add -A && git diff --cached --name-only --no-renames -z base
  echo; echo {DIFF_MARKER}; git diff --cached --no-renames base
}}
if git apply --whitespace=nowarn "$p" 2>"$p.err1"; then changed {STEP_MARKER}git_apply; exit 0; fi
if git apply --3way --whitespace=nowarn "$p" 2>"$p.err2"; then
  changed {STEP_MARKER}git_apply_3way; exit 0
fi
reset
if patch --batch --forward --fuzz=3 -p1 --dry-run -i "$p" >"$p.err3" 2>&1 \\
   && patch --batch --forward --fuzz=3 -p1 --no-backup-if-mismatch -i "$p" >/dev/null 2>&1; then
  changed {STEP_MARKER}patch_fuzz; exit 0
fi
reset
echo "git apply: $(head -c 600 "$p.err1")" >&2
echo "patch --fuzz: $(head -c 600 "$p.err3")" >&2
exit 1
"""


class ApplyStep(StrEnum):
    """Which step of the apply chain applied a patch."""

    GIT_APPLY = "git_apply"
    GIT_APPLY_3WAY = "git_apply_3way"
    PATCH_FUZZ = "patch_fuzz"


@dataclass(frozen=True)
class AppliedPatch:
    """A patch now applied in the sandbox, and every path that differs from the starting tree."""

    step: ApplyStep
    changed_paths: tuple[str, ...] = ()
    effective_diff: str = ""  # the change as applied (offsets and fuzz resolved), vs the base


@dataclass(frozen=True)
class ApplyFailure:
    """No step of the chain could apply the patch; `reason` holds the tools' complaints."""

    reason: str


def patch_file(sandbox: Sandbox, name: str) -> str:
    """Where a staged patch lives in the sandbox (outside the repository)."""
    return f"{sandbox.scratch}/{name}.patch"


def staged_patch_files(patches: Mapping[str, ParsedPatch]) -> dict[str, bytes]:
    """Scratch-directory files holding patches (for `open_sandbox(scratch_files=...)`)."""
    return {
        f"{name}.patch": (patch.text if patch.text.endswith("\n") else patch.text + "\n").encode()
        for name, patch in patches.items()
    }


def stage_patches(sandbox: Sandbox, patches: Mapping[str, ParsedPatch]) -> None:
    """Copy patches into an open sandbox in one go, for `apply_patch(..., staged=True)`."""
    files = staged_patch_files(patches)
    sandbox.write_files({f"{sandbox.scratch}/{name}": data for name, data in files.items()})


def apply_patch(
    sandbox: Sandbox, patch: ParsedPatch, name: str = "model", *, staged: bool = False
) -> AppliedPatch | ApplyFailure:
    """Apply `patch` in the sandbox's working tree through the fallback chain."""
    if not staged:
        stage_patches(sandbox, {name: patch})
    result = sandbox.sh(
        APPLY_CHAIN_SCRIPT, patch_file(sandbox, name), timeout=APPLY_TIMEOUT_SECONDS
    )
    head, _, rest = result.stdout.partition(CHANGED_MARKER + "\n")
    listing, _, diff = rest.partition(f"\n{DIFF_MARKER}\n")
    for line in head.splitlines():
        if line.startswith(STEP_MARKER) and result.ok:
            changed = tuple(path for path in listing.split("\0") if path.strip())
            return AppliedPatch(ApplyStep(line.removeprefix(STEP_MARKER)), changed, diff)
    reason = result.stderr.strip() or f"apply chain exited {result.exit_code}"
    return ApplyFailure(reason=reason)
