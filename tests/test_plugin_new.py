"""``zoo plugin new``: the names it accepts, the package it writes, and that package
working for real: installed with pip, listed, its own tests passing, trained.

It also keeps the tutorial honest: every code block of docs/plugin-tutorial.md that
shows a file must equal that file.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner
from packaging.requirements import Requirement

from zoo_core import __version__
from zoo_core.cli import main
from zoo_core.cli.plugin import core_requirement, create_plugin

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "tests" / "plugins"
TUTORIAL = REPO / "docs" / "plugin-tutorial.md"

# -- names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "package", "namespace"),
    [
        ("demo", "demo", "demo"),
        ("zoo-hello", "zoo_hello", "hello"),
        ("my_models2", "my_models2", "my_models2"),
    ],
)
def test_names_are_derived_from_the_distribution_name(
    tmp_path: Path, name: str, package: str, namespace: str
) -> None:
    target, names = create_plugin(name, tmp_path)

    assert target == tmp_path / name
    assert (names.package, names.namespace) == (package, namespace)
    assert (target / package / "plugin.py").is_file()
    assert (target / "tests" / f"test_{package}.py").is_file()


@pytest.mark.parametrize(
    ("name", "complaint"),
    [
        ("Demo", "not a valid plugin name"),
        ("2fast", "not a valid plugin name"),
        ("my plugin", "not a valid plugin name"),
        ("zoo--x", "not a valid plugin name"),
        ("a.b", "not a valid plugin name"),
        ("class", "Python keyword"),
        ("torch", "a module named torch is already installed"),
        ("zoo-core", "a module named zoo_core is already installed"),
    ],
)
def test_bad_names_exit_2_with_one_error_line(
    tmp_path: Path, name: str, complaint: str
) -> None:
    result = CliRunner().invoke(main, ["plugin", "new", name, "-C", str(tmp_path)])

    assert result.exit_code == 2
    assert result.stderr.startswith("Error:")
    assert complaint in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_existing_folder_exits_2_and_is_left_alone(tmp_path: Path) -> None:
    (tmp_path / "demo").mkdir()
    (tmp_path / "demo" / "mine.txt").write_text("keep me")

    result = CliRunner().invoke(main, ["plugin", "new", "demo", "-C", str(tmp_path)])

    assert result.exit_code == 2
    assert (
        result.stderr == f"Error: {tmp_path / 'demo'} already exists; remove it "
        "or choose another plugin name\n"
    )
    assert [p.name for p in (tmp_path / "demo").iterdir()] == ["mine.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["demo"]


def test_success_prints_what_was_made_and_what_next(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["plugin", "new", "zoo-hello", "-C", str(tmp_path)]
    )

    assert result.exit_code == 0, result.output
    assert "model    hello/tiny-cnn" in result.stdout
    assert "dataset  hello-shapes" in result.stdout
    assert f"pip install -e {tmp_path / 'zoo-hello'}" in result.stdout


# -- the package it writes -----------------------------------------------------------


def test_core_requirement_is_a_range_around_this_release() -> None:
    assert core_requirement("0.1.0") == "zoo-core>=0.1,<0.2"
    assert core_requirement("0.4.2") == "zoo-core>=0.4,<0.5"
    assert core_requirement("1.3.0") == "zoo-core>=1.3,<2"
    assert __version__ in Requirement(core_requirement(__version__)).specifier


def test_pyproject_declares_the_entry_point_and_core_range(tmp_path: Path) -> None:
    target, names = create_plugin("zoo-hello", tmp_path)
    project = tomllib.loads((target / "pyproject.toml").read_text())["project"]

    assert project["name"] == "zoo-hello"
    assert project["entry-points"]["zoo"] == {"hello": "zoo_hello.plugin"}
    (core,) = [
        Requirement(line)
        for line in project["dependencies"]
        if line.startswith("zoo-core")
    ]
    assert __version__ in core.specifier


def test_rendered_files_are_complete_and_lint_clean(tmp_path: Path) -> None:
    target, _ = create_plugin("zoo-hello", tmp_path)
    files = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())

    assert files == [
        "README.md",
        "pyproject.toml",
        "tests/test_zoo_hello.py",
        "zoo_hello/__init__.py",
        "zoo_hello/datasets.py",
        "zoo_hello/models.py",
        "zoo_hello/plugin.py",
    ]
    for path in target.rglob("*"):
        if path.is_file():
            assert "{{" not in path.read_text(), path
            assert "PACKAGE" not in path.read_text(), path

    # Run from the package folder, as its author would: there zoo_core is a
    # third-party import, not this repository's own package.
    ruff = [sys.executable, "-m", "ruff"]
    isolated = ["--isolated", "--no-cache", "--line-length", "88"]
    lint = subprocess.run(
        [*ruff, "check", *isolated, "--select", "E,F,W,I,B,UP", "."],
        cwd=target,
        capture_output=True,
        text=True,
    )
    assert lint.returncode == 0, lint.stdout
    formatted = subprocess.run(
        [*ruff, "format", "--check", *isolated, "."],
        cwd=target,
        capture_output=True,
        text=True,
    )
    assert formatted.returncode == 0, formatted.stdout


def test_entry_point_module_imports_nothing_heavy(tmp_path: Path) -> None:
    target, _ = create_plugin("zoo-hello", tmp_path)
    probe = (
        "import sys; import zoo_hello.plugin; "
        "print(sorted({'torch', 'numpy', 'pandas'} & set(sys.modules)))"
    )

    completed = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=target,
        capture_output=True,
        text=True,
        check=True,
    )

    assert completed.stdout.strip() == "[]"


def test_tutorial_shows_the_files_as_they_are(tmp_path: Path) -> None:
    target, _ = create_plugin("zoo-hello", tmp_path)
    text = TUTORIAL.read_text()
    blocks = re.findall(
        r"<!-- (template|repository) file: (\S+) -->\n```\w*\n(.*?)\n```", text, re.S
    )

    assert len(blocks) >= 6
    for kind, path, shown in blocks:
        source = (target if kind == "template" else REPO) / path
        assert shown == source.read_text().rstrip(), f"tutorial block for {path}"


# -- the package at work (subprocesses, a fresh virtual environment) -----------------


def load_outside_env() -> ModuleType:
    name = "zoo_tests_outside_env"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, SAMPLES / "outside_env.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.mark.slow
def test_new_plugin_installs_lists_tests_and_trains(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    env = load_outside_env().OutsideEnv.create(tmp_path_factory.mktemp("new"))

    created = env.zoo("plugin", "new", "demo")
    assert created.returncode == 0, created.stderr
    env.install(env.work / "demo", editable=True)

    models = env.zoo("models", "--json", ZOO_LOAD_PLUGINS="demo")
    datasets = env.zoo("datasets", "--json", ZOO_LOAD_PLUGINS="demo")
    assert [m["id"] for m in json.loads(models.stdout)] == ["demo/tiny-cnn"]
    (dataset,) = json.loads(datasets.stdout)
    assert (dataset["id"], dataset["present"]) == ("demo-shapes", True)

    own_tests = env.run(
        "-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=env.work / "demo"
    )
    assert own_tests.returncode == 0, own_tests.stdout + own_tests.stderr
    assert "4 passed" in own_tests.stdout

    trained = env.zoo(
        "train",
        "demo/tiny-cnn",
        "--epochs",
        "1",
        "--set",
        "data.samples=60",
        "--device",
        "cpu",
        "--out",
        "runs/demo",
        "--quiet",
        "--json",
        ZOO_LOAD_PLUGINS="demo",
    )
    assert trained.returncode == 0, trained.stderr
    metrics = json.loads(trained.stdout)["metrics"]
    assert 0.0 <= metrics["valid_accuracy"] <= 1.0
    assert (env.work / "runs" / "demo" / "weights.safetensors").is_file()


def test_template_files_are_package_data() -> None:
    """A wheel of zoo-core must carry the template, or `zoo plugin new` breaks."""
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"][
        "setuptools"
    ]
    patterns = setuptools.get("package-data", {}).get("zoo_core", [])
    package = REPO / "zoo_core"
    shipped = {path for pattern in patterns for path in package.glob(pattern)}

    template = [
        path
        for path in (package / "template").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]
    missing = sorted(str(path.relative_to(package)) for path in template)
    missing = [name for name in missing if package / name not in shipped]
    assert not missing, f"[tool.setuptools.package-data] zoo_core misses {missing}"
