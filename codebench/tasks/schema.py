"""The `task.toml` schema: a strict pydantic model (unknown keys and bad values are errors)."""

from __future__ import annotations

import re
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

TASK_ID_PATTERN = r"^[a-z0-9][a-z0-9-]{1,62}[a-z0-9]$"
REPO_NAME_PATTERN = r"^[A-Za-z0-9_-][A-Za-z0-9_.-]*$"
DEFAULT_TEST_COMMAND = "python3 -m pytest -p no:cacheprovider -q"
DEFAULT_TIMEOUT = 120  # seconds for one run of a task's tests
DEFAULT_IMAGE = "python"
COMMIT_PATTERN = r"^[0-9a-f]{40}([0-9a-f]{24})?$"  # a full sha-1 or sha-256 object name
# Where a task came from: they cannot change a result, so the content hash leaves them out.
METADATA_FIELDS = frozenset({"source", "created_at", "origin", "corruption"})
DATE_FORMS = "a TOML date (2024-05-01) or an offset date-time (2024-05-01T12:00:00+02:00)"


class Scope(StrEnum):
    """Whether a task's change stays inside one file and one or two definitions."""

    LOCAL = "local"
    GLOBAL = "global"


class Origin(StrEnum):
    """How a task was made: written by a person (core), mined from a history, imported from
    SWE-bench, or synthesized by corrupting a repository's own code (`tasks synth`)."""

    CORE = "core"
    MINED = "mined"
    SWEBENCH = "swebench"
    SYNTH = "synth"


class Corruption(StrEnum):
    """The known corruption a synthesized task's starting tree carries. The first six stay in
    one function, and the gold patch reverses them. The last three are an API change made in
    its defining module (and in the tests) that the modules using the API have not followed
    (global): the gold patch is their follow-up, in at least two files."""

    COMPARISON = "comparison"
    ARITHMETIC = "arithmetic"
    OFF_BY_ONE = "off_by_one"
    CONSTANT = "constant"
    REMOVED_GUARD = "removed_guard"
    SWAPPED_ARGUMENTS = "swapped_arguments"
    RENAMED_FUNCTION = "renamed_function"
    NEW_PARAMETER = "new_parameter"
    MOVED_CONSTANT = "moved_constant"

    @property
    def scope(self) -> Scope:
        """Global for the kinds whose fix spans modules, local for the others."""
        global_kinds = (
            Corruption.RENAMED_FUNCTION,
            Corruption.NEW_PARAMETER,
            Corruption.MOVED_CONSTANT,
        )
        return Scope.GLOBAL if self in global_kinds else Scope.LOCAL


class Category(StrEnum):
    """What kind of edit a task asks for."""

    BUG_FIX = "bug_fix"
    FEATURE = "feature"
    REFACTOR = "refactor"
    RENAME_SIGNATURE = "rename_signature"
    API_MIGRATION = "api_migration"
    CROSS_FILE_TRANSFER = "cross_file_transfer"
    INSTRUCTION_CONSTRAINT = "instruction_constraint"
    IN_CONTEXT_KNOWLEDGE = "in_context_knowledge"
    LONG_CONTEXT = "long_context"


class Source(BaseModel):
    """Where a mined task came from: the repository (when known) and the commit it replays."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    repository: str | None = Field(default=None, min_length=1)  # e.g. the `origin` remote's URL
    commit: str  # the full sha of the change the task replays

    @field_validator("commit")
    @classmethod
    def _commit_is_a_full_sha(cls, value: str) -> str:
        if not re.fullmatch(COMMIT_PATTERN, value):
            raise ValueError("must be the commit's full sha: 40 (or 64) lowercase hex digits")
        return value


class TaskSpec(BaseModel):
    """The contents of one `task.toml`, validated."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=TASK_ID_PATTERN)
    title: str = Field(min_length=1)
    instruction: str = Field(min_length=1)
    scope: Scope
    category: Category
    repo: str | None = None
    image: str = Field(default=DEFAULT_IMAGE, pattern=r"^[a-z0-9][a-z0-9_-]*$")
    test_command: str = Field(default=DEFAULT_TEST_COMMAND, min_length=1)
    fail_to_pass: tuple[str, ...] = Field(min_length=1)
    pass_to_pass: tuple[str, ...] = ()
    timeout: int = Field(default=DEFAULT_TIMEOUT, ge=1, le=3600, strict=True)
    # Files outside the edit that hold what the change needs: what makes a task global when
    # its gold patch alone looks local (one file, at most two definitions).
    context_files: tuple[str, ...] = ()
    # For mined tasks: the repository and commit, and the commit's date (a task's shelf life).
    source: Source | None = None
    created_at: datetime | date | None = None
    origin: Origin = Origin.CORE
    corruption: Corruption | None = None  # synthesized tasks: the kind of corruption
    # False: the graded tests are in the starting tree (synthesized tasks) and the task has no
    # tests.patch; protected paths still revert any edit a patch makes to them
    hidden_tests: bool = True

    @model_validator(mode="after")
    def _corruption_only_when_synthesized(self) -> TaskSpec:
        if self.corruption is not None and self.origin is not Origin.SYNTH:
            raise ValueError('corruption is only for synthesized tasks (origin = "synth")')
        return self

    @field_validator("repo")
    @classmethod
    def _repo_is_a_folder_name(cls, value: str | None) -> str | None:
        """A folder name inside tasks/repos/: no "/", no leading dot ("..", ".", hidden)."""
        if value is not None and not re.fullmatch(REPO_NAME_PATTERN, value):
            raise ValueError(
                "must name a folder inside tasks/repos/ (letters, digits, '_', '-' and '.', "
                "not starting with a dot)"
            )
        return value

    @field_validator("created_at", mode="before")
    @classmethod
    def _created_at_is_a_date(cls, value: object) -> object:
        """A date, or a date-time with its UTC offset (a local time names no instant)."""
        if isinstance(value, str):
            try:
                value = _parse_date(value)
            except ValueError:
                raise ValueError(f"must be {DATE_FORMS}") from None
        if isinstance(value, datetime) and value.utcoffset() is None:
            raise ValueError(f"has no UTC offset; write {DATE_FORMS}")
        if value is not None and not isinstance(value, date):
            raise ValueError(f"must be {DATE_FORMS}")
        return value

    @field_validator("fail_to_pass", "pass_to_pass")
    @classmethod
    def _test_ids_are_node_ids(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for test_id in value:
            if not is_node_id(test_id):
                raise ValueError(
                    f"{test_id!r} is not a pytest node id like 'tests/test_x.py::test_name'"
                )
        if len(set(value)) != len(value):
            raise ValueError("lists a test id twice")
        return value

    @property
    def test_ids(self) -> tuple[str, ...]:
        """Every test the task grades on: FAIL_TO_PASS then PASS_TO_PASS."""
        return self.fail_to_pass + self.pass_to_pass


def is_node_id(test_id: str) -> bool:
    """Whether `test_id` is a pytest node id relative to the repository root
    (`path/to/test_x.py::test_name`, `...::Class::test_name`, `...::test_name[param]`)."""
    path = test_id.split("::", 1)[0]
    return "::" in test_id and path.endswith(".py") and not path.startswith("/")


def _parse_date(text: str) -> date:
    """`2024-05-01` as a date; anything longer as an ISO 8601 date-time."""
    return (
        date.fromisoformat(text) if len(text) == len("2024-05-01") else datetime.fromisoformat(text)
    )
