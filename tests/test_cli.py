"""The command line: help, version, datasets, and one-line errors."""

from __future__ import annotations

import subprocess
import sys

import pytest

import migecon
from migecon.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"migecon {migecon.__version__}"


def test_help_lists_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "demo" in out and "datasets" in out


def test_no_command_prints_help_and_fails(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "usage: migecon" in capsys.readouterr().out


def test_datasets_lists_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["datasets"]) == 0
    assert "remittances_sim" in capsys.readouterr().out


def test_console_script_runs() -> None:
    done = subprocess.run([sys.executable, "-m", "migecon.cli", "--version"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stdout.startswith("migecon ")


def test_output_piped_into_a_reader_that_stops_early_is_not_a_traceback() -> None:
    # `migecon replicate --list | head -0`: the reader is gone before migecon writes.
    reader = subprocess.Popen([sys.executable, "-c", "pass"], stdin=subprocess.PIPE)
    reader.wait()
    done = subprocess.run([sys.executable, "-m", "migecon.cli", "replicate", "--list"],
                          stdout=reader.stdin, stderr=subprocess.PIPE, text=True, check=False)
    reader.stdin.close()
    assert done.returncode == 141, done.stderr
    assert "Traceback" not in done.stderr and "Exception ignored" not in done.stderr
