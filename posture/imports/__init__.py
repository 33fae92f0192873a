"""Users' own ACLED and UCDP exports as local layers (never part of the shipped dataset)."""
