"""Golden programs: every row of sandbox/languages.toml compiles, runs and is accepted.

Adding a language row without adding its programs here fails ``test_every_language_has_goldens``.
"""

from __future__ import annotations

import pytest
from support import make_problem

from arena.protocol import Verdict

pytestmark = pytest.mark.sandbox

HELLO = {
    "c": '#include <stdio.h>\nint main(void) { puts("Hello, World!"); return 0; }\n',
    "cpp": (
        '#include <iostream>\nint main() { std::cout << "Hello, World!" << std::endl; return 0; }\n'
    ),
    "java": (
        "public class Main {\n"
        "    public static void main(String[] args) {\n"
        '        System.out.println("Hello, World!");\n'
        "    }\n"
        "}\n"
    ),
    "javascript": 'console.log("Hello, World!");\n',
    "python3": 'print("Hello, World!")\n',
    "typescript": 'const greeting: string = "Hello, World!";\nconsole.log(greeting);\n',
}

# Sums two integers from stdin (one per test, on one line); 64-bit so the big test fits.
A_PLUS_B = {
    "c": (
        "#include <stdio.h>\n"
        "int main(void) {\n"
        "    long long a, b;\n"
        '    if (scanf("%lld %lld", &a, &b) != 2) return 1;\n'
        '    printf("%lld\\n", a + b);\n'
        "    return 0;\n"
        "}\n"
    ),
    "cpp": (
        "#include <iostream>\n"
        "int main() {\n"
        "    long long a, b;\n"
        "    std::cin >> a >> b;\n"
        "    std::cout << a + b << '\\n';\n"
        "}\n"
    ),
    "java": (
        "import java.io.*;\n"
        "import java.util.*;\n"
        "public class Main {\n"
        "    public static void main(String[] args) throws IOException {\n"
        "        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));\n"
        "        StringTokenizer st = new StringTokenizer(in.readLine());\n"
        "        long a = Long.parseLong(st.nextToken());\n"
        "        long b = Long.parseLong(st.nextToken());\n"
        "        System.out.println(a + b);\n"
        "    }\n"
        "}\n"
    ),
    "javascript": (
        "const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(BigInt);\n"
        "console.log((a + b).toString());\n"
    ),
    "python3": "a, b = map(int, input().split())\nprint(a + b)\n",
    "typescript": (
        "const text: string = require('fs').readFileSync(0, 'utf8');\n"
        "const [a, b] = text.trim().split(/\\s+/).map((t: string) => BigInt(t));\n"
        "console.log((a + b).toString());\n"
    ),
}

A_PLUS_B_TESTS = {
    "sample/1": ("1 2\n", "3\n"),
    "secret/1": ("-5 5\n", "0\n"),
    "secret/2": ("1000000000000 2345678901234\n", "3345678901234\n"),
}


def test_every_language_has_goldens(languages) -> None:
    assert set(HELLO) == set(languages.ids)
    assert set(A_PLUS_B) == set(languages.ids)


@pytest.fixture(scope="module")
def hello_problem(tmp_path_factory):
    root = tmp_path_factory.mktemp("hello")
    # Exact output: letter case and spacing both count.
    yaml = "name: hello\nvalidator_flags: case_sensitive space_change_sensitive\n"
    return make_problem(root, {"sample/1": ("", "Hello, World!\n")}, yaml, time_limit_s=1.0)


@pytest.fixture(scope="module")
def a_plus_b_problem(tmp_path_factory):
    root = tmp_path_factory.mktemp("aplusb")
    return make_problem(root, A_PLUS_B_TESTS, time_limit_s=1.0)


@pytest.mark.parametrize("lang", sorted(HELLO))
async def test_hello_world(judge, hello_problem, lang: str) -> None:
    r = await judge(hello_problem, HELLO[lang], lang)
    assert r.verdict == Verdict.AC, r
    assert [t.name for t in r.tests] == ["sample/1"]


@pytest.mark.parametrize("lang", sorted(A_PLUS_B))
async def test_a_plus_b(judge, a_plus_b_problem, lang: str) -> None:
    r = await judge(a_plus_b_problem, A_PLUS_B[lang], lang)
    assert r.verdict == Verdict.AC, r
    assert [t.verdict for t in r.tests] == [Verdict.AC] * len(A_PLUS_B_TESTS)


async def test_java_files_are_named_after_their_public_class(judge, hello_problem) -> None:
    # Kattis packages name Java files after their class (Different.java); so does Arena.
    source = HELLO["java"].replace("class Main", "final class Different")
    result = await judge(hello_problem, source, "java")
    assert result.verdict == Verdict.AC, result


def test_entry_point_detection(languages) -> None:
    java = languages.get("java")
    named = java.for_source(b"import x;\n\npublic final class Solver {\n}\n")
    assert named.source_file == "Solver.java"
    assert named.run[-1] == "Solver"
    assert java.for_source(b"class Hidden {}").source_file == "Main.java"  # not public: default
    python = languages.get("python3")
    assert python.for_source(b"print(1)") is python
