"""data/datapackage.json: generated from the schemas and kept up to date."""

from __future__ import annotations

import json

from posture.data.datapackage import build_datapackage, render_datapackage
from posture.data.dataset import REPO_ROOT
from schemas import REGISTRY, TABLES


def test_committed_datapackage_is_current():
    """A user changes a schema but forgets `make datapackage`; this test says so."""
    committed = (REPO_ROOT / "data" / "datapackage.json").read_text("utf-8")
    assert committed == render_datapackage(REPO_ROOT / "data"), "run `make datapackage`"


def test_resources_match_schemas():
    """Every table is a resource whose fields follow its schema, with descriptions."""
    package = build_datapackage()
    assert [r["name"] for r in package["resources"]] == TABLES
    for resource in package["resources"]:
        columns = REGISTRY[resource["name"]].model.to_schema().columns
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == list(columns)
        assert all(f["description"] for f in fields)


def test_types_constraints_and_keys():
    """Dates, integers, enums and keys are carried over to the descriptor."""
    package = build_datapackage()
    troops = next(r for r in package["resources"] if r["name"] == "troop_levels")
    fields = {f["name"]: f for f in troops["schema"]["fields"]}
    assert fields["as_of"]["type"] == "date"
    assert fields["best"]["type"] == "integer" and fields["best"]["constraints"]["minimum"] == 0
    assert fields["country"]["constraints"]["enum"] == ["Iraq", "Syria"]
    assert fields["quote"]["constraints"]["maxLength"] == 300
    assert troops["schema"]["foreignKeys"] == [
        {"fields": ["source_id"], "reference": {"resource": "sources", "fields": ["source_id"]}}
    ]
    incidents = next(r for r in package["resources"] if r["name"] == "incidents")
    self_ref = [fk for fk in incidents["schema"]["foreignKeys"] if fk["fields"] == ["variant_of"]]
    assert self_ref == [{"fields": ["variant_of"], "reference": {"fields": ["incident_id"]}}]
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    assert package["version"] != "0.0.0"
    json.dumps(package)
