"""`tasks import-swebench`: SWE-bench instances against local clones become task folders.

The starting tree is `base_commit`'s tree from the clone (as `mine` writes one), `gold.patch`
is the instance's `patch`, `tests.patch` its `test_patch`, FAIL_TO_PASS / PASS_TO_PASS its
lists, and the instruction its problem statement (the issue as its author wrote it: no draft).
Nothing runs in a sandbox: the patches are checked with `git apply --check` on the host, and
`tasks validate` proves the tasks afterwards. Every instance the file holds is imported,
skipped (its task folder exists) or rejected with a reason: never a traceback.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from codebench.authoring.history import export_tree, open_repository
from codebench.authoring.swebench_file import BadEntry, ImportReason, Instance, read_instances
from codebench.authoring.swebench_ids import clone_candidates, find_clone, task_ids
from codebench.authoring.writing import TaskFields, measure_scope, rename_into_place, staged
from codebench.authoring.writing import task_toml as render_task_toml
from codebench.errors import ConfigError, TaskError
from codebench.patching import PatchRejection, parse_patch
from codebench.paths import is_bundled
from codebench.tasks import Category, Origin, Scope, Source
from codebench.tasks.loader import GOLD_PATCH, TASK_FILE, TESTS_PATCH
from codebench.tasks.schema import DEFAULT_IMAGE, DEFAULT_TEST_COMMAND, is_node_id

TITLE_CHARS = 100
SHOWN_IDS = 3
CATEGORY_NOTE = "SWE-bench instances are issues: bug_fix unless the title asks for a feature"
FEATURE_WORDS = ("feature", "enhancement", "support", "allow", "add", "implement")


@dataclass(frozen=True)
class ImportRequest:
    """What to import, from where, and where the tasks go."""

    instances_file: Path
    repos_dir: Path  # the clones: DIR/<owner>__<name>, DIR/<name> or DIR/<owner>/<name>
    suite_dir: Path
    test_command: str = DEFAULT_TEST_COMMAND
    image: str = DEFAULT_IMAGE
    limit: int | None = None  # instances tried by this run (existing tasks not counted)
    instance_ids: tuple[str, ...] = ()  # only these (all when empty)


@dataclass(frozen=True)
class ImportedTask:
    """An instance written as a task folder."""

    instance_id: str
    task_id: str
    task_dir: Path
    scope: Scope
    fail_to_pass: int
    pass_to_pass: int


@dataclass(frozen=True)
class ImportSummary:
    """What one run of the import did, in the file's order."""

    imported: tuple[ImportedTask, ...]
    skipped: tuple[tuple[str, str], ...]  # (instance id, task id) whose folder exists
    rejected: tuple[BadEntry, ...]


def import_swebench(request: ImportRequest) -> ImportSummary:
    """Import every instance of the file not imported before (at most `limit` of them).

    Raises `ConfigError` when the file cannot be read or parsed as a whole, or an
    `--instance` id is not in it; `TaskError` when the suite lies in the installed
    package's suites.
    """
    if is_bundled(request.suite_dir):
        raise TaskError(request.suite_dir, "is read-only; pass --tasks-dir (see codebench init)")
    entries = read_instances(request.instances_file)
    ids = task_ids(e.data.instance_id for e in entries if isinstance(e, Instance))
    entries = _selected(entries, request)
    imported: list[ImportedTask] = []
    skipped: list[tuple[str, str]] = []
    rejected: list[BadEntry] = []
    tried = 0
    for entry in entries:
        if isinstance(entry, BadEntry):
            rejected.append(entry)
            continue
        task_id = ids[entry.data.instance_id]
        if task_id is not None and (request.suite_dir / task_id).exists():
            skipped.append((entry.data.instance_id, task_id))
            continue
        if request.limit is not None and tried >= request.limit:
            continue
        tried += 1
        outcome = _import_one(entry, task_id, request)
        if isinstance(outcome, ImportedTask):
            imported.append(outcome)
        else:
            rejected.append(outcome)
    return ImportSummary(tuple(imported), tuple(skipped), tuple(rejected))


def _selected(
    entries: list[Instance | BadEntry], request: ImportRequest
) -> list[Instance | BadEntry]:
    """The entries of the `--instance` ids (and every bad one: its id may be among them)."""
    if not request.instance_ids:
        return entries
    known = {e.instance_id if isinstance(e, BadEntry) else e.data.instance_id for e in entries}
    unknown = [i for i in request.instance_ids if i not in known]
    if unknown:
        raise ConfigError(
            f"--instance {', '.join(unknown)}: not in {request.instances_file}; "
            "give instance ids as the file spells them"
        )
    wanted = set(request.instance_ids)
    return [
        e
        for e in entries
        if (e.instance_id if isinstance(e, BadEntry) else e.data.instance_id) in wanted
        or (isinstance(e, BadEntry) and e.instance_id is None)
    ]


def _import_one(
    entry: Instance, task_id: str | None, request: ImportRequest
) -> ImportedTask | BadEntry:
    data = entry.data

    def bad(reason: ImportReason, detail: str) -> BadEntry:
        return BadEntry(entry.where, data.instance_id, reason, detail)

    problem = _test_problem(entry)
    if problem is not None:
        return bad(*problem)
    if task_id is None:
        return bad(ImportReason.BAD_ID, "its id gives no task id of 3-64 [a-z0-9-] characters")
    clone = find_clone(request.repos_dir, data.repo)
    if clone is None:
        tried = ", ".join(str(p) for p in clone_candidates(request.repos_dir, data.repo))
        return bad(ImportReason.NO_CLONE, f"no clone of {data.repo}: tried {tried}")
    missing = _commit_problem(clone, data.base_commit)
    if missing is not None:
        return bad(ImportReason.UNKNOWN_COMMIT, missing)
    task_dir = request.suite_dir / task_id
    with staged(task_dir) as stage:
        try:
            export_tree(clone, data.base_commit, stage / "repo")
        except TaskError as exc:
            return bad(ImportReason.UNSAFE_TREE, str(exc).removeprefix(f"{exc.path}: "))
        unapplied = patch_problem(stage / "repo", data.patch, data.test_patch)
        if unapplied is not None:
            return bad(ImportReason.NOT_APPLYING, unapplied)
        return _write_task(stage, task_dir, entry, request)


def _test_problem(entry: Instance) -> tuple[ImportReason, str] | None:
    data = entry.data
    odd = [t for t in data.fail_to_pass + data.pass_to_pass if not is_node_id(t)]
    if odd:
        shown = ", ".join(repr(t) for t in odd[:SHOWN_IDS])
        more = f" and {len(odd) - SHOWN_IDS} more" if len(odd) > SHOWN_IDS else ""
        return ImportReason.NOT_NODE_IDS, (
            f"{shown}{more}: this harness grades pytest node ids (path/test_x.py::test_name) "
            "only; a repository whose tests run another way (Django's runtests.py, sympy's "
            "bin/test) cannot be graded here"
        )
    if not data.fail_to_pass:
        return ImportReason.NO_FAIL_TO_PASS, "FAIL_TO_PASS is empty: nothing proves a fix"
    return None


def _commit_problem(clone: Path, sha: str) -> str | None:
    """Why the clone cannot give the commit's tree; None when it can."""
    import git

    try:
        with open_repository(clone) as repo:
            repo.git.cat_file("-e", f"{sha}^{{commit}}")
    except ConfigError:
        return f"{clone} is not a git repository"
    except git.GitCommandError:
        return f"{sha} is not a commit of {clone}; fetch it (git -C {clone} fetch origin {sha})"
    return None


def patch_problem(tree: Path, gold: str, tests: str) -> str | None:
    """Why the gold patch, then the hidden tests on top of it, do not apply to `tree` (checked
    with `git apply --check`, and codebench's own patch parser); None when they do."""
    for name, text in (("patch", gold), ("test_patch", tests)):
        parsed = parse_patch(text, tree)
        if isinstance(parsed, PatchRejection):
            return f"{name}: {parsed.reason}"
    with tempfile.TemporaryDirectory(prefix="codebench-import-") as work:
        files = [Path(work, "gold.patch"), Path(work, "tests.patch")]
        for file, text in zip(files, (gold, tests), strict=True):
            file.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        # outside any repository (the tasks root may lie in one): git applies to the files
        env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(tree.parent.resolve())}
        command = ["git", "apply", "--check", "--whitespace=nowarn", *map(str, files)]
        done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        message = re.sub(re.escape(work), "", done.stderr.strip())
        return f"git apply --check (patch, then test_patch): {message[:500]}"
    return None


def _write_task(
    stage: Path, task_dir: Path, entry: Instance, request: ImportRequest
) -> ImportedTask:
    data = entry.data
    scope = measure_scope(data.patch, stage / "repo")
    title = title_of(data.problem_statement)
    fields = TaskFields(
        task_id=task_dir.name,
        title=title,
        instruction=data.problem_statement.strip(),
        scope=scope,
        category=guess_category(title),
        fail_to_pass=tuple(dict.fromkeys(data.fail_to_pass)),
        pass_to_pass=tuple(
            dict.fromkeys(t for t in data.pass_to_pass if t not in data.fail_to_pass)
        ),
        image=request.image,
        test_command=request.test_command,
        source=Source(repository=f"https://github.com/{data.repo}", commit=data.base_commit),
        created_at=data.created_at,
        category_note=CATEGORY_NOTE,
        origin=Origin.SWEBENCH,
    )
    texts = {
        GOLD_PATCH: data.patch,
        TESTS_PATCH: data.test_patch,
        TASK_FILE: render_task_toml(fields),
    }
    for name, text in texts.items():
        (stage / name).write_text(text, encoding="utf-8")
    rename_into_place(stage, task_dir)
    return ImportedTask(
        data.instance_id,
        task_dir.name,
        task_dir,
        scope,
        len(fields.fail_to_pass),
        len(fields.pass_to_pass),
    )


def title_of(problem_statement: str) -> str:
    """The first non-blank line, trimmed (Markdown heading marks too), cut to 100 characters."""
    lines = (line.strip().lstrip("#").strip() for line in problem_statement.splitlines())
    first = next((line for line in lines if line), "") or "SWE-bench instance"
    return first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 3].rstrip() + "..."


def guess_category(title: str) -> Category:
    """feature when the title's first word, or any word, asks for one; else bug_fix."""
    words = re.findall(r"[a-z]+", title.lower())
    if words and (words[0] in FEATURE_WORDS or "feature" in words or "enhancement" in words):
        return Category.FEATURE
    return Category.BUG_FIX
