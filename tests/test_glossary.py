"""Plain words: every acronym a page shows is explained on that page, and codes are shown as
words everywhere but in downloads."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from posture.analysis import glossary, labels
from schemas import REGISTRY, TableSpec

ROOT = Path(__file__).resolve().parents[1]
ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]+(?:-[A-Z]{2,})?\b")
# Upper-case words in the code's strings that readers never see as terms: file names, date
# formats, colours, identifiers and protocol names in server messages.
NOT_TERMS = {
    "README", "CHANGELOG", "CITATION", "TABLE", "TABLES", "REGISTRY", "ORIGINS", "YYYY-MM",
    "DD", "YYYYMMDD", "START", "END", "M12", "MS", "ACK", "ASGI", "HTTP", "HTML", "PNG",
    "D55E00", "E69F00", "CC79A7", "B77A00", "CHANGES", "FILE", "M1", "CYP", "IRN", "IRQ", "ISR",
    "JOR", "KWT", "LBN", "SYR", "TUR", "SAU", "M3", "M6", "NSEWO", "SW", "PATH",
    "PYTHONDONTWRITEBYTECODE", "SIGTERM", "SIGINT", "TCP",
}  # fmt: skip
# (Three-letter country codes key the map outlines and are never shown; FILE is a command
# placeholder; M1 a plotly tick step.)


def _strings(path: Path) -> list[str]:
    return [
        node.value
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_every_acronym_in_the_app_is_in_the_glossary():
    """Every acronym written in the pages, the analysis or the app layer has a glossary entry
    (or is a file name, format or identifier readers never see as a term)."""
    files = [*ROOT.glob("pages/*.py"), *ROOT.glob("posture/analysis/*.py")]
    files += [*ROOT.glob("posture/app/*.py"), *ROOT.glob("schemas/*.py")]
    unexplained = {
        f"{word} ({path.relative_to(ROOT)})"
        for path in files
        if path.name != "glossary.py"
        for text in _strings(path)
        for word in ACRONYM.findall(text)
        if word not in glossary.GLOSSARY and word not in NOT_TERMS
    }
    assert not unexplained, sorted(unexplained)


def test_glossary_entries_explain_their_own_acronyms():
    """A definition that uses an acronym defines it too (no entry sends the reader on to an
    unexplained term)."""
    used = {
        word
        for expansion, definition in glossary.GLOSSARY.values()
        for word in ACRONYM.findall(f"{expansion} {definition}")
    }
    assert not {w for w in used if w not in glossary.GLOSSARY and w not in NOT_TERMS}


def test_explain_refuses_unknown_terms():
    with pytest.raises(KeyError, match="not in the glossary: XYZ"):
        glossary.explain("OIR", "XYZ")
    assert glossary.explain("OIR").startswith("**OIR** (Operation Inherent Resolve): ")


def test_labels_cover_every_code_readers_see():
    """Every code of an enumerated column whose codes are not already plain words has a label,
    from the schemas' one mapping."""
    plain = re.compile(r"^[A-Za-z]+(?:,? [A-Za-z]+)*$")  # 'Iraq, Syria and Jordan', 'rocket'
    missing = [
        f"{spec.name}.{column}={code}"
        for spec in REGISTRY.values()
        for column in spec.columns
        for code in spec.enum_values(column)
        if labels.label(column, code) == code
        and not (plain.match(code) and all(w[1:].islower() for w in code.replace(",", "").split()))
        and code not in glossary.GLOSSARY
    ]
    assert not missing, missing


def test_labels_replace_codes_on_screen_only():
    import pandas as pd

    frame = pd.DataFrame({"weapon": ["small_arms", None], "killed": [1, 2], "x": ["ied", "a"]})
    shown = labels.humanize(frame)
    assert shown["weapon"].tolist()[0] == "small arms" and pd.isna(shown["weapon"].iloc[1])
    assert shown["x"].tolist() == ["ied", "a"]  # not a labelled column
    assert frame["weapon"].tolist()[0] == "small_arms"  # the original keeps the codes


def test_one_code_one_label_across_tables():
    """Two tables labelling one code two ways is refused with both tables named."""
    import pandera.pandas as pa

    class M(pa.DataFrameModel):
        kind: str

    one = TableSpec(name="one", model=M, title="One", primary_key=("kind",),
                    labels={"kind": {"x": "ex"}})  # fmt: skip
    two = TableSpec(name="two", model=M, title="Two", primary_key=("kind",),
                    labels={"kind": {"x": "why"}})  # fmt: skip
    with pytest.raises(labels.VocabularyConflict, match="'ex' in one and 'why' in two"):
        labels.merge([one, two], {})


def test_data_dictionary_gives_the_words_for_codes():
    """The download's data dictionary says how each code is shown (the CSV keeps the code)."""
    from posture.data.docs import data_dictionary

    d = data_dictionary().set_index(["table", "column"])
    assert "ied = roadside bomb (IED)" in d.loc[("incidents", "weapon"), "codes shown as"]
    assert d.loc[("incidents", "summary"), "codes shown as"] == ""
