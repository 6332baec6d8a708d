"""yente compatibility: run yente's own HTTP-level tests against a Sanctionwatch server.

Usage: .venv/bin/python -m bench.yente_compat [YENTE] [--json PATH] [--keep] [-k EXPR]

YENTE is a yente checkout or git directory (default: the mirror below); it is read, never changed, and
nothing of it is copied into Sanctionwatch. Not part of CI (it needs yente's source).

1. A scratch registry (SQLite in a temporary directory) gets yente's FtM fixture datasets, written out of
   YENTE, imported with the CLI as in FIXTURES below; and an analyst API key (`sanctionwatch keys create`).
2. `sanctionwatch serve` on a free loopback port, ready when /readyz answers 200.
3. The test files in TEST_FILES are written to the temporary directory next to Sanctionwatch's own
   conftest.py (bench/yente_conftest.py), which gives them an HTTP client for the server: only the base
   URL, the API key header and the fixtures' dataset names are mapped (and the plain setting values in
   YENTE_SETTINGS, which a test reads as a number).
4. Tests of yente's internals (they patch yente's or nomenklatura's modules in the test process, build
   yente's app in-process, or drive its Elasticsearch index and catalog) are found by reading the tests'
   code, deselected, and listed as "internal" with the reason; they are not counted as failures.
5. pytest runs the rest; the table (per file: passed / failed / internal) and every failure with a short
   reason are printed, and written as JSON (--json).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx

DEFAULT_YENTE = Path("/work/.mirror/opensanctions+yente/repo")
CONFTEST = Path(__file__).with_name("yente_conftest.py")
PACKAGE = "yente_http_tests"  # the temporary package the tests run in (they import `.conftest`)
TEST_FILES = (
    "tests/test_match.py",
    "tests/test_search.py",
    "tests/test_reconcile.py",
    "tests/test_entity.py",
    "tests/test_app.py",
)


@dataclass(frozen=True)
class Fixture:
    """One of yente's fixture datasets: its file in yente, how the CLI imports it, its name in our API."""

    path: str
    update_args: tuple[str, ...]
    dataset: str


# The dataset mapping (yente's fixture name -> how we import it and what /search/{dataset} calls it).
# Each FtM dataset is a source of its own (`ftm:NAME`), named in the API by its own FtM name.
FIXTURES: dict[str, Fixture] = {
    "zala": Fixture("tests/fixtures/dataset/zala/entities.ftm.json", ("--source", "ftm:zala"), "zala"),
    "parteispenden": Fixture(
        "tests/fixtures/dataset/parteispenden/entities.ftm.json",
        ("--source", "ftm:parteispenden"),
        "parteispenden",
    ),
}

# yente settings a test reads as a plain value (not code): yente's documented default.
YENTE_SETTINGS: dict[str, object] = {"MAX_URL_LENGTH": 60000}

# Names of yente's conftest that stand for its catalog and Elasticsearch index (ours gives stand-ins).
INTERNAL_CONFTEST_NAMES = {
    "ZALA_MANIFEST": "yente's dataset manifest",
    "PARTEISPENDEN_MANIFEST": "yente's dataset manifest",
    "build_index_alias_name_for_fixture": "names a yente Elasticsearch index",
    "patch_yente_catalog": "swaps yente's in-process catalog",
    "patch_catalog_response": "mocks yente's catalog download",
}
INTERNAL_FIXTURES = {
    "search_provider": "takes yente's Elasticsearch provider",
    "monkeypatch": "monkeypatches the test process",
}
PATCHERS = {"patch", "patch.object", "mock.patch", "mock.patch.object", "monkeypatch.setattr"}


# -- Which tests are yente-internal ------------------------------------------------------------------


def _yente_imports(tree: ast.Module) -> dict[str, str]:
    """Module-level names bound to yente's own code, with what they are."""
    names: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "yente":
            for alias in node.names:
                names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "yente":
                    names[(alias.asname or alias.name).split(".")[0]] = alias.name
    return names


def _conftest_imports(tree: ast.Module) -> set[str]:
    return {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "conftest" and node.level == 1
        for alias in node.names
    }


def _fixtures_used(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[str]:
    used = {arg.arg for arg in func.args.args}
    for decorator in func.decorator_list:
        if isinstance(decorator, ast.Call) and ast.unparse(decorator.func).endswith("usefixtures"):
            used |= {
                a.value for a in decorator.args if isinstance(a, ast.Constant) and isinstance(a.value, str)
            }
    return used


def _own_reasons(
    func: ast.FunctionDef | ast.AsyncFunctionDef, yente_names: dict[str, str], conftest_names: set[str]
) -> list[str]:
    """Why this function is a test of yente's internals (empty: it only talks HTTP)."""
    reasons: list[str] = []
    for fixture in sorted(_fixtures_used(func) & set(INTERNAL_FIXTURES)):
        reasons.append(f"fixture {fixture}: {INTERNAL_FIXTURES[fixture]}")
    for node in ast.walk(func):
        if isinstance(node, ast.Call) and ast.unparse(node.func) in PATCHERS and node.args:
            target, *rest = node.args  # patch("a.b.c") or setattr(obj, "name", value)
            shown = str(target.value) if isinstance(target, ast.Constant) else ast.unparse(target)
            if rest and isinstance(rest[0], ast.Constant) and not isinstance(target, ast.Constant):
                shown = f"{yente_names.get(shown, shown)}.{rest[0].value!s}"
            reasons.append(f"patches {shown} in the test process")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            origin = yente_names.get(node.value.id)
            if origin == "yente.settings" and node.attr not in YENTE_SETTINGS:
                reasons.append(f"uses {origin}.{node.attr}")
        elif (
            isinstance(node, ast.Name) and node.id in yente_names and yente_names[node.id] != "yente.settings"
        ):
            reasons.append(f"uses {yente_names[node.id]}")
        elif isinstance(node, ast.Name) and node.id in conftest_names and node.id in INTERNAL_CONFTEST_NAMES:
            reasons.append(f"{node.id}: {INTERNAL_CONFTEST_NAMES[node.id]}")
    return list(dict.fromkeys(reasons))


def internal_tests(source: str) -> dict[str, list[str]]:
    """The test functions of a module that exercise yente's internals, with the reasons (a helper
    function of the module that does counts for the tests that call it)."""
    tree = ast.parse(source)
    yente_names, conftest_names = _yente_imports(tree), _conftest_imports(tree)
    functions = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    own = {f.name: _own_reasons(f, yente_names, conftest_names) for f in functions}
    result: dict[str, list[str]] = {}
    for func in functions:
        if not func.name.startswith("test"):
            continue
        reasons = list(own[func.name])
        for node in ast.walk(func):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and own.get(node.func.id):
                reasons += [f"via {node.func.id}(): {r}" for r in own[node.func.id]]
        if reasons:
            result[func.name] = list(dict.fromkeys(reasons))
    return result


# -- Reading yente ----------------------------------------------------------------------------------


def read_yente(yente: Path, path: str) -> bytes:
    """A file of yente: from the work tree of a checkout, else from HEAD of a git directory."""
    if (yente / path).is_file():
        return (yente / path).read_bytes()
    return subprocess.run(
        ["git", f"--git-dir={yente}", "show", f"HEAD:{path}"], capture_output=True, check=True
    ).stdout


def yente_revision(yente: Path) -> str:
    git_dir = yente if not (yente / ".git").exists() else yente / ".git"
    done = subprocess.run(
        ["git", f"--git-dir={git_dir}", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return done.stdout.strip() or "unknown"


# -- The server --------------------------------------------------------------------------------------


def _cli(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "sanctionwatch", *args], capture_output=True, text=True, env=env
    )
    if done.returncode != 0:
        raise SystemExit(
            f"sanctionwatch {shlex.join(args)} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
        )
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    key: str
    imports: list[dict[str, object]] = field(default_factory=list)


@contextmanager
def sanctionwatch_server(yente: Path, scratch: Path) -> Iterator[Server]:
    """The fixtures imported into a scratch registry, a key, and `sanctionwatch serve` on it."""
    db = f"sqlite:///{scratch / 'registry.db'}"
    env = {
        **os.environ,
        "SANCTIONWATCH_DB": db,
        "SANCTIONWATCH_SECRET": "yente-compat-" + "x" * 40,
        "SANCTIONWATCH_JOBS_DIR": str(scratch / "jobs"),
        "XDG_DATA_HOME": str(scratch / "data"),  # nothing of the run lands in the user's data directory
    }
    imports: list[dict[str, object]] = []
    for name, fixture in FIXTURES.items():
        path = scratch / "fixtures" / name / Path(fixture.path).name
        path.parent.mkdir(parents=True)
        path.write_bytes(read_yente(yente, fixture.path))
        outcome = json.loads(
            _cli("update", *fixture.update_args, "--file", str(path), "--json", "--db", db, env=env)
        )
        imports += [{"fixture": name, **o} for o in outcome]
    key = _cli("keys", "create", "--role", "analyst", "--name", "yente-compat", "--db", db, env=env).split()[
        -1
    ]
    port = _free_port()
    log = (scratch / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "sanctionwatch", "serve", "--port", str(port), "--db", db],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if server.poll() is not None:
                raise SystemExit(f"the server exited ({server.returncode}); see {scratch / 'server.log'}")
            if time.monotonic() > deadline:
                raise SystemExit("the server was not ready within 120 s")
            try:
                if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        yield Server(url, key, imports)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


# -- Running the tests --------------------------------------------------------------------------------


def write_tests(yente: Path, scratch: Path) -> tuple[Path, dict[str, dict[str, list[str]]]]:
    """yente's test files and our conftest.py as a package in scratch; and each file's internal tests."""
    package = scratch / PACKAGE
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "conftest.py").write_bytes(CONFTEST.read_bytes())
    (scratch / "pytest.ini").write_text("[pytest]\n")  # none of Sanctionwatch's own pytest options
    internal: dict[str, dict[str, list[str]]] = {}
    for path in TEST_FILES:
        source = read_yente(yente, path)
        (package / Path(path).name).write_bytes(source)
        internal[Path(path).name] = internal_tests(source.decode("utf-8"))
    return package, internal


def _reason(element: ET.Element) -> str:
    message = element.get("message") or (element.text or "").strip()
    line = " ".join(message.split())
    return line if len(line) <= 240 else line[:237] + "..."


def run_pytest(
    package: Path, internal: dict[str, dict[str, list[str]]], server: Server, select: str | None
) -> dict[str, dict[str, tuple[str, str]]]:
    """pytest over the package, the internal tests deselected: outcome and reason per test, per file."""
    junit = package.parent / "junit.xml"
    deselect = [
        f"--deselect={package.name}/{file}::{test}" for file, tests in internal.items() for test in tests
    ]
    config = {
        "url": server.url,
        "key": server.key,
        "datasets": {name: f.dataset for name, f in FIXTURES.items()},
        "settings": YENTE_SETTINGS,
    }
    command = [
        sys.executable, "-m", "pytest", package.name, "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
        "-c", "pytest.ini", "--rootdir", ".", f"--junitxml={junit}", "--tb=short", *deselect,
    ]  # fmt: skip
    if select:
        command += ["-k", select]
    env = {**os.environ, "SANCTIONWATCH_YENTE_COMPAT": json.dumps(config)}
    subprocess.run(command, cwd=package.parent, env=env, check=False)
    outcomes: dict[str, dict[str, tuple[str, str]]] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        file = case.get("classname", "").split(".")[-1] + ".py"
        outcome, reason = "passed", ""
        for child in case:
            if child.tag in ("failure", "error"):
                outcome, reason = "failed", _reason(child)
            elif child.tag == "skipped":
                outcome, reason = "skipped", _reason(child)
        outcomes.setdefault(file, {})[case.get("name", "")] = (outcome, reason)
    return outcomes


def report(
    outcomes: dict[str, dict[str, tuple[str, str]]], internal: dict[str, dict[str, list[str]]]
) -> dict[str, object]:
    """The figures as JSON: per file, totals, failures with reasons, internal tests with reasons."""
    files: dict[str, dict[str, int]] = {}
    failures: list[dict[str, str]] = []
    passed: list[str] = []
    for file in (Path(p).name for p in TEST_FILES):
        ran = outcomes.get(file, {})
        counts = {
            kind: sum(1 for o, _ in ran.values() if o == kind) for kind in ("passed", "failed", "skipped")
        }
        files[file] = {**counts, "internal": len(internal.get(file, {}))}
        failures += [{"test": f"{file}::{t}", "reason": r} for t, (o, r) in ran.items() if o != "passed"]
        passed += [f"{file}::{t}" for t, (o, _) in ran.items() if o == "passed"]
    totals = {
        kind: sum(c[kind] for c in files.values()) for kind in ("passed", "failed", "skipped", "internal")
    }
    return {
        "files": files,
        "totals": totals,
        "passed": passed,
        "failures": failures,
        "internal": [
            {"test": f"{file}::{test}", "reasons": reasons}
            for file, tests in internal.items()
            for test, reasons in tests.items()
        ],
    }


def print_table(result: dict[str, object]) -> None:
    files = result["files"]
    totals = result["totals"]
    assert isinstance(files, dict) and isinstance(totals, dict)
    print(f"\n{'file':<20} {'passed':>7} {'failed':>7} {'skipped':>8} {'internal':>9}")
    for file, c in [*files.items(), ("total", totals)]:
        print(f"{file:<20} {c['passed']:>7} {c['failed']:>7} {c['skipped']:>8} {c['internal']:>9}")
    print("\nFailures:")
    for failure in result["failures"]:  # type: ignore[attr-defined]
        print(f"  {failure['test']}: {failure['reason']}")
    print("\nInternal (not run):")
    for entry in result["internal"]:  # type: ignore[attr-defined]
        print(f"  {entry['test']}: {'; '.join(entry['reasons'])}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "yente", nargs="?", type=Path, default=DEFAULT_YENTE, help="yente checkout or git dir"
    )
    parser.add_argument("--json", type=Path, default=Path("yente_compat.json"), help="where the figures go")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary directory (its path is printed)"
    )
    parser.add_argument("-k", dest="select", help="only the tests pytest -k selects (for debugging)")
    options = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="yente-compat-"))
    try:
        package, internal = write_tests(options.yente, scratch)
        with sanctionwatch_server(options.yente, scratch) as server:
            outcomes = run_pytest(package, internal, server, options.select)
        result = {
            "date": date.today().isoformat(),
            "command": shlex.join([Path(sys.executable).name, "-m", "bench.yente_compat", *sys.argv[1:]]),
            "yente": yente_revision(options.yente),
            "datasets": {name: f.dataset for name, f in FIXTURES.items()},
            "imports": server.imports,
            **report(outcomes, internal),
        }
        print_table(result)
        options.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        print(f"\nWritten: {options.json}")
    finally:
        if options.keep:
            print(f"Kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
