"""Build the Frictionless Data Package (v2) descriptor from the schema models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandera.pandas as pa

from posture.data.dataset import REPO_ROOT
from posture.data.release import current_release
from schemas import REGISTRY

NAME = "coalition-posture"
TITLE = "Coalition Posture in Iraq and Syria"
DESCRIPTION = (
    "Curated, sourced records of the US-led coalition's military posture in Iraq and Syria "
    "since 2014: troop levels with their uncertainty, bases and their history, contributing "
    "nations, attacks on coalition forces, attack counts and milestones. Every row cites a "
    "source in sources.csv with the supporting quote."
)
LICENSE = {
    "name": "CC-BY-4.0",
    "path": "https://creativecommons.org/licenses/by/4.0/",
    "title": "Creative Commons Attribution 4.0",
}
HOMEPAGE = "https://github.com/coalition-posture/coalition-posture-dashboard"


def dataset_version(directory: Path) -> str:
    """The newest release in the data directory's CHANGELOG.md (``## X.Y.Z — date``)."""
    return current_release(directory).version


def citation(version: str) -> str:
    """How to cite this dataset (cite the original sources for individual facts too)."""
    return (
        f"Coalition Posture Dashboard contributors ({TITLE}), dataset version {version}. "
        f"{HOMEPAGE}. Licensed CC BY 4.0. Cite the original source of each figure as listed "
        "in sources.csv."
    )


def _field_type(column: pa.Column) -> str:
    if (column.metadata or {}).get("format") == "date":
        return "date"
    dtype = str(column.dtype).lower()
    if "int" in dtype:
        return "integer"
    if "float" in dtype:
        return "number"
    return "string"


def _constraints(column: pa.Column) -> dict[str, Any]:
    constraints: dict[str, Any] = {"required": not column.nullable}
    if column.unique:
        constraints["unique"] = True
    for check in column.checks:
        stats = check.statistics or {}
        if check.name == "isin":
            constraints["enum"] = list(stats["allowed_values"])
        elif check.name == "greater_than_or_equal_to":
            constraints["minimum"] = stats["min_value"]
        elif check.name == "in_range":
            constraints["minimum"] = stats["min_value"]
            constraints["maximum"] = stats["max_value"]
        elif check.name == "str_matches" and (column.metadata or {}).get("format") != "date":
            constraints["pattern"] = stats["pattern"]
        elif check.name == "str_length":
            if stats.get("min_value") is not None:
                constraints["minLength"] = stats["min_value"]
            if stats.get("max_value") is not None:
                constraints["maxLength"] = stats["max_value"]
    return constraints


def table_fields(table: str) -> list[dict[str, Any]]:
    """Frictionless field descriptors for ``table``, in column order."""
    columns = REGISTRY[table].model.to_schema().columns
    return [
        {
            "name": name,
            "type": _field_type(column),
            **({"format": "%Y-%m-%d"} if _field_type(column) == "date" else {}),
            "description": column.description or "",
            "constraints": _constraints(column),
        }
        for name, column in columns.items()
    ]


def _resource(table: str) -> dict[str, Any]:
    spec = REGISTRY[table]
    schema: dict[str, Any] = {
        "fields": table_fields(table),
        "missingValues": [""],
        "primaryKey": list(spec.primary_key),
    }
    fks = [
        {
            "fields": [column],
            "reference": {"fields": [target_column]}
            | ({} if target == table else {"resource": target}),
        }
        for column, (target, target_column) in spec.foreign_keys.items()
    ]
    if fks:
        schema["foreignKeys"] = fks
    return {
        "name": table,
        "path": f"{table}.csv",
        "type": "table",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": spec.description,
        "dialect": {"delimiter": ",", "header": True, "quoteChar": '"'},
        "schema": schema,
    }


def build_datapackage(directory: Path | None = None) -> dict[str, Any]:
    """The descriptor as a dict; deterministic, so the committed file can be compared with it."""
    version = dataset_version(directory or REPO_ROOT / "data")
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": NAME,
        "title": TITLE,
        "description": DESCRIPTION,
        "version": version,
        "homepage": HOMEPAGE,
        "licenses": [LICENSE],
        "citation": citation(version),
        "keywords": ["Iraq", "Syria", "Operation Inherent Resolve", "military posture"],
        "resources": [_resource(table) for table in REGISTRY],
    }


def render_datapackage(directory: Path | None = None) -> str:
    """The descriptor as the JSON text written to ``datapackage.json``."""
    return json.dumps(build_datapackage(directory), indent=2, ensure_ascii=False) + "\n"
