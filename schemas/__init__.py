"""The data contract: one pandera model and one ``TABLE`` spec per table, found by scanning
this package, so a new ``schemas/<table>.py`` (with its CSV) is all a new table needs."""

from __future__ import annotations

import importlib
import pkgutil

from schemas._table import SHARED_SCOPES, TableSpec, covered_countries


def _discover() -> dict[str, TableSpec]:
    """Every module's ``TABLE``, in display order (then by name)."""
    found = []
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("_"):
            continue
        spec = getattr(importlib.import_module(f"{__name__}.{module.name}"), "TABLE", None)
        if isinstance(spec, TableSpec):
            found.append(spec)
    return {spec.name: spec for spec in sorted(found, key=lambda s: (s.order, s.name))}


# Table name -> spec, in the order tables are read, listed and documented.
REGISTRY: dict[str, TableSpec] = _discover()
TABLES: list[str] = list(REGISTRY)


def table_spec(name: str) -> TableSpec:
    """The spec of table ``name``; a KeyError names the tables that exist."""
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; tables are: {', '.join(TABLES)}") from None


__all__ = ["REGISTRY", "SHARED_SCOPES", "TABLES", "TableSpec", "covered_countries", "table_spec"]
