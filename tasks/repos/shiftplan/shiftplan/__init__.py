"""Staff rota planning: staff, shifts, rules, a greedy planner and exports."""

from .calendar import Week, parse_week_label, week_of, weeks_between
from .export import gaps_report, hours_report, rota_to_csv, staff_schedule
from .planner import Planner, PlanResult
from .rota import Assignment, Rota
from .rules import (
    ConsecutiveDaysRule,
    ConsecutiveNightsRule,
    DoubleBookingRule,
    MinRestRule,
    NightsOptOutRule,
    QualificationRule,
    Rule,
    Severity,
    StaffingLevelRule,
    Violation,
    WeeklyHoursRule,
    default_rules,
    validate,
)
from .shifts import Shift, ShiftKind, ShiftTemplate, build_shifts
from .staff import Contract, Skill, Staff, Team

__all__ = [
    "Assignment",
    "ConsecutiveDaysRule",
    "ConsecutiveNightsRule",
    "Contract",
    "DoubleBookingRule",
    "MinRestRule",
    "NightsOptOutRule",
    "PlanResult",
    "Planner",
    "QualificationRule",
    "Rota",
    "Rule",
    "Severity",
    "Shift",
    "ShiftKind",
    "ShiftTemplate",
    "Skill",
    "Staff",
    "StaffingLevelRule",
    "Team",
    "Violation",
    "Week",
    "WeeklyHoursRule",
    "build_shifts",
    "default_rules",
    "gaps_report",
    "hours_report",
    "parse_week_label",
    "rota_to_csv",
    "staff_schedule",
    "validate",
    "week_of",
    "weeks_between",
]
