"""Tokenizers per language family: what a program says, without its names, literals and layout.

Each token is a small integer code with the character span it came from (to highlight matches).
Identifiers become ``V``, numbers ``N``, strings and characters ``S``; keywords and operators stay
themselves; comments, whitespace and include lines are dropped.
"""

from __future__ import annotations

import re
import zlib
from typing import NamedTuple

PYTHON_KEYWORDS = frozenset(
    [
        "False",
        "None",
        "True",
        "and",
        "as",
        "assert",
        "async",
        "await",
        "break",
        "class",
        "continue",
        "def",
        "del",
        "elif",
        "else",
        "except",
        "finally",
        "for",
        "from",
        "global",
        "if",
        "import",
        "in",
        "is",
        "lambda",
        "nonlocal",
        "not",
        "or",
        "pass",
        "raise",
        "return",
        "try",
        "while",
        "with",
        "yield",
        "match",
        "case",
    ]
)
# The union over the C family (C, C++, Java, C#, JavaScript, TypeScript, Kotlin, Go, Rust):
# a word that is a keyword in one and a name in another is still rare in a program.
C_KEYWORDS = frozenset(
    [
        "auto",
        "bool",
        "break",
        "case",
        "catch",
        "char",
        "class",
        "const",
        "constexpr",
        "continue",
        "default",
        "delete",
        "do",
        "double",
        "else",
        "enum",
        "extern",
        "float",
        "for",
        "goto",
        "if",
        "inline",
        "int",
        "long",
        "new",
        "operator",
        "private",
        "protected",
        "public",
        "register",
        "return",
        "short",
        "signed",
        "sizeof",
        "static",
        "struct",
        "switch",
        "template",
        "this",
        "throw",
        "try",
        "typedef",
        "typename",
        "union",
        "unsigned",
        "using",
        "virtual",
        "void",
        "volatile",
        "while",
        "namespace",
        "nullptr",
        "true",
        "false",
        "abstract",
        "boolean",
        "byte",
        "extends",
        "final",
        "finally",
        "implements",
        "import",
        "instanceof",
        "interface",
        "native",
        "package",
        "super",
        "synchronized",
        "throws",
        "transient",
        "var",
        "let",
        "function",
        "of",
        "in",
        "typeof",
        "undefined",
        "null",
        "async",
        "await",
        "yield",
        "fun",
        "val",
        "when",
        "object",
        "companion",
        "override",
        "data",
        "is",
        "as",
        "out",
        "init",
        "lateinit",
        "func",
        "go",
        "chan",
        "defer",
        "fallthrough",
        "map",
        "range",
        "select",
        "type",
        "fn",
        "impl",
        "mut",
        "pub",
        "mod",
        "crate",
        "self",
        "Self",
        "trait",
        "where",
        "loop",
        "match",
        "move",
        "ref",
        "unsafe",
        "dyn",
        "foreach",
        "readonly",
        "string",
        "decimal",
        "uint",
        "ulong",
        "ushort",
        "sbyte",
        "lock",
        "checked",
        "unchecked",
        "params",
        "out",
        "internal",
        "sealed",
        "struct",
        "elif",
    ]
)


class Family(NamedTuple):
    name: str
    pattern: re.Pattern[str]
    keywords: frozenset[str]


_PY_STRING = (
    r"[rRbBuUfF]{0,2}(?:\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''"
    r"|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*')"
)
_NUMBER = (
    r"0[xXbBoO][0-9a-fA-F_']+[uUlLnN]*"
    r"|(?:\d[\d_']*(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[a-zA-Z]*"
)
_IDENT = r"[^\W\d]\w*"
_PY_OPS = r"\*\*=?|//=?|<<=?|>>=?|->|:=|[-+*/%&|^=<>!@]=|[-+*/%&|^~<>=()\[\]{},:;.@]"
_C_OPS = (
    r"<<=|>>>?=?|\.\.\.|::|->|=>|\+\+|--|&&|\|\||\?\?|\?\.|!!|:=|[-+*/%&|^=<>!]=?=?"
    r"|[~?:;,.()\[\]{}@$]"
)

PYTHON = Family(
    "python",
    re.compile(
        rf"(?P<skip>\s+|#[^\n]*|\\\n)|(?P<S>{_PY_STRING})|(?P<N>{_NUMBER})"
        rf"|(?P<V>{_IDENT})|(?P<O>{_PY_OPS})|(?P<X>.)",
        re.S,
    ),
    PYTHON_KEYWORDS,
)
C_FAMILY = Family(
    "c",
    re.compile(
        r"(?P<skip>\s+|//[^\n]*|/\*[\s\S]*?\*/|\#\s*(?:include|import|pragma)[^\n]*)"
        r"|(?P<S>\"\"\"[\s\S]*?\"\"\"|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n]){1,8}'|`[^`]*`)"
        rf"|(?P<N>{_NUMBER})|(?P<V>{_IDENT})|(?P<O>{_C_OPS})|(?P<X>.)",
        re.S,
    ),
    C_KEYWORDS,
)

# Submissions are compared per language; dialects of one language count as one.
_DIALECTS = {"pypy3": "python3", "c11": "c", "cpp23": "cpp"}


def comparison_group(language: str) -> str:
    """The language whose submissions a submission is compared with."""
    return _DIALECTS.get(language, language)


def family(language: str) -> Family:
    return PYTHON if comparison_group(language) == "python3" else C_FAMILY


class Tokens(NamedTuple):
    codes: list[int]  # one small integer per token
    spans: list[tuple[int, int]]  # its characters in the source: [start, end)


def _code(text: str) -> int:
    return zlib.crc32(text.encode())


_CODE_V, _CODE_N, _CODE_S = _code("V"), _code("N"), _code("S")


def tokenize(source: str, language: str) -> Tokens:
    """The normalized tokens of ``source`` (any text: unknown characters are tokens too)."""
    fam = family(language)
    codes: list[int] = []
    spans: list[tuple[int, int]] = []
    keywords = fam.keywords
    for match in fam.pattern.finditer(source):
        kind = match.lastgroup
        if kind == "skip":
            continue
        text = match.group()
        if kind == "V":
            code = _code(text) if text in keywords else _CODE_V
        elif kind == "N":
            code = _CODE_N
        elif kind == "S":
            code = _CODE_S
        else:
            code = _code(text)
        codes.append(code)
        spans.append(match.span())
    return Tokens(codes, spans)
