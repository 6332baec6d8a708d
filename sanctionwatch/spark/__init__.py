"""Screening a table on Spark: the same engine and lists as `screen-file`, where the data lives."""
