"""Staff members, their skills and the team they belong to."""

import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum


class Skill(Enum):
    """A qualification that a shift can require."""

    NURSE = "nurse"
    CARER = "carer"
    SENIOR = "senior"
    COOK = "cook"


class Contract(Enum):
    """The kind of contract a staff member works on."""

    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    BANK = "bank"


@dataclass(frozen=True)
class Staff:
    """A member of staff who can be put on shifts."""

    id: str
    name: str
    skills: frozenset[Skill] = field(default_factory=frozenset)
    contract: Contract = Contract.FULL_TIME
    max_hours: float = 48.0
    nights_ok: bool = True

    def can_do(self, skill: Skill) -> bool:
        """Return True if the staff member holds the skill."""
        return skill in self.skills

    def has_skill(self, name: str) -> bool:
        """Return True if the staff member holds the named skill; deprecated, use can_do."""
        warnings.warn("Staff.has_skill() is deprecated; use Staff.can_do()", DeprecationWarning, stacklevel=2)
        return any(skill.value == name for skill in self.skills)


class Team:
    """An ordered collection of staff, looked up by id."""

    def __init__(self, members: Iterable[Staff] = ()) -> None:
        self._members: dict[str, Staff] = {}
        for member in members:
            self.add(member)

    def add(self, member: Staff) -> None:
        """Add a staff member, refusing duplicate ids."""
        if member.id in self._members:
            raise ValueError(f"duplicate staff id: {member.id}")
        self._members[member.id] = member

    def get(self, staff_id: str) -> Staff:
        """Return the staff member with the given id."""
        try:
            return self._members[staff_id]
        except KeyError:
            raise KeyError(f"unknown staff id: {staff_id}") from None

    def qualified(self, skill: Skill) -> list[Staff]:
        """Return the staff who hold the skill, in team order."""
        return [member for member in self._members.values() if member.has_skill(skill.value)]

    def name_of(self, staff_id: str) -> str:
        """Return the display name for a staff id, or the id if unknown."""
        member = self._members.get(staff_id)
        return member.name if member is not None else staff_id

    def __contains__(self, staff_id: object) -> bool:
        return staff_id in self._members

    def __iter__(self) -> Iterator[Staff]:
        return iter(self._members.values())

    def __len__(self) -> int:
        return len(self._members)
