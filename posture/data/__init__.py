"""The data layer: reading and checking the CSV tables, and what is written from them."""
