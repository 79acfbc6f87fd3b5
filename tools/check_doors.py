"""The faces reach protected rows only through selectors and services.

A view or an API handler (``views.py``, ``views_*.py``, ``api.py``, ``api_*.py`` in any app) must not
touch the manager of a protected model (``Case.objects``, ``m.Person._default_manager``...), nor hand
the model to ``get_object_or_404``, which uses that manager: a read there skips the selector that
scopes it and audits it once, and a write skips the service.

Names are resolved through the module's imports (``from .models import Case as C``, ``from . import
models as m``, ``import octip.cases.models``, imports inside functions), so an alias does not hide a
model and a model of the same name elsewhere (the directory's ``Contact``) is not mistaken for it.
Not seen: a model reached through an instance (``type(case).objects``) or a variable.

Run ``python tools/check_doors.py``; ``tests/core/test_doors_check.py`` runs it in ``make test``.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

#: The models whose rows identify a person or decide who may see them.
PROTECTED = frozenset({
    "octip.cases.models.Case",
    "octip.cases.models.Person",
    "octip.consent.models.Consent",
    "octip.referrals.models.Referral",
    "octip.referrals.models.Transfer",
    "octip.hotline.models.Contact",
})
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
#: Shortcuts that query the default manager of a model handed to them.
SHORTCUTS = frozenset(f"django.shortcuts.{name}" for name in (
    "get_object_or_404", "get_list_or_404", "aget_object_or_404", "aget_list_or_404"))

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    use: str
    model: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.use} reaches {self.model} past the selectors"


def is_face(path: Path) -> bool:
    """A module that serves requests: a view or an API handler."""
    name = path.stem
    in_face_package = any(part in {"views", "api"} for part in path.parent.parts)
    return path.suffix == ".py" and (name in {"views", "api"} or name.startswith(("views_", "api_"))
                                     or in_face_package)


def face_files(root: Path = ROOT) -> list[Path]:
    return sorted(p for p in (root / "octip").rglob("*.py") if is_face(p.relative_to(root)))


def module_of(path: Path, root: Path = ROOT) -> tuple[str, bool]:
    """(dotted module name, whether it is a package's ``__init__``)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        return ".".join(parts[:-1]), True
    return ".".join(parts), False


def _absolute(module: str | None, level: int, here: str, is_package: bool) -> str:
    if level == 0:
        return module or ""
    package = here.split(".") if is_package else here.split(".")[:-1]
    base = package[:len(package) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _bindings(tree: ast.AST, here: str, is_package: bool) -> dict[str, set[str]]:
    """What each imported name may stand for, from every import in the module, at any depth."""
    bound: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    bound.setdefault(alias.asname, set()).add(alias.name)
                else:  # ``import a.b.c`` binds ``a``
                    top = alias.name.split(".")[0]
                    bound.setdefault(top, set()).add(top)
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(node.module, node.level, here, is_package)
            for alias in node.names:
                if alias.name == "*":
                    for qualified in PROTECTED | SHORTCUTS:
                        if qualified.rpartition(".")[0] == source:
                            bound.setdefault(qualified.rpartition(".")[2], set()).add(qualified)
                else:
                    bound.setdefault(alias.asname or alias.name, set()).add(f"{source}.{alias.name}")
    return bound


def _qualified(expr: ast.expr, bound: dict[str, set[str]]) -> set[str]:
    if isinstance(expr, ast.Name):
        return bound.get(expr.id, set())
    if isinstance(expr, ast.Attribute):
        return {f"{prefix}.{expr.attr}" for prefix in _qualified(expr.value, bound)}
    return set()


def _protected(expr: ast.expr, bound: dict[str, set[str]]) -> str | None:
    return next(iter(sorted(_qualified(expr, bound) & PROTECTED)), None)


def check_source(source: str, *, module: str, is_package: bool = False, path: str = "") -> list[Finding]:
    tree = ast.parse(source, filename=path or module)
    bound = _bindings(tree, module, is_package)
    found: list[Finding] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            model = _protected(node.value, bound)
            if model:
                found.append(Finding(path or module, node.lineno, f"{ast.unparse(node)}", model))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            if _qualified(func, bound) & SHORTCUTS or (isinstance(func, ast.Name) and func.id == "getattr"
                                                       and _is_manager_name(node.args[1:2])):
                model = _protected(node.args[0], bound)
                if model:
                    found.append(Finding(path or module, node.lineno,
                                         f"{ast.unparse(func)}({ast.unparse(node.args[0])}, ...)", model))
    return sorted(found)


def _is_manager_name(args: list[ast.expr]) -> bool:
    return bool(args) and isinstance(args[0], ast.Constant) and args[0].value in MANAGERS


def check(paths: Iterable[Path], root: Path = ROOT) -> Iterator[Finding]:
    for path in paths:
        module, is_package = module_of(path, root)
        yield from check_source(path.read_text(encoding="utf-8"), module=module, is_package=is_package,
                                path=str(path.relative_to(root)))


def main() -> int:
    findings = list(check(face_files()))
    for finding in findings:
        print(finding)
    if findings:
        print(f"{len(findings)} use(s) of a protected model's manager in views or API handlers: read through a "
              "selector (cases.selectors...) and write through a service instead.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
