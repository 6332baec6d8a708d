"""Compliance work on alerts: the four-eyes review workflow and the good-guy list."""
