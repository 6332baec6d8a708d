"""Name matching: text normalization and transliteration, name structure, candidate index, scoring.

Knows nothing about SQL or files: it works on `model.Entity` values and query objects.
"""
