"""Pandera schemas for every table of the dataset, in the order the tables depend on each other."""

from schemas import (
    attack_counts,
    base_events,
    bases,
    contributions,
    incidents,
    milestones,
    nations,
    sources,
    troop_levels,
)
from schemas.attack_counts import AttackCountSchema
from schemas.base_events import BaseEventSchema
from schemas.bases import BaseSchema
from schemas.contributions import ContributionSchema
from schemas.incidents import IncidentSchema
from schemas.milestones import MilestoneSchema
from schemas.nations import NationSchema
from schemas.sources import SourceSchema
from schemas.troop_levels import TroopLevelSchema

# Table name -> schema module; the module carries the model, PRIMARY_KEY and FOREIGN_KEYS.
TABLE_MODULES = {
    "sources": sources,
    "troop_levels": troop_levels,
    "bases": bases,
    "base_events": base_events,
    "nations": nations,
    "contributions": contributions,
    "incidents": incidents,
    "attack_counts": attack_counts,
    "milestones": milestones,
}

SCHEMAS = {
    "sources": SourceSchema,
    "troop_levels": TroopLevelSchema,
    "bases": BaseSchema,
    "base_events": BaseEventSchema,
    "nations": NationSchema,
    "contributions": ContributionSchema,
    "incidents": IncidentSchema,
    "attack_counts": AttackCountSchema,
    "milestones": MilestoneSchema,
}

__all__ = [
    "SCHEMAS",
    "TABLE_MODULES",
    "AttackCountSchema",
    "BaseEventSchema",
    "BaseSchema",
    "ContributionSchema",
    "IncidentSchema",
    "MilestoneSchema",
    "NationSchema",
    "SourceSchema",
    "TroopLevelSchema",
]
