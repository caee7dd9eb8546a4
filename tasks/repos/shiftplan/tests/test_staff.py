import pytest

from shiftplan import Skill, Staff, Team


def test_can_do(team: Team) -> None:
    assert team.get("ana").can_do(Skill.SENIOR)
    assert not team.get("ben").can_do(Skill.SENIOR)


def test_has_skill_is_deprecated(team: Team) -> None:
    with pytest.deprecated_call():
        assert team.get("dev").has_skill("cook")


def test_qualified_keeps_team_order(team: Team) -> None:
    assert [member.id for member in team.qualified(Skill.CARER)] == ["cat", "dev"]


def test_duplicate_ids_rejected(team: Team) -> None:
    with pytest.raises(ValueError):
        team.add(Staff("ana", "Another Ana"))


def test_unknown_id(team: Team) -> None:
    with pytest.raises(KeyError):
        team.get("zed")
    assert team.name_of("zed") == "zed"
    assert "ana" in team
    assert len(team) == 4
