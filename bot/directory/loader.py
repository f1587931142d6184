"""Read ``flows/directory/*.yaml`` into :mod:`bot.directory.model` values, checking everything.

The format is documented in ``flows/directory/README.md``. Every problem is collected and
reported as ``path:line: [code] message`` so one run of the checker shows the whole list; the
codes are the README's "Rule codes".

Files are read by :func:`bot.yamlsrc.load` with ``as_text=True``: every scalar stays the exact
text the person typed. Phone numbers such as ``0800 2000`` or ``016`` and times such as
``22:00`` would otherwise be turned into integers (YAML 1.1 reads ``22:00`` as 1320), and a
number that silently changes is the worst bug this file can have. Only ``true``/``false``
and empty values are interpreted. A key given twice is an error, not a silent overwrite.

This module walks the files; ``entries.py`` checks one service or emergency entry,
``channels.py`` the ways to reach a service, ``fields.py`` the types of the values.
"""

from __future__ import annotations

from pathlib import Path

from bot import yamlsrc
from bot.directory.entries import country, read_emergency, read_service
from bot.directory.fields import Fields, country_codes
from bot.directory.model import KINDS, Emergency, Service
from bot.problems import Problems, SourceError, code_of
from bot.yamlsrc import Mapping

__all__ = ["FORMAT_VERSION", "KINDS", "DirectoryError", "check", "country_codes", "read_directory"]

FORMAT_VERSION = 1
_FILE_KEYS = {"version", "country", "emergency", "services"}


class DirectoryError(SourceError):
    """The directory files have problems; ``problems`` lists them as ``path:line: [code] message``.

    ``Directory.load`` raises it from the formatted lines alone, so the codes are read back
    from them when not given.
    """

    def __init__(self, problems: list[str], codes: tuple[str, ...] = ()) -> None:
        super().__init__(problems, codes or tuple(code_of(problem) for problem in problems))


def _read_file(file_path: Path, problems: Problems, first_seen: dict[str, str]) -> tuple[list[Service], Emergency | None]:
    """The services and the emergency entry of one file; ``first_seen`` spans all files."""
    file = str(file_path)
    try:
        data = yamlsrc.load(file_path, file, as_text=True)
    except SourceError as exc:
        problems.merge(exc)
        return [], None
    if data is None:
        return [], None
    if not isinstance(data, Mapping):
        problems.add(file, 1, "wrong-type", "a directory file is a mapping with version, country, services")
        return [], None
    fields = Fields(data, _FILE_KEYS, "directory file", file, problems)
    if data.get("version") != str(FORMAT_VERSION):
        fields.error("version", "wrong-version", f"'version' must be {FORMAT_VERSION}")
    file_country = country(fields, "country")
    if "country" not in data:
        fields.at(data.line, "missing-field", "missing 'country'")
    raw_emergency = fields.mapping("emergency")
    emergency = read_emergency(raw_emergency, file_country, fields) if raw_emergency is not None and file_country else None
    services: list[Service] = []
    for item, line in fields.items("services"):
        if not isinstance(item, Mapping):
            fields.at(line, "wrong-type", "a service must be a mapping")
            continue
        service_id = item.get("id")
        if isinstance(service_id, str):
            if service_id in first_seen:
                fields.at(item.line_of("id"), "duplicate-id", f"duplicate id '{service_id}' (first at {first_seen[service_id]})")
                continue
            first_seen[service_id] = f"{file}:{item.line_of('id')}"
        service = read_service(item, file_country, fields)
        if service:
            services.append(service)
    return services, emergency


def read_directory(path: Path) -> tuple[list[Service], dict[str, Emergency], list[str]]:
    """Every service and emergency entry under ``path`` plus all problems found."""
    problems = Problems()
    services: list[Service] = []
    emergencies: dict[str, Emergency] = {}
    first_seen: dict[str, str] = {}
    files = sorted(p for p in path.glob("*.yaml") if p.is_file())
    if not files:
        problems.add(str(path), 0, "no-files", "no directory files (*.yaml) found")
    for file_path in files:
        found, emergency = _read_file(file_path, problems, first_seen)
        services.extend(found)
        if emergency is not None and emergency.country is not None:
            emergencies[emergency.country] = emergency
    return services, emergencies, [str(problem) for problem in problems.items]


def check(path: Path) -> list[str]:
    """All problems in the directory at ``path`` as ``path:line: [code] message``; empty when valid."""
    return read_directory(path)[2]
