"""Command-line interface (Typer + rich). Depends on the core; nothing in the core imports it."""
