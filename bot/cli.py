"""Haven's command line: ``run``, ``chat``, ``flows check``/``diagram`` and the translators' ``locales`` tools.

Exit status: 0 success, 1 a check found problems, 2 misconfiguration (one clear line).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot import logs
from bot.config import ConfigError, Settings, load_settings
from bot.i18n.shipped import SHIPPED_LOCALES
from bot.yamlsrc import SourceError

log = logging.getLogger("bot")
_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)

DESCRIPTION = """\
Haven: an anonymous chat assistant for survivors of domestic violence, sexual violence
and human trafficking. Configuration comes from environment variables (see README.md)."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="haven", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    commands.add_parser(
        "run",
        help="serve Telegram (long polling, or a webhook when WEBHOOK_URL is set) plus /healthz and /metrics",
        description="Serve the conversation on Telegram. Needs TELEGRAM_BOT_TOKEN and HAVEN_SECRET_KEY.",
    )
    chat = commands.add_parser(
        "chat",
        help="talk to Haven in this terminal (no token, no Redis to install)",
        description="Talk to Haven in the terminal. Type a button's number or label, or any text; "
        "/menu, /language, /exit and /quit work. Reads a script from stdin when piped.",
    )
    chat.add_argument("--lang", metavar="CODE", help=f"start in this language ({', '.join(SHIPPED_LOCALES)})")

    flows = commands.add_parser("flows", help="check the conversation flows", description="Flow tools.")
    flows_cmd = flows.add_subparsers(dest="action", metavar="ACTION", required=True)
    flows_cmd.add_parser("check", help="validate flows, the help directory and rights content (file:line problems)")
    diagram = flows_cmd.add_parser("diagram", help="draw each flow as a Mermaid diagram (flows/diagrams/<flow>.md)")
    diagram.add_argument("--out", metavar="DIR", type=Path, help="write the diagrams here instead of flows/diagrams/")

    directory = commands.add_parser("directory", help="check the help directory", description="Help directory tools.")
    directory_cmd = directory.add_subparsers(dest="action", metavar="ACTION", required=True)
    directory_cmd.add_parser("check", help="validate flows/directory/*.yaml and report problems as file:line")

    locales = commands.add_parser(
        "locales", help="translators' tools (see TRANSLATING.md)", description="Catalog tools wrapping Babel."
    )
    locales_cmd = locales.add_subparsers(dest="action", metavar="ACTION", required=True)
    locales_cmd.add_parser("extract", help="collect every text from code and flows into locales/messages.pot")
    update = locales_cmd.add_parser("update", help="merge the template into every locale's messages.po (keeps translations)")
    update.add_argument("--locale", help="only this locale; starts its catalog when it has none yet")
    locales_cmd.add_parser("compile", help="compile .po to .mo (for other tools; Haven itself reads the .po files)")
    locales_cmd.add_parser("check", help="find broken or missing translations and revealing first lines; non-zero exit when any")
    locales_cmd.add_parser("stats", help="per-locale translated and safety-critical percentages")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(need_telegram=args.command == "run", demo=args.command != "run")


def _report(problems: list[str]) -> int:
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(problems)} problem(s)", file=sys.stderr)
    return 1


def _flows_check(settings: Settings) -> int:
    from bot.app import load_static

    try:
        data = load_static(settings.data_dir)
    except SourceError as exc:
        return _report(exc.problems)
    services = sum(len(data.directory.find(code, None, None, _EPOCH)) for code in data.directory.countries())
    cards = sum(len(j.decks.get(s, ())) for j in data.rights.jurisdictions.values() for s in j.decks)
    print(f"flows ok: {len(data.flows.nodes)} nodes, {services} services, {cards} rights cards")
    return 0


def _flows_diagram(settings: Settings, out: Path | None) -> int:
    from bot.app import load_static
    from bot.tools.diagrams import write_diagrams

    written = write_diagrams(load_static(settings.data_dir).flows, out or settings.data_dir / "flows" / "diagrams")
    print("wrote " + ", ".join(str(path) for path in written))
    return 0


def _directory_check(settings: Settings) -> int:
    from bot.directory import check

    problems = check(settings.data_dir / "flows" / "directory")
    if problems:
        return _report(problems)
    print("directory ok")
    return 0


def _locales(action: str, data_dir: Path, locale: str | None) -> int:
    """The translators' tools (see TRANSLATING.md)."""
    from bot.tools import catalogs, locales

    if action == "extract":
        template = locales.extract(data_dir)
        print(f"{locales.template_path(data_dir)}: {len(template)} messages")
        return 0
    if action == "update":
        print("updated: " + ", ".join(locales.update(data_dir, locale)))
        return 0
    if action == "compile":
        print(f"compiled {len(locales.compile_all(data_dir))} catalogs")
        return 0
    if action == "check":
        problems = catalogs.check_all(data_dir)
        for problem in problems:
            print(problem)
        print(f"{len(problems)} problem(s)")
        return 1 if problems else 0
    print(catalogs.stats_table(data_dir))
    return 0


async def _chat(settings: Settings, lang: str | None) -> int:
    from bot.app import Haven, load_static
    from bot.channels.console import chat
    from bot.escalation.replies import no_desk

    if lang is not None and lang not in SHIPPED_LOCALES:
        print(f"haven chat: unknown language {lang!r}; use one of {', '.join(SHIPPED_LOCALES)}", file=sys.stderr)
        return 2
    async with Haven(settings, load_static(settings.data_dir)) as haven:
        assert haven.runtime is not None
        # The flood limit protects a shared bot from one chat; a translator's piped script of
        # a hundred lines is that terminal's only user and must reach its end.
        haven.runtime.flood_limit = sys.maxsize
        await chat(haven.runtime, lang, no_desk, haven.data.directory)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``haven`` and ``python -m bot``."""
    args = _parser().parse_args(argv)
    try:
        settings = _settings(args)
    except ConfigError as exc:
        print(f"haven: configuration error: {exc}", file=sys.stderr)
        return 2
    # The terminal chat keeps its screen for the conversation: only warnings go to stderr.
    level = "WARNING" if args.command == "chat" and settings.log_level == "INFO" else settings.log_level
    logs.configure(level, settings.secrets)
    try:
        if args.command == "flows" and args.action == "diagram":
            return _flows_diagram(settings, args.out)
        if args.command == "flows":
            return _flows_check(settings)
        if args.command == "directory":
            return _directory_check(settings)
        if args.command == "chat":
            return asyncio.run(_chat(settings, args.lang))
        if args.command == "locales":
            return _locales(args.action, settings.data_dir, getattr(args, "locale", None))
        from bot.server import serve

        return asyncio.run(serve(settings))
    except SourceError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`haven chat | head`): stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
