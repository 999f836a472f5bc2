"""The operator's pages hold to the code: every setting documented, every link between pages lands."""

from __future__ import annotations

import re
from pathlib import Path

from backstock.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def test_settings_page_names_every_setting_and_no_other() -> None:
    page = (ROOT / "docs" / "settings.md").read_text()
    documented = set(re.findall(r"^\| `BACKSTOCK_([A-Z0-9_]+)` \|", page, flags=re.MULTILINE))
    assert documented == {name.upper() for name in Settings.model_fields}


def anchors(page: Path) -> set[str]:
    """GitHub's heading ids: lower case, punctuation dropped, spaces as hyphens."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(), flags=re.MULTILINE)
    return {re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-") for heading in headings}


def test_links_between_pages_land_on_a_page_and_a_heading() -> None:
    broken = []
    for page in PAGES:
        for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text()):
            if re.match(r"[a-z]+:", target):
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.exists() or (anchor and linked.suffix == ".md" and anchor not in anchors(linked)):
                broken.append(f"{page.relative_to(ROOT)} -> {target}")
    assert broken == []
