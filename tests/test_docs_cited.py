"""Every design or domain section the code cites ("docs/DESIGN.md §4.9") is in the repository:
the file under docs/, its section ("## 4."), and the numbered point in that section ("9. …" or
"### 4.9"), so a newcomer can read what a comment leans on."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CITATION = re.compile(r"docs/([A-Z]+)\.md((?:,? *§\d+(?:\.\d+)?(?:[–-]\d+(?:\.\d+)?)?)*)")
SECTION = re.compile(r"§(\d+)(?:\.(\d+))?")


def _sections(doc: str) -> dict[str, str]:
    """Section number → its text (from its "## N." heading to the next one)."""
    parts = re.split(r"^## (\d+)\.", doc, flags=re.MULTILINE)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def _has_point(body: str, section: str, point: str) -> bool:
    return bool(re.search(rf"^(### {section}\.{point}\b|\s*{point}\. |\*\*{point}\.)", body,
                          flags=re.MULTILINE))


def test_every_cited_section_is_in_docs() -> None:
    cited: list[tuple[str, str, str, str | None]] = []
    for folder in ("counter_app", "tests", "benchmarks", "scripts", "assets"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".md") or not path.is_file():
                continue
            for m in CITATION.finditer(path.read_text("utf-8")):
                where = str(path.relative_to(ROOT))
                if not m.group(2):
                    cited.append((where, m.group(1), "", None))
                for s in SECTION.finditer(m.group(2)):
                    cited.append((where, m.group(1), s.group(1), s.group(2)))
    assert len(cited) > 40  # the scan found the citations (41 when this test was written)
    missing = []
    for where, name, section, point in cited:
        doc_path = ROOT / "docs" / f"{name}.md"
        if not doc_path.exists():
            missing.append(f"{where}: docs/{name}.md does not exist")
            continue
        if not section:
            continue
        body = _sections(doc_path.read_text("utf-8")).get(section)
        if body is None:
            missing.append(f"{where}: docs/{name}.md has no section {section}")
        elif point is not None and not _has_point(body, section, point):
            missing.append(f"{where}: docs/{name}.md §{section} has no point {point}")
    assert not missing, "\n".join(missing)
