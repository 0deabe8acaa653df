"""Checks on the project itself: every hook documented, tested and in the generated
reference; the reference pages up to date; every model of every plugin under
``plugins/`` covered by a CPU smoke test.

The smoke-test rule (see docs/testing.md): each model id a plugin registers must be
the parameter of a collected test whose function name starts with ``test_smoke``,
for example ``plugins/zoo-cnn/tests/test_models.py::test_smoke_forward[cnn/lenet5]``.
Collection runs in a subprocess (``pytest --collect-only``), so the check sees
exactly what pytest would run, and costs seconds however slow the tests are.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from zoo_core.registry import Registry

REPO = Path(__file__).resolve().parent.parent
PLUGINS = REPO / "plugins"
HOOK_TESTS = REPO / "tests" / "test_hooks.py"


def load_gen_docs() -> ModuleType:
    name = "zoo_gen_docs"
    if name not in sys.modules:
        path = REPO / "scripts" / "gen_docs.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


GEN_DOCS = load_gen_docs()
HOOKS = [function.__name__ for function in GEN_DOCS.hook_specs()]


def test_hook_specs_are_found() -> None:
    assert "zoo_register_models" in HOOKS
    assert "zoo_on_fit_end" in HOOKS


# -- hooks ----------------------------------------------------------------------------


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented(hook: str) -> None:
    from zoo_core import hookspecs

    doc = GEN_DOCS.parse_hook(getattr(hookspecs, hook))

    assert doc.summary, f"{hook} has no docstring saying when it is called"
    missing = [name for name in doc.parameters if not doc.args.get(name)]
    assert not missing, f"{hook}: Args: does not describe {', '.join(missing)}"
    unknown = sorted(set(doc.args) - set(doc.parameters))
    assert not unknown, f"{hook}: Args: describes {unknown}, which it does not take"
    assert doc.returns, f"{hook} has no Returns: section"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_test(hook: str) -> None:
    tree = ast.parse(HOOK_TESTS.read_text())
    tests = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}

    assert f"test_hook_{hook}" in tests, (
        f"tests/test_hooks.py has no test_hook_{hook}; write one that calls the "
        "hook through a real code path"
    )


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_in_the_generated_reference(hook: str) -> None:
    page = (REPO / "docs" / "reference" / "hooks.md").read_text()

    assert f"\n## {hook}\n" in page, (
        f"docs/reference/hooks.md lacks {hook}; run python scripts/gen_docs.py"
    )


def test_reference_pages_are_up_to_date() -> None:
    stale = [str(path.relative_to(REPO)) for path in GEN_DOCS.stale_pages()]

    assert not stale, f"{stale} differ from the code; run python scripts/gen_docs.py"


# -- smoke tests of every plugin's models ---------------------------------------------


def plugin_folders() -> list[Path]:
    return sorted(path.parent for path in PLUGINS.glob("*/pyproject.toml"))


def distribution_name(folder: Path) -> str:
    return tomllib.loads((folder / "pyproject.toml").read_text())["project"]["name"]


def collected_test_ids(folders: list[Path]) -> list[str]:
    """Test ids pytest collects under ``folders``, in a child process.

    ZOO_LOAD_PLUGINS is removed, as it is when a plain ``pytest`` run collects: a
    test module that asks the process-wide registry for ids at import time then
    sees the installed plugins.
    """
    environ = {k: v for k, v in os.environ.items() if k != "ZOO_LOAD_PLUGINS"}
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            *(str(folder.relative_to(REPO)) for folder in folders),
        ],
        cwd=REPO,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if completed.returncode not in (0, 5):
        pytest.fail(
            "collecting the plugins' tests failed:\n" + completed.stdout[-3000:]
        )
    return [line for line in completed.stdout.splitlines() if "::" in line]


def covers(test_id: str, model_id: str, known: frozenset[str] = frozenset()) -> bool:
    """Whether ``test_id`` is a ``test_smoke*`` test with ``model_id`` as a parameter.

    A test parametrised over several arguments joins their ids with ``-``, so the
    model id may stand first, last or in the middle. Model ids may hold ``-`` too:
    a parameter that is exactly another ``known`` model id covers only that one.
    """
    name = test_id.rsplit("::", 1)[-1]
    function, bracket, parameters = name.partition("[")
    if not function.startswith("test_smoke") or not bracket:
        return False
    parameters = parameters.removesuffix("]")
    if parameters in known:
        return parameters == model_id
    return (
        parameters == model_id
        or parameters.startswith(f"{model_id}-")
        or parameters.endswith(f"-{model_id}")
        or f"-{model_id}-" in parameters
    )


def test_covers_reads_parametrised_ids() -> None:
    known = frozenset({"cnn/lenet5", "cnn/lenet5-big"})

    assert covers("t.py::test_smoke_forward[cnn/lenet5]", "cnn/lenet5", known)
    assert covers("t.py::test_smoke_step[cpu-cnn/lenet5-64]", "cnn/lenet5", known)
    assert not covers("t.py::test_smoke_forward[cnn/lenet5-big]", "cnn/lenet5", known)
    assert not covers("t.py::test_forward[cnn/lenet5]", "cnn/lenet5", known)
    assert not covers("t.py::test_smoke_forward", "cnn/lenet5", known)


@pytest.mark.slow
def test_every_registered_model_has_a_cpu_smoke_test() -> None:
    folders = plugin_folders()
    if not folders:
        pytest.skip("no plugins under plugins/")

    expected: dict[str, str] = {}
    problems: list[str] = []
    for folder in folders:
        name = distribution_name(folder)
        registry = Registry.from_plugins(load_entry_points=True, only={name})
        status = registry.plugins.get(name)
        if status is None:
            problems.append(
                f"{name} is not installed: pip install -c constraints.txt -e "
                f"plugins/{folder.name}"
            )
        elif not status.ok:
            problems.append(f"{name} failed to load: {status.error}")
        else:
            expected.update(dict.fromkeys(status.models, name))
    assert not problems, "\n".join(problems)

    test_ids = collected_test_ids(folders)
    known = frozenset(expected)
    uncovered = sorted(
        f"{model_id} ({plugin})"
        for model_id, plugin in expected.items()
        if not any(covers(test_id, model_id, known) for test_id in test_ids)
    )
    assert not uncovered, (
        "models without a CPU smoke test (a test_smoke* test parametrised with the "
        "model id; see docs/testing.md): " + ", ".join(uncovered)
    )
