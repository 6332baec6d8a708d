"""Sanctionwatch: official sanctions lists, a versioned registry, and screening against them.

What a package offers the others is written down: its `__init__` names its public modules, and each
module another package imports from lists in `__all__` the names that may be used from outside
(tests/test_public_surface.py fails on an import of anything else). Which package may import which is
the layering in pyproject.toml ([tool.importlinter]).
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
