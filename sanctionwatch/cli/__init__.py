"""Command-line interface (Typer + rich). Depends on the core; nothing in the core imports it.

Public: `app.main`, the `sanctionwatch` command (the project's entry point and `python -m sanctionwatch`);
the other modules are its sub-commands.
"""
