"""Parsers for the official list formats. Each turns files into `model.Entity` records; none does I/O
beyond reading the files it is given, and none knows about the registry.

Public to other packages: `catalog` (`parse_files`, `SOURCES`), `base` (`ParsedList`,
`SourceFormatError`), `fetch` (`fetch_source`), `ftm` (FollowTheMoney export), `countries`,
`script_codes`, the guarded readers (`files`, `limits`, `workbooks`, `jsonsafe`, `csvsafe`, `progress`)
and two parsers the benchmarks call directly (`ofac_csv`, `un_xml`); the other parsers are reached
through `catalog`.
"""
