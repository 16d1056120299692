"""A function problem's signature (LeetCode style): its name, typed parameters and return type.

A package declares it in ``problem.yaml`` under ``arena: {function: ...}`` or in ``signature.yaml``
beside it::

    function:
      name: two_sum
      params:
        - {name: nums, type: "int[]"}
        - {name: target, type: int}
      returns: "int[]"

Types are ``int`` (64-bit signed), ``float`` (double), ``bool``, ``string`` (one token: no
whitespace), and 1-D or 2-D arrays of these (``int[]``, ``string[][]``).

Test data of a function problem uses one canonical text form, read by every harness and written
for the result: a scalar is one token (``true``/``false`` for bool); an array is its length on one
line, then its elements (a 1-D array's on one line, a 2-D array's rows each as a 1-D array).
The arguments come in the order of ``params``; the answer file holds the expected result.
"""

from __future__ import annotations

import re
from typing import Any

import msgspec

BASE_TYPES = ("int", "float", "bool", "string")
MAX_DIMENSIONS = 2
_IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*\Z")
_TYPE = re.compile(r"(int|float|bool|string)((?:\[\])*)\Z")
# Names no harness may take for a parameter: keywords of the supported languages.
_KEYWORDS = """
and as assert async await bool break case catch char class const continue def default del do
double elif else enum except export extends false final finally float for from func fun function
go if import in int interface is lambda let long map new nil none not null object or package pass
private public raise range return select self short static string struct super switch this throw
true try type typeof val var void when while with yield
"""
_RESERVED = frozenset(_KEYWORDS.split())


class SignatureError(ValueError):
    pass


class ValueType(msgspec.Struct, frozen=True):
    base: str
    dims: int

    @classmethod
    def parse(cls, text: str) -> ValueType:
        found = _TYPE.match(text.replace(" ", ""))
        if found is None:
            raise SignatureError(
                f"unknown type {text!r}: use int, float, bool or string, with [] or [][]"
            )
        dims = len(found.group(2)) // 2
        if dims > MAX_DIMENSIONS:
            raise SignatureError(f"type {text!r}: at most {MAX_DIMENSIONS}-D arrays")
        return cls(found.group(1), dims)

    def __str__(self) -> str:
        return self.base + "[]" * self.dims


class Param(msgspec.Struct, frozen=True):
    name: str
    type: ValueType


class Signature(msgspec.Struct, frozen=True):
    name: str
    params: list[Param]
    returns: ValueType

    def camel(self, name: str | None = None) -> str:
        """``two_sum`` as the C-family languages spell it: ``twoSum``."""
        head, *rest = (self.name if name is None else name).split("_")
        return head + "".join(part[:1].upper() + part[1:] for part in rest)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "params": [{"name": p.name, "type": str(p.type)} for p in self.params],
            "returns": str(self.returns),
        }


def _name(value: Any, what: str) -> str:
    if not isinstance(value, str) or not _IDENTIFIER.match(value):
        raise SignatureError(f"{what} {value!r}: use lower_snake_case letters, digits and _")
    if value in _RESERVED or value.replace("_", "") in _RESERVED:
        raise SignatureError(f"{what} {value!r} is a keyword in a supported language")
    if value.startswith("arena") or "__" in value or value.endswith("_"):
        raise SignatureError(f"{what} {value!r}: reserved for the harness")
    return value


def _type(value: Any, what: str) -> ValueType:
    if not isinstance(value, str):
        raise SignatureError(f"{what}: the type must be a string such as 'int[]'")
    return ValueType.parse(value)


def parse_signature(data: Any) -> Signature:
    """The signature from its YAML mapping (``function:`` included or not)."""
    if isinstance(data, dict) and "function" in data:
        data = data["function"]
    if not isinstance(data, dict):
        raise SignatureError("the function signature must be a mapping with name, params, returns")
    unknown = set(data) - {"name", "params", "returns"}
    if unknown:
        raise SignatureError(
            f"unknown keys in the function signature: {', '.join(sorted(unknown))}"
        )
    name = _name(data.get("name"), "function name")
    raw_params = data.get("params", [])
    if not isinstance(raw_params, list):
        raise SignatureError("params must be a list of {name, type}")
    params = []
    for index, raw in enumerate(raw_params, 1):
        if not isinstance(raw, dict) or set(raw) != {"name", "type"}:
            raise SignatureError(f"parameter {index}: give exactly name and type")
        params.append(Param(_name(raw["name"], "parameter"), _type(raw["type"], raw["name"])))
    names = [p.name for p in params]
    if len(set(names)) != len(names) or name in names:
        raise SignatureError("parameter names must differ from each other and from the function")
    if "returns" not in data:
        raise SignatureError("the function signature needs a return type (returns)")
    return Signature(name, params, _type(data["returns"], "returns"))
