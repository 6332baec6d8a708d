"""Screening: queries and hits, the Screener over one registry snapshot, batch files, identifiers.

Public to other packages: `query` (`Query`, `Hit`), `screener` (`Screener`), `party` (`screen_party`),
`live` (`LiveScreener`), `batch` (`screen_file`) and `batchio` (reading query files), `jobs` (`Jobs`),
`trail` (`ScreeningTrail`), `examples` (FtM examples as parties), `explanation` and `pool` (forked
workers). `tables` and `csv_lines` are the package's own.
"""
