"""The dashboard's pages (one list that the entry script and every test use) and navigation."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[2]
PAGES_DIR = ROOT / "pages"
STATIC = ROOT / "static"


@dataclass(frozen=True)
class PageSpec:
    """One page: its file under pages/, its title and its Material icon."""

    file: str
    title: str
    icon: str

    @property
    def name(self) -> str:
        """The page's short name (its file name without .py), as in its widget keys."""
        return self.file.removesuffix(".py")

    @property
    def path(self) -> Path:
        """The page script."""
        return PAGES_DIR / self.file


# Every page in navigation order; the first is the default.
PAGES = [
    PageSpec("overview.py", "Overview", "dashboard"),
    PageSpec("troops.py", "Troops", "groups"),
    PageSpec("bases.py", "Bases", "map"),
    PageSpec("nations.py", "Nations", "flag"),
    PageSpec("incidents.py", "Incidents", "crisis_alert"),
    PageSpec("compare.py", "Iraq vs Syria", "compare"),
    PageSpec("plans.py", "Plans vs reality", "checklist"),
    PageSpec("data.py", "Data", "table_view"),
    PageSpec("sources.py", "Sources & method", "menu_book"),
    PageSpec("releases.py", "What's new", "new_releases"),
]

# The icon as a data URL: given a file, Streamlit would read and register it on every run.
FAVICON = (
    "data:image/png;base64," + base64.b64encode((STATIC / "favicon.png").read_bytes()).decode()
)
# Set while the entry script runs a page, so a page can tell it was reached through
# st.navigation (see ensure_navigation).
_RUN = threading.local()


def configure_page() -> None:
    """Title, icon and wide layout of every page (the entry script calls this first)."""
    st.set_page_config(page_title="Coalition Posture Dashboard", page_icon=FAVICON, layout="wide")


def page_list(default: bool = True) -> list[st.Page]:
    """``st.Page`` objects for every page; the first is the default unless ``default`` is
    False (the benchmarks put a trivial page first)."""
    return [
        st.Page(
            str(page.path),
            title=page.title,
            icon=f":material/{page.icon}:",
            default=default and i == 0,
        )
        for i, page in enumerate(PAGES)
    ]


def run(pages: list[st.Page]) -> None:
    """Run the page the URL names through ``st.navigation`` (what dashboard.py does), then
    what the page asked to draw at its end (see :func:`at_end`)."""
    page = st.navigation(pages)
    _RUN.navigated = True
    _RUN.at_end = []
    try:
        page.run()
        end_page()
    finally:
        _RUN.navigated = False
        _RUN.at_end = []


def at_end(draw: Callable[[], None]) -> None:
    """Draw ``draw()`` once the page has drawn everything else (the sidebar's citation needs
    the page's filters in the URL, which the page sets as it draws its widgets)."""
    if not hasattr(_RUN, "at_end"):
        _RUN.at_end = []
    _RUN.at_end.append(draw)


def end_page() -> None:
    """Draw what :func:`at_end` collected, once; a page that stops early calls this first."""
    waiting, _RUN.at_end = getattr(_RUN, "at_end", []), []
    for draw in waiting:
        draw()


def ensure_navigation() -> None:
    """Rerun through the entry script when Streamlit ran a page file on its own.

    Until some session of a fresh server has run the entry script, Streamlit treats a
    ``pages/`` folder as an old-style multipage app and runs a page opened by its URL (a copied
    link) as a standalone script. Declaring the navigation (``st.navigation``) ends that mode
    for the server, and the rerun lands on the same page through dashboard.py.
    """
    if not getattr(_RUN, "navigated", False):
        configure_page()
        st.navigation(page_list(), position="hidden")
        st.rerun()
