"""Stubs and harnesses of the dynamically typed languages: Python, JavaScript, TypeScript.

Each harness is appended to the contestant's code: it reads the arguments in the canonical text
form (``arena.functions.signature``), calls the function and prints the result in the same form.
"""

from __future__ import annotations

from arena.functions.signature import Signature, ValueType
from arena.functions.template import appended, fill

_PY_TYPES = {"int": "int", "float": "float", "bool": "bool", "string": "str"}
_TS_TYPES = {"int": "number", "float": "number", "bool": "boolean", "string": "string"}


def _py_type(t: ValueType) -> str:
    text = _PY_TYPES[t.base]
    for _ in range(t.dims):
        text = f"list[{text}]"
    return text


def _ts_type(t: ValueType) -> str:
    return _TS_TYPES[t.base] + "[]" * t.dims


def _descriptor(t: ValueType) -> str:
    return f'"{t.base}", {t.dims}'


def python_stub(sig: Signature) -> str:
    params = ", ".join(f"{p.name}: {_py_type(p.type)}" for p in sig.params)
    return f"def {sig.name}({params}) -> {_py_type(sig.returns)}:\n    pass\n"


_PY_HARNESS = """

def _arena_harness():
    import sys

    tokens = iter(sys.stdin.buffer.read().split())

    def scalar(kind):
        text = next(tokens).decode()
        if kind == "int":
            return int(text)
        if kind == "float":
            return float(text)
        if kind == "bool":
            return text == "true"
        return text

    def read(kind, dims):
        if dims == 0:
            return scalar(kind)
        return [read(kind, dims - 1) for _ in range(int(next(tokens)))]

    def text(kind, value):
        if kind == "bool":
            return "true" if value else "false"
        if kind == "float":
            return repr(float(value))
        return str(value)

    def write(kind, dims, value, out):
        if dims == 0:
            out.append(text(kind, value))
            return
        value = list(value)
        out.append(str(len(value)))
        if dims == 1:
            out.append(" ".join(text(kind, item) for item in value))
        else:
            for row in value:
                write(kind, dims - 1, row, out)

    # A LeetCode-style class Solution works too.
    function = globals().get("{name}") or getattr(globals()["Solution"](), "{name}")
    args = [{reads}]
    out = []
    write({returns}, function(*args), out)
    sys.stdout.write("\\n".join(out) + "\\n")


_arena_harness()
"""


def python_wrap(sig: Signature, source: str) -> str:
    reads = ", ".join(f"read({_descriptor(p.type)})" for p in sig.params)
    harness = fill(_PY_HARNESS, name=sig.name, reads=reads, returns=_descriptor(sig.returns))
    return appended(source, harness)


def _jsdoc(sig: Signature) -> str:
    lines = ["/**"]
    lines += [f" * @param {{{_ts_type(p.type)}}} {sig.camel(p.name)}" for p in sig.params]
    lines += [f" * @return {{{_ts_type(sig.returns)}}}", " */"]
    return "\n".join(lines)


def javascript_stub(sig: Signature) -> str:
    params = ", ".join(sig.camel(p.name) for p in sig.params)
    return f"{_jsdoc(sig)}\nfunction {sig.camel()}({params}) {{\n    \n}}\n"


def typescript_stub(sig: Signature) -> str:
    params = ", ".join(f"{sig.camel(p.name)}: {_ts_type(p.type)}" for p in sig.params)
    return f"function {sig.camel()}({params}): {_ts_type(sig.returns)} {{\n    \n}}\n"


# Shared by JavaScript and TypeScript (compiled with --strict false: the helpers are untyped).
_JS_HARNESS = """
(() => {
    const arenaTokens = require("fs").readFileSync(0, "utf8").split(/\\s+/).filter((t) => t !== "");
    let arenaNext = 0;
    const scalar = (kind) => {
        const text = arenaTokens[arenaNext++];
        if (kind === "int" || kind === "float") return Number(text);
        if (kind === "bool") return text === "true";
        return text;
    };
    const read = (kind, dims) => {
        if (dims === 0) return scalar(kind);
        const n = Number(arenaTokens[arenaNext++]);
        const out = [];
        for (let i = 0; i < n; i++) out.push(read(kind, dims - 1));
        return out;
    };
    const text = (kind, value) => {
        if (kind === "bool") return value ? "true" : "false";
        if (kind === "int") return BigInt(value).toString();
        return String(value);
    };
    const write = (kind, dims, value, out) => {
        if (dims === 0) {
            out.push(text(kind, value));
            return;
        }
        const items = Array.from(value);
        out.push(String(items.length));
        if (dims === 1) out.push(items.map((item) => text(kind, item)).join(" "));
        else for (const row of items) write(kind, dims - 1, row, out);
    };
    const arenaOut = [];
    write({returns}, {name}({reads}), arenaOut);
    process.stdout.write(arenaOut.join("\\n") + "\\n");
})();
"""


def javascript_wrap(sig: Signature, source: str) -> str:
    reads = ", ".join(f"read({_descriptor(p.type)})" for p in sig.params)
    harness = fill(_JS_HARNESS, name=sig.camel(), reads=reads, returns=_descriptor(sig.returns))
    return appended(source, harness)
