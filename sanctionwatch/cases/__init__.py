"""Compliance work on alerts: the four-eyes review workflow and the good-guy list.

Public to other packages: `workflow` (`Cases`, who acts as an `Actor`, the `STEPS` of a review, and
`CaseError`/`NotAllowedError`).
"""
