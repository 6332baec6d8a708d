"""Parsers for the official list formats. Each turns files into `model.Entity` records; none does I/O
beyond reading the files it is given, and none knows about the registry."""
