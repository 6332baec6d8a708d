"""Screening: queries and hits, the Screener over one registry snapshot, batch files, identifiers."""
