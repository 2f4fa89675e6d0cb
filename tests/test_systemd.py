"""systemd/digest.service: the keys the README promises, and `systemd-analyze verify` when present."""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parent.parent / "systemd" / "digest.service"
HARDENING = [
    "NoNewPrivileges",
    "ProtectSystem",
    "ProtectHome",
    "PrivateTmp",
    "ReadWritePaths",
    "RestrictAddressFamilies",
    "SystemCallFilter",
]


def parse_unit(text: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",), comment_prefixes=("#", ";"))
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # systemd keys are case-sensitive
    parser.read_string(text)
    return parser


def test_unit_has_the_required_keys() -> None:
    unit = parse_unit(UNIT.read_text(encoding="utf-8"))
    service = unit["Service"]
    assert service["Type"] == "exec"
    assert service.get("DynamicUser") == "yes" or service.get("User")
    assert service["StateDirectory"] == "digest"
    assert service["EnvironmentFile"].lstrip("-") == "/etc/digest/digest.env"
    assert service["Environment"] == "DIGEST_CONFIG=/etc/digest/config.yaml"
    assert service["Restart"] == "on-failure"
    assert service["ExecStart"].endswith("digest run")
    assert service["KillSignal"] == "SIGTERM"
    assert "network-online.target" in unit["Unit"]["After"]
    assert unit["Install"]["WantedBy"] == "multi-user.target"


def test_hardening_block_is_commented_out() -> None:
    lines = UNIT.read_text(encoding="utf-8").splitlines()
    for key in HARDENING:
        commented = [line for line in lines if re.match(rf"#\s*{key}=", line)]
        assert commented, f"hardening block lacks {key}"
        assert not any(line.startswith(f"{key}=") for line in lines), f"{key} should be commented out"


def test_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze not installed (apt-get install systemd)")
    binary = Path(sys.executable).parent / "digest"
    if not binary.exists():
        pytest.skip(f"no digest console script beside {sys.executable}")
    text = UNIT.read_text(encoding="utf-8")
    text, count = re.subn(r"^ExecStart=\S+", f"ExecStart={binary}", text, flags=re.MULTILINE)
    assert count == 1
    unit = tmp_path / "digest.service"
    unit.write_text(text, encoding="utf-8")
    result = subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, timeout=120, check=False
    )
    output = result.stdout + result.stderr
    # In a container systemd-analyze may warn about the host (no PID 1, other units); only
    # lines naming our unit file count.
    ours = [line for line in output.splitlines() if unit.name in line]
    assert result.returncode == 0, output
    assert ours == [], output
