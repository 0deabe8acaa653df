"""Specs and typed parameters."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zoo_core.errors import ConfigError
from zoo_core.specs import (
    DatasetSpec,
    ModelSpec,
    Param,
    parse_overrides,
    resolve_params,
)


def test_param_coerces_text_to_its_type():
    assert Param("n", 1, "int").coerce("12") == 12
    assert Param("x", 1.0, "float").coerce("0.5") == 0.5
    assert Param("flag", False, "bool").coerce("yes") is True
    assert Param("name", "a", "str").coerce(3) == "3"


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [
        (Param("n", 1, "int"), "1.5", "n must be a int"),
        (Param("n", 1, "int"), 2.5, "n must be a int"),
        (Param("x", 1.0, "float"), "fast", "x must be a float"),
        (Param("flag", False, "bool"), "maybe", "flag must be true or false"),
        (Param("n", 1, "int", min=1), "0", "n must be at least 1"),
        (Param("p", 0.1, "float", max=0.9), "1.5", "p must be at most 0.9"),
        (Param("opt", "adam", "str", choices=("adam", "sgd")), "lbfgs", "one of"),
    ],
)
def test_param_rejects_bad_values(param, value, message):
    with pytest.raises(ConfigError, match=message):
        param.coerce(value)


@given(st.integers(min_value=-(10**9), max_value=10**9))
def test_int_param_round_trips_any_integer_text(number):
    assert Param("n", 0, "int").coerce(str(number)) == number


def test_unknown_param_type_is_a_programming_error():
    with pytest.raises(ValueError, match="type 'complex'"):
        Param("z", 0, "complex")


def test_resolve_params_lists_valid_keys_on_a_typo():
    params = (Param("lr", 0.1), Param("epochs", 3, "int"))
    with pytest.raises(ConfigError, match="no parameter lrr; valid keys: epochs, lr"):
        resolve_params(params, {"lrr": "1"}, "model a/b")
    assert resolve_params(params, {"lr": "0.5"}, "model a/b") == {
        "lr": 0.5,
        "epochs": 3,
    }


def test_parse_overrides_needs_key_and_value():
    assert parse_overrides(["a=1", "data.path=x=y"]) == {"a": "1", "data.path": "x=y"}
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        parse_overrides(["novalue"])


@pytest.mark.parametrize("bad_id", ["plain", "UPPER/case", "a/b/c", "/x", "a/"])
def test_model_id_must_be_namespaced(bad_id):
    with pytest.raises(ValueError, match="namespace/name"):
        ModelSpec(id=bad_id, task="t", summary="s", builder="m:f")


def test_builder_must_be_a_lazy_target():
    with pytest.raises(ValueError, match="package.module:name"):
        ModelSpec(id="a/b", task="t", summary="s", builder="m.f")


def test_duplicate_param_names_are_rejected():
    with pytest.raises(ValueError, match="declares lr more than once"):
        ModelSpec(
            id="a/b",
            task="t",
            summary="s",
            builder="m:f",
            params=(Param("lr", 1.0), Param("lr", 2.0)),
        )


def test_model_accepts_named_datasets_and_datasets_of_its_task():
    spec = ModelSpec(
        id="a/b",
        task="image-generation",
        summary="s",
        builder="m:f",
        datasets=("special",),
        data_tasks=("image-classification",),
    )
    images = DatasetSpec(
        id="digits", task="image-classification", summary="", loader="m:l"
    )
    text = DatasetSpec(id="text", task="text-generation", summary="", loader="m:l")
    special = DatasetSpec(id="special", task="other", summary="", loader="m:l")
    assert spec.accepts(images)
    assert spec.accepts(special)
    assert not spec.accepts(text)
