"""The command line as an operator and a translator use it: real subprocesses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456789:AAFakeTokenForTestsOnly_abcdefghijkl"


def haven(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEBHOOK_", "REDIS_", "HAVEN_", "PORT", "LOG_"))
    }
    clean.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, capture_output=True, text=True, env=clean, cwd=ROOT, timeout=timeout
    )


def test_help_lists_every_command() -> None:
    result = haven("--help")
    assert result.returncode == 0
    for command in ("run", "chat", "flows", "locales"):
        assert command in result.stdout


@pytest.mark.parametrize(
    ("env", "line_start"),
    [
        ({}, "haven: configuration error: TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "nonsense"}, "haven: configuration error: TELEGRAM_BOT_TOKEN does not look like a bot token"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN}, "haven: configuration error: HAVEN_SECRET_KEY is not set"),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "HAVEN_SECRET_KEY": "s" * 40, "PORT": "http"},
            "haven: configuration error: PORT must be a whole number",
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "HAVEN_SECRET_KEY": "s" * 40, "WEBHOOK_URL": "https://example.org/tg"},
            "haven: configuration error: WEBHOOK_URL is set but WEBHOOK_SECRET is not",
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "HAVEN_SECRET_KEY": "short"},
            "haven: configuration error: HAVEN_SECRET_KEY must be at least 32",
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "HAVEN_SECRET_KEY": "s" * 40, "REDIS_URL": "mysql://x"},
            "haven: configuration error: REDIS_URL must start",
        ),
    ],
)
def test_misconfiguration_is_one_clear_line_and_exit_status_2(env: dict[str, str], line_start: str) -> None:
    result = haven("run", env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(line_start), result.stderr
    assert TOKEN not in result.stderr


def test_flows_check_passes_on_the_shipped_flows() -> None:
    result = haven("flows", "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("flows ok")


def test_flows_check_reports_file_and_line(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "flows", tmp_path / "flows")
    shutil.copytree(ROOT / "locales", tmp_path / "locales")
    path = tmp_path / "flows" / "main.yaml"
    path.write_text(path.read_text().replace("goto: help.start", "goto: help.nowhere"))
    result = haven("flows", "check", env={"HAVEN_DATA_DIR": str(tmp_path)})
    assert result.returncode == 1
    assert "flows/main.yaml:" in result.stderr and "unknown target 'help.nowhere'" in result.stderr


SCRIPT_EN = """\
1
5
/language
Español
/menu
/exit
"""


def test_a_scripted_terminal_conversation() -> None:
    result = haven("chat", stdin="hello\n" + SCRIPT_EN)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("Hello, I'm Haven.")
    assert (
        "  [1] Know my rights\n  [2] Find help\n  [3] Talk to a person\n  [4] I'm in danger\n  [5] Language\n  [6] Exit\n" in out
    )
    assert "> 1\nWhich is closest to what is happening?" in out
    assert "> 5\nWhat would you like to do?" in out  # [5] on the rights page is Back
    assert "> Español\n" in out
    assert "> /menu\n¿Qué te gustaría hacer?\n  [1] Conocer mis derechos" in out
    assert out.rstrip().endswith("Listo. Escribe cuando quieras para empezar de nuevo.\n  [1] ¿Qué no se puede borrar?")
    assert result.stderr == ""


def test_a_long_piped_script_is_never_throttled() -> None:
    """Translators walk a locale with a piped script; the flood limit must not cut it short."""
    result = haven("chat", stdin="/menu\n" * 40)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("What would you like to do?") >= 40
    assert "wait" not in result.stdout.lower()


def test_an_unknown_language_for_chat_is_one_clear_line_and_exit_status_2() -> None:
    result = haven("chat", "--lang", "xx")
    assert result.returncode == 2
    assert result.stderr.startswith("haven chat: unknown language 'xx'") and result.stderr.count("\n") == 1
