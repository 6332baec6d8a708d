"""Each package's public surface is declared (`__all__`) and kept: what other packages may touch is written down.

The rule, checked by walking the source with `ast` (nothing is imported):

- a module that a module of ANOTHER package of sanctionwatch, or of bench/, imports from declares
  `__all__`, and the other packages import from it only the names its `__all__` lists;
- an `__all__` is a literal list of strings, and names only public names the module defines or imports.

Only modules imported across packages need an `__all__`: a module used only inside its own package is
that package's business (it may be split or renamed without telling anyone), so it declares none.
The packages are the top-level ones (`sanctionwatch.matching`, `sanctionwatch.api`, ...): a sub-package
such as `sanctionwatch.api.routers` belongs to its top package, and a module directly under
`sanctionwatch/` (`model`, `config`, `errors`, `service`, `tables`) is a package of its own. bench/ is one
package. tests/ are exempt: a package's tests may test its internals.

An import is `from sanctionwatch.x.y import a` (a name of x.y, or the sub-module x.y.a), or
`import sanctionwatch.x.y [as m]` followed by attribute uses `m.a`; an import inside a function counts
like one at the top. A name bound to a module is tracked over the whole file (the project does not
reuse such names for other values).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The trees walked: the application and the benchmarks that call it (tests/ are exempt).
WALKED = ("sanctionwatch", "bench")


@dataclass(frozen=True)
class Module:
    """One source file: its dotted name, the package it belongs to, and its syntax tree."""

    name: str
    path: Path
    package: str
    tree: ast.Module

    @property
    def is_package(self) -> bool:
        return self.path.name == "__init__.py"


def package_of(dotted: str) -> str:
    """`sanctionwatch.api.routers.cases` -> `sanctionwatch.api`; `bench.ingest` -> `bench`."""
    parts = dotted.split(".")
    return ".".join(parts[:2]) if parts[0] == "sanctionwatch" else parts[0]


def collect_modules(root: Path) -> dict[str, Module]:
    modules: dict[str, Module] = {}
    for top in WALKED:
        for path in sorted((root / top).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            dotted = ".".join(parts)
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            modules[dotted] = Module(dotted, path, package_of(dotted), tree)
    return modules


def declared_all(module: Module, problems: list[str]) -> list[str] | None:
    """The names of the module's `__all__`, or None when it declares none; a non-literal one is a problem."""
    found: list[str] | None = None
    for statement in module.tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign | ast.AugAssign):
            targets, value = [statement.target], statement.value
        if not any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            continue
        where = f"{module.path}:{statement.lineno}"
        if found is not None or isinstance(statement, ast.AugAssign):
            problems.append(f"{where}: __all__ is assigned more than once; declare it once")
            continue
        if not isinstance(value, ast.List | ast.Tuple) or not all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts
        ):
            problems.append(f"{where}: __all__ must be a literal list of strings")
            found = []
            continue
        found = [e.value for e in value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return found


def top_level_statements(body: Iterable[ast.stmt]) -> Iterator[ast.stmt]:
    """The module's statements, including those under `if`/`try`/`with` blocks, not inside defs or classes."""
    for statement in body:
        yield statement
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        for field in ("body", "orelse", "finalbody"):
            yield from top_level_statements(getattr(statement, field, []))
        for handler in getattr(statement, "handlers", []):
            yield from top_level_statements(handler.body)


def bound_names(module: Module) -> set[str]:
    """The names the module binds at its top level: definitions, assignments and imports."""
    names: set[str] = set()
    for statement in top_level_statements(module.tree.body):
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(statement.name)
        elif isinstance(statement, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        elif isinstance(statement, ast.Import):
            names.update(a.asname or a.name.split(".")[0] for a in statement.names)
        elif isinstance(statement, ast.ImportFrom):
            names.update(a.asname or a.name for a in statement.names)
    return names


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def absolute(module: Module, node: ast.ImportFrom) -> str:
    """The dotted module a `from ... import` names, relative imports resolved against the importing file."""
    if node.level == 0:
        return node.module or ""
    base = module.name.split(".")
    if not module.is_package:
        base.pop()
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


@dataclass(frozen=True)
class Use:
    """A name of `target` used by a file (`name` None: the module `target` imported whole)."""

    path: Path
    line: int
    target: str
    name: str | None


def uses_in(module: Module, modules: dict[str, Module]) -> Iterator[Use]:
    """Every name of a walked module that this file imports or reaches as an attribute of an imported module."""
    bound: dict[str, str] = {}  # local name -> the module it stands for
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom):
            source = absolute(module, node)
            if source.split(".")[0] not in WALKED:
                continue
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                if submodule in modules:
                    bound[alias.asname or alias.name] = submodule
                    yield Use(module.path, node.lineno, submodule, None)
                else:
                    yield Use(module.path, node.lineno, source, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] not in WALKED:
                    continue
                if alias.asname:
                    bound[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    bound[top] = top
                yield Use(module.path, node.lineno, alias.name, None)

    def module_named_by(expression: ast.expr) -> str | None:
        if isinstance(expression, ast.Name):
            return bound.get(expression.id)
        if isinstance(expression, ast.Attribute):
            base = module_named_by(expression.value)
            if base is not None and f"{base}.{expression.attr}" in modules:
                return f"{base}.{expression.attr}"
        return None

    for node in ast.walk(module.tree):
        if isinstance(node, ast.Attribute):
            base = module_named_by(node.value)
            if base is not None and f"{base}.{node.attr}" not in modules:
                yield Use(module.path, node.lineno, base, node.attr)


def surface_problems(root: Path) -> list[str]:
    """Every breach of the rule in the trees under `root`, as 'file:line: what is wrong'."""
    modules = collect_modules(root)
    problems: list[str] = []
    surfaces = {name: declared_all(module, problems) for name, module in modules.items()}
    for name, module in modules.items():
        surface = surfaces[name]
        if surface is None:
            continue
        defined = bound_names(module)
        for exported in surface:
            if exported not in defined:
                problems.append(f"{module.path}: __all__ names {exported!r}, which {name} does not define")
            if is_private(exported):
                problems.append(f"{module.path}: __all__ names the private {exported!r}; make it public")
    for module in modules.values():
        for use in uses_in(module, modules):
            if package_of(use.target) == module.package:
                continue
            where = f"{use.path}:{use.line}"
            if use.target not in modules:
                problems.append(f"{where}: imports {use.target}, which has no source to check against")
                continue
            surface = surfaces[use.target]
            if use.name == "*":
                problems.append(f"{where}: star import from {use.target}; name what is used")
            elif use.name is not None and is_private(use.name):
                problems.append(f"{where}: uses the private {use.name!r} of {use.target}")
            elif surface is None:
                problems.append(
                    f"{where}: imports from {use.target}, another package's module that declares no __all__"
                )
            elif use.name is not None and use.name not in surface:
                problems.append(f"{where}: uses {use.name!r}, not in the __all__ of {use.target}")
    return sorted(set(problems))


def test_every_package_touches_only_what_the_others_declare() -> None:
    assert surface_problems(ROOT) == []


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_the_check_names_each_breach_with_its_file_and_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "sanctionwatch/__init__.py": "",
            "sanctionwatch/a/__init__.py": "",
            "sanctionwatch/a/m.py": (
                "from os import sep\n"
                "__all__ = ['f', 'ghost', 'sep', '_h']\n"
                "def f(): pass\n"
                "def g(): pass\n"
                "def _h(): pass\n"
            ),
            "sanctionwatch/a/bare.py": "z = 1\n",
            # Inside its own package (a sub-package included) a module may use anything.
            "sanctionwatch/a/sub/__init__.py": "",
            "sanctionwatch/a/sub/inner.py": "from sanctionwatch.a.m import g\nfrom sanctionwatch.a import bare\n",
            "sanctionwatch/b/__init__.py": "",
            "sanctionwatch/b/use.py": (
                "from sanctionwatch.a.m import f, g, sep\n"
                "import sanctionwatch.a.m as mm\n"
                "def run():\n"
                "    from sanctionwatch.a.m import _h\n"
                "    return mm.f(), mm.g()\n"
            ),
            "bench/__init__.py": "",
            "bench/x.py": "from sanctionwatch.a import bare\nimport sanctionwatch.a.m\nsanctionwatch.a.m.g()\n",
            "sanctionwatch/b/star.py": "from sanctionwatch.a.m import *\n",
            "sanctionwatch/b/rel.py": "from ..a.m import g\n",
            "sanctionwatch/c.py": "__all__ = ['q'] + []\nq = 1\n",
        },
    )
    problems = surface_problems(tmp_path)
    a_m, b_use = tmp_path / "sanctionwatch/a/m.py", tmp_path / "sanctionwatch/b/use.py"
    assert problems == sorted(
        [
            f"{tmp_path / 'bench/x.py'}:1: imports from sanctionwatch.a.bare, another package's module "
            "that declares no __all__",
            f"{tmp_path / 'bench/x.py'}:3: uses 'g', not in the __all__ of sanctionwatch.a.m",
            f"{a_m}: __all__ names 'ghost', which sanctionwatch.a.m does not define",
            f"{a_m}: __all__ names the private '_h'; make it public",
            f"{b_use}:1: uses 'g', not in the __all__ of sanctionwatch.a.m",
            f"{b_use}:4: uses the private '_h' of sanctionwatch.a.m",
            f"{b_use}:5: uses 'g', not in the __all__ of sanctionwatch.a.m",
            f"{tmp_path / 'sanctionwatch/b/rel.py'}:1: uses 'g', not in the __all__ of sanctionwatch.a.m",
            f"{tmp_path / 'sanctionwatch/b/star.py'}:1: star import from sanctionwatch.a.m; name what is used",
            f"{tmp_path / 'sanctionwatch/c.py'}:1: __all__ must be a literal list of strings",
        ]
    )


def test_a_tree_that_keeps_the_rule_passes(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "sanctionwatch/__init__.py": "",
            "sanctionwatch/a/__init__.py": "",
            "sanctionwatch/a/m.py": "__all__ = ['f']\ndef f(): pass\ndef _g(): pass\n",
            "sanctionwatch/a/inside.py": "from sanctionwatch.a.m import _g\n",
            "sanctionwatch/b.py": "from sanctionwatch.a import m\nfrom sanctionwatch.a.m import f\nm.f()\n",
        },
    )
    assert surface_problems(tmp_path) == []
