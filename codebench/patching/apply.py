"""The apply chain: `git apply`, then `git apply --3way`, then `patch --fuzz`; first that works."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from codebench.errors import SandboxError
from codebench.patching.manifest import MANIFEST_FUNCTION, changed_paths, parse_manifest
from codebench.patching.parse import ParsedPatch
from codebench.sandbox import FORCED_TEXT_DIFF, Sandbox
from codebench.sandbox.base import CLIP_MARKER

APPLY_TIMEOUT_SECONDS = 60
STEP_MARKER = "CODEBENCH_APPLY_STEP="
# What the chain reports, in one file of length-prefixed sections. The chain also prints it,
# followed by a trailer giving its size in bytes, so that the report needs no second round
# trip: no code of the patch has run yet, so the output is the tools' own. The output is
# clipped and decoded, though: when the printed copy is not whole, the file is read instead.
SECTIONS = ("BEFORE", "AFTER", "GIT", "DIFF")
REPORT_TRAILER = "CODEBENCH_APPLY_REPORT "
# Small staged files can travel in the chain's own environment: it writes them into the scratch
# folder before anything else, which saves a copy into the sandbox (an engine round trip). The
# kernel takes at most 128 KiB per environment string; larger files are copied in beforehand.
CARRIED_MAX_BYTES = 64 * 1024
CARRIED_VAR = "CODEBENCH_CARRIED_"
CARRY_FAILED = 98  # the chain's exit code when it could not write them (it applied nothing)

# One sandbox command for the whole chain (each step starts from the clean starting tree). On
# success it reports the tree's manifest before and after (what really changed), the paths git's
# own view shows as changed (what .gitignore hides is missing there), and the change as applied
# with every file forced in and diffed as text (.gitattributes cannot hide or binarise it).
APPLY_CHAIN_SCRIPT = (
    MANIFEST_FUNCTION
    + f"""
p="$1"
shift
i=0
for f in "$@"; do
  i=$((i + 1))
  eval "printf '%s' \\"\\${CARRIED_VAR}$i\\"" >"$f" || exit {CARRY_FAILED}
  unset "{CARRIED_VAR}$i"
done
# POSIX mode makes GNU patch prefer Index: names; PATCH_GET would check files out of RCS/SCCS
unset POSIXLY_CORRECT PATCH_GET
manifest >"$p.before"
reset() {{ git reset -q --hard && git clean -qfdx; }}
section() {{ printf '%s %s\\n' "$1" "$(wc -c <"$2")"; cat "$2"; }}
changed() {{
  manifest >"$p.after"
  git add -A && git diff --cached --name-only --no-renames -z base >"$p.git"
  {FORCED_TEXT_DIFF} --no-renames base >"$p.diff"
  {{ section BEFORE "$p.before"; section AFTER "$p.after"; section GIT "$p.git"
    section DIFF "$p.diff"; }} >"$p.out"
  cat "$p.out"; printf '\\n{REPORT_TRAILER}%s\\n' "$(wc -c <"$p.out")"
  echo "$1"
}}
if git apply --whitespace=nowarn "$p" 2>"$p.err1"; then changed {STEP_MARKER}git_apply; exit 0; fi
if git apply --3way --whitespace=nowarn "$p" 2>"$p.err2"; then
  changed {STEP_MARKER}git_apply_3way; exit 0
fi
reset
# -u: only a unified diff, never a context diff or an ed script naming other files
fuzz="-u --get=0 --batch --forward --fuzz=3 -p1"
if patch $fuzz --dry-run -i "$p" >"$p.err3" 2>&1 \\
   && patch $fuzz --no-backup-if-mismatch -i "$p" >/dev/null 2>&1; then
  changed {STEP_MARKER}patch_fuzz; exit 0
fi
reset
echo "git apply: $(head -c 600 "$p.err1")" >&2
echo "patch --fuzz: $(head -c 600 "$p.err3")" >&2
exit 1
"""
)


class ApplyStep(StrEnum):
    """Which step of the apply chain applied a patch."""

    GIT_APPLY = "git_apply"
    GIT_APPLY_3WAY = "git_apply_3way"
    PATCH_FUZZ = "patch_fuzz"


@dataclass(frozen=True)
class AppliedPatch:
    """A patch now applied in the sandbox, and every path that differs from the starting tree."""

    step: ApplyStep
    changed_paths: tuple[str, ...] = ()  # from the tree's manifest, whatever git is told
    effective_diff: str = ""  # the change as applied (offsets and fuzz resolved), vs the base
    git_visible: tuple[str, ...] = ()  # the changed paths git's own view shows
    added_paths: tuple[str, ...] = ()  # the changed paths the starting tree did not have


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


def can_carry(files: Mapping[str, bytes]) -> bool:
    """True when `apply_patch` can carry these scratch files in its command's environment:
    each small enough, UTF-8 text, without NUL (which no environment string can hold)."""
    return all(len(data) <= CARRIED_MAX_BYTES and _is_text(data) for data in files.values())


def _is_text(data: bytes) -> bool:
    try:
        return "\0" not in data.decode()
    except UnicodeDecodeError:
        return False


def apply_patch(
    sandbox: Sandbox,
    patch: ParsedPatch,
    name: str = "model",
    *,
    staged: bool = False,
    carried: Mapping[str, bytes] | None = None,
) -> AppliedPatch | ApplyFailure:
    """Apply `patch` in the sandbox's working tree through the fallback chain.

    `carried`, scratch files (name -> bytes, see `can_carry`) the patch's own among them, are
    written by the chain's command first, instead of being staged beforehand.

    Raises:
        SandboxError: the carried files could not be written.
    """
    carried = dict(carried or {})
    if not staged and not carried:
        stage_patches(sandbox, {name: patch})
    paths = [f"{sandbox.scratch}/{file}" for file in carried]
    env = {f"{CARRIED_VAR}{i}": data.decode() for i, data in enumerate(carried.values(), 1)}
    script = ["sh", "-c", APPLY_CHAIN_SCRIPT, "sh", patch_file(sandbox, name), *paths]
    result = sandbox.exec(script, timeout=APPLY_TIMEOUT_SECONDS, env=env)
    if result.exit_code == CARRY_FAILED:
        raise SandboxError(f"could not write the staged patches: {result.stderr.strip()}")
    steps = [line for line in result.stdout.splitlines() if line.startswith(STEP_MARKER)]
    if not result.ok or not steps:
        return ApplyFailure(result.stderr.strip() or f"apply chain exited {result.exit_code}")
    report = printed_report(result.stdout)
    if report is None:  # too large for the output, or not UTF-8: read the file itself
        report = sandbox.read_file(f"{patch_file(sandbox, name)}.out")
    sections = _sections(report)
    if len(sections) != len(SECTIONS):
        return ApplyFailure(f"the apply chain's report is incomplete: {sorted(sections)}")
    before, after = parse_manifest(sections["BEFORE"]), parse_manifest(sections["AFTER"])
    visible = tuple(path for path in sections["GIT"].split("\0") if path)
    changed = changed_paths(before, after)
    added = tuple(path for path in changed if path not in before)
    step = ApplyStep(steps[-1].removeprefix(STEP_MARKER))
    return AppliedPatch(step, changed, sections["DIFF"], visible, added)


def printed_report(stdout: str) -> bytes | None:
    """The report as the chain printed it, from the `size` bytes before its trailer (the two
    last lines are the trailer and the step marker), or None when that copy is not whole:
    clipped within the report, or not valid UTF-8 (decoding replaced bytes, so they are lost).
    """
    if "\ufffd" in stdout:
        return None
    body, _, marker = stdout.rstrip("\n").rpartition("\n")
    body, _, trailer = body.rpartition("\n")
    size = trailer.removeprefix(REPORT_TRAILER)
    if not marker.startswith(STEP_MARKER) or size == trailer or not size.isdigit():
        return None
    data = body.removeprefix(CLIP_MARKER).encode()
    if len(data) < int(size):
        return None
    return data[len(data) - int(size) :]


def _sections(data: bytes) -> dict[str, str]:
    """The chain's report file: `NAME SIZE` lines, each followed by SIZE bytes."""
    found: dict[str, str] = {}
    at = 0
    while at < len(data):
        header, _, _ = data[at:].partition(b"\n")
        name, _, size = header.decode(errors="replace").partition(" ")
        if name not in SECTIONS or not size.isdigit():
            break
        start = at + len(header) + 1
        found[name] = data[start : start + int(size)].decode(errors="replace")
        at = start + int(size)
    return found
