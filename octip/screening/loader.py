"""Load the framework data files (``frameworks/*.yaml``) into the Framework table.

Idempotent: a version already stored with the same definition is left alone. A stored version
whose definition differs from the file is never overwritten (screenings were scored with it);
it is reported so that whoever edited the file bumps its ``version``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .definition import InvalidFramework, parse_yaml

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "frameworks"


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)


def framework_files(directory: Path = FRAMEWORKS_DIR) -> list[Path]:
    return sorted(directory.glob("*.yaml"))


def load_frameworks(framework_model, directory: Path = FRAMEWORKS_DIR) -> LoadReport:
    """Takes the model so that a data migration can pass its historical one.

    Raises ``InvalidFramework`` (naming the file) before writing anything if any file is invalid.
    """
    definitions = []
    for path in framework_files(directory):
        try:
            definition = parse_yaml(path.read_text(encoding="utf-8"))
        except InvalidFramework as invalid:
            raise InvalidFramework([f"{path.name}: {problem}" for problem in invalid.problems]) from None
        if definition["id"] != path.stem:
            raise InvalidFramework([f"{path.name}: id {definition['id']!r} must match the file name."])
        definitions.append(definition)
    report = LoadReport()
    for definition in definitions:
        label = f"{definition['id']} v{definition['version']}"
        stored = framework_model.objects.filter(slug=definition["id"], version=definition["version"]).first()
        if stored is None:
            framework_model.objects.create(
                slug=definition["id"], version=definition["version"], status=definition["status"],
                title=definition["title"]["en"][:200], definition=definition, source="file")
            report.created.append(label)
        elif stored.definition == definition:
            report.unchanged.append(label)
        else:
            report.conflicts.append(label)
    return report
