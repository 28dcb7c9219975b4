"""Layering (docs/DESIGN.md §2): Textual only in ui/; domain/ pure; the CLI starts without heavy imports."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "counter_app"

FORBIDDEN_IN_DOMAIN = {
    "textual",
    "sqlmodel",
    "sqlalchemy",
    "httpx",
    "fastapi",
    "smartcard",
    "rich",
    "sqlite3",
    "requests",
    "uvicorn",
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
            if node.module.startswith("counter_app."):
                names.add(node.module)
    return names


def test_textual_only_in_ui() -> None:
    offenders = [
        str(p.relative_to(PKG))
        for p in PKG.rglob("*.py")
        if "ui" not in p.relative_to(PKG).parts[:1]
        and "cli" not in p.relative_to(PKG).parts[:1]
        and "textual" in _imports(p)
    ]
    # the board and supervisor TUIs live in ui/ too; cli only imports ui inside handlers
    assert offenders == []


def test_domain_is_pure() -> None:
    for p in (PKG / "domain").rglob("*.py"):
        bad = _imports(p) & FORBIDDEN_IN_DOMAIN
        assert not bad, f"{p.name} imports {bad}"
        assert not any(
            m.startswith(("counter_app.store", "counter_app.services", "counter_app.ui"))
            for m in _imports(p)
        ), p.name


def test_server_and_services_never_import_ui() -> None:
    for sub in ("server", "services", "store", "sync", "devices", "documents", "domain"):
        for p in (PKG / sub).rglob("*.py") if (PKG / sub).exists() else []:
            assert not any(m.startswith("counter_app.ui") for m in _imports(p)), p


def test_help_does_not_import_heavy_packages() -> None:
    code = (
        "import sys, runpy; sys.argv=['counter-app','--help']\n"
        "try:\n    runpy.run_module('counter_app', run_name='__main__')\n"
        "except SystemExit: pass\n"
        "heavy = [m for m in ('textual','sqlalchemy','sqlmodel','fastapi','httpx','smartcard','PIL','fpdf','holidays','rapidfuzz') if m in sys.modules]\n"
        "print('HEAVY:' + ','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "HEAVY:", out.stdout


def test_own_modules_are_imported_plainly() -> None:
    """No "this module may not exist in this build" guards around the project's own modules: a
    real import error must fail loudly (issue 15). Optional third-party hardware libraries
    (pyscard) are the only guarded imports."""
    allowed = {"devices/card/pcsc.py"}
    offenders = []
    for p in PKG.rglob("*.py"):
        rel = str(p.relative_to(PKG))
        if rel in allowed:
            continue
        text = p.read_text(encoding="utf-8")
        if 'find_spec("counter_app' in text or "find_spec(f\"counter_app" in text:
            offenders.append(rel + ": find_spec")
        if "except ImportError" in text or "except (ImportError" in text:
            offenders.append(rel + ": except ImportError")
    assert offenders == []


def test_screens_do_not_import_the_app() -> None:
    """Issue 16: a screen opened by the app never imports the app module back (no cycle)."""
    offenders = []
    for path in sorted((PKG / "ui" / "screens").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "counter_app.ui.app":
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def _runtime_imports(path: Path) -> set[str]:
    """The project modules `path` imports when it runs (imports under `if TYPE_CHECKING:`, for
    annotations only, do not count)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            typing_only.update(id(n) for child in node.body for n in ast.walk(child))
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return {n for n in names if n.startswith("counter_app.")}


def test_ui_goes_through_services() -> None:
    """docs/DESIGN.md §2 (issue 16): the UI displays and dispatches to services; it never drives
    a device (scanner, voice, card), the sync engine, the store, the PDF renderer or the server
    by itself."""
    below = ("counter_app.devices", "counter_app.sync", "counter_app.store",
             "counter_app.documents", "counter_app.server")
    offenders = [
        f"{p.relative_to(PKG)} → {m}"
        for p in sorted((PKG / "ui").rglob("*.py"))
        for m in sorted(_runtime_imports(p))
        if m.startswith(below)
    ]
    assert offenders == []


def test_lower_layers_and_the_server_never_import_services() -> None:
    """docs/DESIGN.md §2 (issue 16): services sit above sync, store, devices, documents,
    contracts and domain, and the server shares only domain and contracts with the counter's
    services (what both need — the catalog's validation — lives in contracts/)."""
    offenders = [
        f"{p.relative_to(PKG)} → {m}"
        for sub in ("server", "sync", "store", "devices", "documents", "contracts", "domain")
        for p in sorted((PKG / sub).rglob("*.py"))
        for m in sorted(_runtime_imports(p))
        if m.startswith(("counter_app.services", "counter_app.ui", "counter_app.cli"))
    ]
    assert offenders == []
