"""Generated README sections: the data contract and the coverage table."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from posture.data.datapackage import table_fields
from posture.data.dataset import Dataset
from schemas import REGISTRY

MARKER = re.compile(r"(<!-- (?P<name>[a-z]+):start -->\n).*?(<!-- (?P=name):end -->)", re.DOTALL)


def constraint_text(field: dict[str, Any]) -> str:
    """A field's rule in words, e.g. 'one of `a`, `b`; required'."""
    c = field["constraints"]
    parts = []
    if "enum" in c:
        parts.append("one of " + ", ".join(f"`{v}`" for v in c["enum"]))
    if "minimum" in c and "maximum" in c:
        parts.append(f"{c['minimum']} to {c['maximum']}")
    elif "minimum" in c:
        parts.append(f"≥ {c['minimum']}")
    if "maxLength" in c:
        parts.append(f"≤ {c['maxLength']} characters")
    if c.get("unique"):
        parts.append("unique")
    parts.append("required" if c["required"] else "may be empty")
    return "; ".join(parts)


def contract_markdown() -> str:
    """One table per CSV: column, type, rule and description, straight from the schemas."""
    out = []
    for table, spec in REGISTRY.items():
        keys = ", ".join(f"`{k}`" for k in spec.primary_key)
        refs = "; ".join(
            f"`{col}` → `{target}.{target_col}`"
            for col, (target, target_col) in spec.foreign_keys.items()
        )
        out.append(f"**`{table}.csv`** (key: {keys}{'; references: ' + refs if refs else ''})\n")
        out.append("| column | type | rule | meaning |\n|---|---|---|---|")
        for field in table_fields(table):
            description = field["description"].replace("|", "\\|")
            rule = constraint_text(field).replace("|", "\\|")
            out.append(f"| `{field['name']}` | {field['type']} | {rule} | {description} |")
        out.append("")
    return "\n".join(out)


def coverage_markdown(dataset: Dataset) -> str:
    """Rows and date range per table, plus the newest source."""
    lines = ["| table | rows | dates covered |", "|---|---:|---|"]
    for table, spec in REGISTRY.items():
        frame = dataset.table(table)
        column = spec.date_column
        if column:
            dates = frame[column].dropna()
            span = f"{dates.min():%Y-%m-%d} to {dates.max():%Y-%m-%d}" if len(dates) else "—"
        else:
            span = "—"
        lines.append(f"| `{table}` | {len(frame):,} | {span} |")
    newest = dataset.newest_source
    lines.append("")
    lines.append(
        f"Newest source: published {newest:%Y-%m-%d}. Dates include planned deadlines "
        "(rows of kind `planned`), which may lie after the newest source."
    )
    return "\n".join(lines) + "\n"


def render_sections(text: str, sections: dict[str, str]) -> str:
    """Replace each ``<!-- name:start -->...<!-- name:end -->`` block with fresh content."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in sections:
            return str(match.group(0))
        return f"{match.group(1)}{sections[name]}{match.group(3)}"

    return MARKER.sub(replace, text)


def readme_sections(dataset: Dataset) -> dict[str, str]:
    """The generated sections of README.md."""
    return {"contract": contract_markdown(), "coverage": coverage_markdown(dataset)}


def update_readme(path: Path, dataset: Dataset) -> bool:
    """Rewrite the generated sections of ``path``; return True when it changed."""
    old = path.read_text("utf-8")
    new = render_sections(old, readme_sections(dataset))
    if new != old:
        path.write_text(new, "utf-8")
    return new != old


def data_dictionary() -> pd.DataFrame:
    """Every column of every table with its type, rule and meaning, from the schemas."""
    rows = [
        {
            "table": table,
            "column": field["name"],
            "type": field["type"],
            "rule": constraint_text(field),
            "meaning": field["description"],
            "codes shown as": code_words(REGISTRY[table].labels.get(field["name"], {})),
        }
        for table in REGISTRY
        for field in table_fields(table)
    ]
    return pd.DataFrame(rows)


def code_words(labels: Mapping[str, str]) -> str:
    """'ied = roadside bomb (IED); small_arms = small arms': how the pages show a column's codes
    (the CSV files keep the codes)."""
    return "; ".join(f"{code} = {words}" for code, words in labels.items() if code != words)
