"""A small JSON Schema (draft 2020-12) validator for the keywords our shipped schemas use.

``jsonschema`` is not a dependency of this project; this covers exactly the subset
``data/schemas/*.schema.json`` is written in, and *refuses* a schema that uses any other keyword,
so a keyword added later can never be silently ignored (add it here, or add the dependency).
``validate`` raises ``AssertionError`` naming the JSON path of the first problem.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

KNOWN = {
    "$schema", "$id", "title", "description", "type", "properties", "required",
    "additionalProperties", "items", "enum", "const", "oneOf", "minimum", "maximum", "format",
}  # fmt: skip
TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def _is(value: Any, name: str) -> bool:
    if name in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, TYPES[name])


def _format_ok(value: str, fmt: str) -> bool:
    try:
        if fmt == "date":
            dt.date.fromisoformat(value)
            return len(value) == 10
        if fmt == "date-time":
            parsed = dt.datetime.fromisoformat(value)
            return "T" in value and parsed.tzinfo is not None
    except ValueError:
        return False
    raise AssertionError(f"schema uses format {fmt!r}, which this checker does not know")


def validate(value: Any, schema: dict[str, Any], path: str = "$") -> None:
    unknown = set(schema) - KNOWN
    assert not unknown, f"{path}: schema keyword(s) {sorted(unknown)} unknown to schema_check"
    if "const" in schema:
        assert value == schema["const"] and type(value) is type(schema["const"]), (
            f"{path}: {value!r} is not {schema['const']!r}"
        )
    if "enum" in schema:
        assert any(value == e and type(value) is type(e) for e in schema["enum"]), (
            f"{path}: {value!r} not in {schema['enum']}"
        )
    if "oneOf" in schema:
        passed = 0
        for option in schema["oneOf"]:
            try:
                validate(value, option, path)
                passed += 1
            except AssertionError:
                pass
        assert passed == 1, f"{path}: {value!r} matches {passed} of oneOf, not exactly one"
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        assert any(_is(value, n) for n in names), f"{path}: {value!r} is not {names}"
    if isinstance(value, str) and "format" in schema:
        assert _format_ok(value, schema["format"]), f"{path}: {value!r} is no {schema['format']}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema:
            assert value >= schema["minimum"], f"{path}: {value} < {schema['minimum']}"
        if "maximum" in schema:
            assert value <= schema["maximum"], f"{path}: {value} > {schema['maximum']}"
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", ()):
            assert key in value, f"{path}: missing required key {key!r}"
        if schema.get("additionalProperties") is False:
            extra = set(value) - set(props)
            assert not extra, f"{path}: unexpected key(s) {sorted(extra)}"
        for key, sub in props.items():
            if key in value:
                validate(value[key], sub, f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for n, entry in enumerate(value):
            validate(entry, schema["items"], f"{path}[{n}]")
