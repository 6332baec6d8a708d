"""Name matching: text normalization and transliteration, name structure, candidate index, scoring.

Knows nothing about SQL or files: it works on `model.Entity` values and query objects.

Public to other packages: `index` (`MatchIndex`, the candidate index, and its token keys), `names`
(`name_forms`), `normalize` and `translit` (text and spellings), `score` (`name_match` and the secondary
evidence), `evidence` (its vocabularies), `model` (`NameModel`, the learned scorer) and `tuning`
(`TUNING`). `features`, `parties`, `tokens` and the compiled `_kernel` are the matcher's own.
"""
