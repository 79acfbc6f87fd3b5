"""English and French ship complete: every catalog entry has a French translation (none fuzzy), and
the compiled .mo file says the same as the .po file."""

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = sorted(p for p in ROOT.glob("**/locale/fr/LC_MESSAGES/django.po") if ".venv" not in p.parts)
_LINE = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d\])?) "(.*)"$')


def _unescape(text: str) -> str:
    return text.encode("latin-1", "backslashreplace").decode("unicode_escape") if "\\" in text else text


def entries(text: str):
    """Dicts of the fields of each live entry of a .po file, plus 'fuzzy'."""
    for block in re.split(r"\n\s*\n", text):
        parts, current = {}, None
        for line in block.splitlines():
            if line.startswith("#~"):
                parts = {}
                break
            match = _LINE.match(line)
            if match:
                current = match.group(1)
                parts[current] = match.group(2)
            elif line.startswith('"') and current:
                parts[current] += line[1:-1]
        if parts.get("msgid"):
            parts["fuzzy"] = bool(re.search(r"^#,.*\bfuzzy\b", block, re.M))
            yield {k: _unescape(v) if isinstance(v, str) else v for k, v in parts.items()}


def test_there_are_french_catalogs():
    assert CATALOGS, "no French catalogs found"


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalog_is_complete_and_compiled(catalog):
    found = list(entries(catalog.read_text(encoding="utf-8")))
    missing = [e["msgid"] for e in found
               if e["fuzzy"] or not all(v for k, v in e.items() if k.startswith("msgstr"))]
    assert not missing, f"{len(missing)} untranslated or fuzzy entries, e.g. {missing[:5]}"
    compiled = catalog.with_suffix(".mo")
    assert compiled.exists(), "compile the catalog: make messages"
    with compiled.open("rb") as handle:
        mo = gettext.GNUTranslations(handle)
    stale = [e["msgid"] for e in found if "msgstr" in e and "msgctxt" not in e
             and mo.gettext(e["msgid"]) != e["msgstr"]]
    assert not stale, f"the .mo is out of date for {stale[:5]}: run make messages"


def _msgids(path: Path) -> set[str]:
    return {e["msgid"] for e in entries(path.read_text(encoding="utf-8"))}


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs gettext's xgettext (make test installs it as root)")
def test_every_string_in_the_code_is_in_a_catalog(tmp_path):
    """Run makemessages on a copy of the tree: no catalog may gain an entry (a string nobody translated)."""
    copy = tmp_path / "tree"
    shutil.copytree(ROOT / "octip", copy / "octip", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", copy / "templates")
    shutil.copytree(ROOT / "locale", copy / "locale")
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    env = {**os.environ, "PYTHONPATH": str(copy), "OCTIP_VAR_DIR": str(tmp_path / "var")}
    subprocess.run([sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-location", "-i", "var/*"],
                   cwd=copy, env=env, check=True, capture_output=True, timeout=300)
    missing = {}
    for catalog in CATALOGS:
        fresh = copy / catalog.relative_to(ROOT)
        new = _msgids(fresh) - _msgids(catalog)
        if new:
            missing[str(catalog.relative_to(ROOT))] = sorted(new)[:5]
    assert not missing, f"strings missing from the French catalogs (run make messages, then translate): {missing}"
