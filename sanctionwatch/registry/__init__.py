"""The versioned store of listed parties: every ingest is a version, activated only when complete and sane.

Public to other packages: `store` (`Registry`), `update` (obtaining and ingesting list files), `audit`
(`AuditLog`, `append`), `summary` and `timeline` (the changes, told), `terms` (programme filters) and
`tables` (`list_versions`). `diff` and `guard` are the registry's own.
"""
