"""Disguised copies and synthetic independent programs, for the plagiarism tests and bench."""

from __future__ import annotations

import random
import string
from pathlib import Path

from arena.plagiarism.tokens import family

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "problems"
EXTENSIONS = {
    ".py": "python3",
    ".cpp": "cpp",
    ".c": "c",
    ".java": "java",
    ".go": "go",
    ".js": "javascript",
    ".ts": "typescript",
    ".kt": "kotlin",
}
# Library names a copier keeps (renaming them would not compile).
LIBRARY = frozenset(
    [
        "print",
        "input",
        "map",
        "int",
        "str",
        "list",
        "sum",
        "range",
        "len",
        "sorted",
        "min",
        "max",
        "abs",
        "open",
        "sys",
        "stdin",
        "stdout",
        "readline",
        "split",
        "strip",
        "append",
        "math",
        "sqrt",
        "std",
        "cin",
        "cout",
        "endl",
        "vector",
        "string",
        "scanf",
        "printf",
        "main",
        "Main",
        "System",
        "out",
        "println",
        "in",
        "Scanner",
        "nextInt",
        "BufferedReader",
        "InputStreamReader",
        "console",
        "log",
        "process",
        "fmt",
        "Println",
        "Scan",
        "bufio",
        "os",
        "readLine",
        "toInt",
        "Math",
        "java",
        "util",
        "io",
        "size",
        "push_back",
        "begin",
        "end",
        "sort",
        "long_long_int",
        "cstdio",
        "iostream",
        "bits",
        "stdc",
    ]
)


def bank_accepted() -> list[tuple[str, str, str, str]]:
    """(problem, file name, language, source) of every accepted example submission."""
    found = []
    for path in sorted(EXAMPLES.glob("*/submissions/accepted/*")):
        language = EXTENSIONS.get(path.suffix)
        if language is not None:
            found.append((path.parts[-4], path.name, language, path.read_text()))
    return found


def _name(rng: random.Random) -> str:
    return rng.choice(string.ascii_lowercase) + "".join(
        rng.choices(string.ascii_lowercase + "_", k=rng.randint(3, 9))
    )


def disguise(source: str, language: str, seed: int) -> str:
    """A copy as a cheater makes it: every own name renamed (consistently), comments added,
    blank lines and spacing changed; the program does the same."""
    rng = random.Random(seed)
    fam = family(language)
    renamed: dict[str, str] = {}
    out: list[str] = []
    for match in fam.pattern.finditer(source):
        text = match.group()
        if match.lastgroup == "V" and text not in fam.keywords and text not in LIBRARY:
            text = renamed.setdefault(text, _name(rng))
        elif match.lastgroup == "skip" and "\n" in text and rng.random() < 0.3:
            comment = "# " if fam.name == "python" else "// "
            indent = text.rsplit("\n", 1)[1]
            text = text.replace("\n", f"  {comment}{_name(rng)} {_name(rng)}\n\n", 1)
            text = text.rsplit("\n", 1)[0] + "\n" + indent
        elif match.lastgroup == "O" and fam.name == "c" and text in "+-*/<>=" and len(text) == 1:
            text = f" {text} "
        out.append(text)
    return "".join(out)


def _expression(rng: random.Random, names: list[str], depth: int = 0) -> str:
    kind = rng.random()
    if depth > 2 or kind < 0.3:
        return rng.choice(names) if rng.random() < 0.7 else str(rng.randint(0, 99))
    if kind < 0.6:
        op = rng.choice(["+", "-", "*", "//", "%", "^", "|", "&", "<<", ">>", "and", "or"])
        left, right = _expression(rng, names, depth + 1), _expression(rng, names, depth + 1)
        return f"{left} {op} {right}"
    if kind < 0.75:
        args = ", ".join(_expression(rng, names, depth + 1) for _ in range(rng.randint(0, 3)))
        return f"{rng.choice(names)}({args})"
    if kind < 0.85:
        return f"{rng.choice(names)}[{_expression(rng, names, depth + 1)}]"
    if kind < 0.93:
        return f"({_expression(rng, names, depth + 1)})"
    return f"[{rng.choice(names)} for {rng.choice(names)} in {_expression(rng, names, depth + 1)}]"


def synthetic_python(rng: random.Random, lines: int = 40) -> str:
    """An independent program: random functions, loops and expressions over random names."""
    names = [_name(rng) for _ in range(12)]
    body: list[str] = []
    depth = 0
    for _ in range(lines):
        pad = "    " * depth
        kind = rng.random()
        expr = _expression(rng, names)
        if kind < 0.08 and depth < 3:
            body.append(f"{pad}def {rng.choice(names)}({', '.join(rng.sample(names, 2))}):")
        elif kind < 0.18 and depth < 3:
            body.append(f"{pad}for {rng.choice(names)} in {expr}:")
        elif kind < 0.28 and depth < 3:
            cmp = rng.choice(["<", ">", "==", "!=", "<=", ">=", "in", "not in"])
            body.append(f"{pad}if {expr} {cmp} {_expression(rng, names)}:")
        elif kind < 0.33 and depth < 3:
            body.append(f"{pad}while {expr}:")
        else:
            if kind < 0.45 and depth > 0:
                body.append(f"{pad}{rng.choice(['return', 'yield', 'print('])} {expr}")
                body[-1] += ")" if "print(" in body[-1] else ""
                depth -= 1
            elif kind < 0.7:
                target = rng.choice(names)
                op = rng.choice(["=", "+=", "-=", "*=", "|=", "^="])
                body.append(f"{pad}{target} {op} {expr}")
            elif kind < 0.85:
                body.append(f"{pad}{rng.choice(names)}[{_expression(rng, names)}] = {expr}")
            else:
                body.append(f"{pad}{rng.choice(names)}.{rng.choice(names)}({expr})")
            continue
        depth += 1
        body.append(f"{pad}    {rng.choice(names)} = {_expression(rng, names)}")
    return "\n".join(body) + "\n"
