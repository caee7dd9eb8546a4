from __future__ import annotations

from pathlib import Path

import pytest

from meterpoint import cli

ROWS = """meter_id,timestamp,value,unit
MP-1,2024-01-01 00:30,0.5,kWh
MP-1,2024-01-01 01:00,1.5,kWh
MP-1,2024-01-01 08:00,2000,Wh
"""


@pytest.fixture()
def readings_file(tmp_path: Path) -> str:
    path = tmp_path / "readings.csv"
    path.write_text(ROWS, encoding="utf-8")
    return str(path)


def test_summary(readings_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["summary", readings_file]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "readings: 3",
        "total: 4.000 kWh",
        "peak: 2024-01-01 08:00 (2.000 kWh, 4.000 kW)",
    ]


def test_summary_in_other_unit_and_period(
    readings_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["summary", readings_file, "--unit", "Wh", "--since", "2024-01-01 00:30"]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "readings: 2" in out
    assert "total: 3500.000 Wh" in out


def test_cost(readings_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["cost", readings_file, "--tariff", "00:00-07:00@10,07:00-00:00@30"]
    assert cli.main(argv) == 0
    assert capsys.readouterr().out.splitlines() == [
        "00:00-07:00@10: 20.00",
        "07:00-00:00@30: 60.00",
        "total: 80.00",
    ]


def test_convert(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["convert", "36", "mj", "kwh"]) == 0
    assert capsys.readouterr().out.strip() == "10.000 kWh"


def test_bad_input_returns_one(readings_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["summary", readings_file, "--until", "tomorrow"]) == 1
    assert "error:" in capsys.readouterr().err
    assert cli.main(["summary", "/nonexistent/readings.csv"]) == 1
