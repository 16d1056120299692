"""Statements to safe HTML: Markdown and LaTeX, several languages, hostile input, math kept."""

from __future__ import annotations

import base64
from html.parser import HTMLParser
from pathlib import Path

import pytest

from arena.problems.errors import PackageError
from arena.problems.package import load_package
from arena.problems.statement import Statement, render_statements, sanitize

REPO = Path(__file__).resolve().parents[2]
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def statements(tmp_path: Path, files: dict[str, str | bytes]) -> dict[str, Statement]:
    root = tmp_path / "hello"
    files = {"data/secret/1.in": "1\n", "data/secret/1.ans": "1\n", **files}
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return render_statements(load_package(root))


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {name: value or "" for name, value in attrs}))


def assert_harmless(html: str) -> list[tuple[str, dict[str, str]]]:
    """What a browser would build from ``html`` holds no script, handler or script URL."""
    parser = _Elements()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert tag not in ("script", "iframe", "object", "embed", "style", "div", "form"), tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src"):
                assert value.startswith(("https:", "http:", "mailto:", "data:image/")), value
    return parser.found


def only_html(tmp_path: Path, name: str, text: str) -> str:
    return statements(tmp_path, {f"problem_statement/{name}": text})["en"].html


HOSTILE_MARKDOWN = """\
Raw <script>alert(1)</script> and <img src=x onerror="alert(2)"> and <b onclick="x()">b</b>

<div onmouseover="alert(3)">block html</div>

[click](javascript:alert(4)) [data](data:text/html;base64,PHNjcmlwdD4=) [ok](https://example.com)
![pixel](https://evil.example/track.png) ![escape](../../../etc/passwd)
<a href="javascript:alert(5)">raw link</a>
"""


def test_markdown_cannot_inject_script(tmp_path: Path) -> None:
    html = only_html(tmp_path, "problem.en.md", HOSTILE_MARKDOWN)
    elements = assert_harmless(html)
    assert ("img", {"alt": "pixel"}) in elements  # no requests to other hosts
    assert ("img", {"alt": "escape"}) in elements  # nor files outside the statement
    # Markdown links with script URLs stay text (CommonMark refuses them).
    assert "[click](javascript:alert(4))" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # raw HTML shows as text
    assert '<a href="https://example.com" rel="noopener noreferrer">ok</a>' in html


def test_markdown_math_keeps_every_backslash(tmp_path: Path) -> None:
    text = (
        "Inline $a_i \\le \\frac{1}{2}$ and \\(x < y\\) and `$code$`.\n\n"
        "$$\n\\sum_{i=1}^{n} \\lvert a_i \\rvert\n$$\n\n"
        "Display \\[\\binom{n}{k}\\] inline.\n"
    )
    html = only_html(tmp_path, "problem.md", text)
    assert '<span class="math inline">\\(a_i \\le \\frac{1}{2}\\)</span>' in html
    assert '<span class="math inline">\\(x &lt; y\\)</span>' in html
    assert '<div class="math display">\\[\\sum_{i=1}^{n} \\lvert a_i \\rvert\\]</div>' in html
    assert '<span class="math display">\\[\\binom{n}{k}\\]</span>' in html
    assert "<code>$code$</code>" in html  # no math inside code


HOSTILE_LATEX = r"""
\documentclass{article}
\begin{document}
\problemname{Hello $n$}
Text with <script>alert(1)</script> and <img src=x onerror=alert(2)>.
\href{javascript:alert(3)}{click me} \url{javascript:alert(4)} \href{https://example.com}{fine}
\includegraphics{../../outside.png}
\begin{verbatim}
<script>alert(5)</script>
\end{verbatim}
\end{document}
"""


def test_latex_cannot_inject_script(tmp_path: Path) -> None:
    (tmp_path / "outside.png").write_bytes(PNG)
    rendered = statements(tmp_path, {"problem_statement/problem.en.tex": HOSTILE_LATEX})["en"]
    html = rendered.html
    elements = assert_harmless(html)
    assert "img" not in [tag for tag, _ in elements]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<pre><code>&lt;script&gt;alert(5)&lt;/script&gt;\n</code></pre>" in html
    assert '<a rel="noopener noreferrer">click me</a>' in html
    assert '<a rel="noopener noreferrer">javascript:alert(4)</a>' in html
    assert '<a href="https://example.com" rel="noopener noreferrer">fine</a>' in html
    assert "[image ../../outside.png]" in html  # outside the statement directory: not read
    assert rendered.title == "Hello \\(n\\)"


def test_latex_structure_and_math(tmp_path: Path) -> None:
    text = r"""\problemname{Sums}
Given $n$ numbers with $|a_i| \le 10^9$ --- and \(x<y\) --- print ``it''.
100\% \textbf{bold} {\em emphasis} \texttt{code_x} \emph{$\alpha$}

$$\sum_{i=1}^n a_i$$

\section*{Input}
\begin{itemize}
\item first \begin{enumerate}\item nested\end{enumerate}
\item second
\end{itemize}
\begin{align*}
a &= b \\
c &= d
\end{align*}
\begin{tabular}{|l|r|}\hline a & $b$ \\ \hline\end{tabular}
"""
    html = only_html(tmp_path, "problem.tex", text)
    assert '<span class="math inline">\\(|a_i| \\le 10^9\\)</span> \u2014 and' in html
    assert '<span class="math inline">\\(x&lt;y\\)</span>' in html
    assert "\u201cit\u201d" in html
    assert "100% <strong>bold</strong> <em>emphasis</em> <code>code_x</code>" in html
    assert '<em><span class="math inline">\\(\\alpha\\)</span></em>' in html
    assert '<span class="math display">\\[\\sum_{i=1}^n a_i\\]</span>' in html
    assert "<h2>Input</h2>" in html
    nested = "<ol><li><p>nested</p></li></ol>"
    assert f"<ul><li><p>first</p>\n{nested}</li><li><p>second</p></li></ul>" in html
    assert "\\begin{aligned}a &amp;= b \\\\\nc &amp;= d\\end{aligned}" in html
    assert '<table><tbody><tr><td>a</td><td><span class="math inline">\\(b\\)</span>' in html


def test_images_from_the_statement_directory_become_data_uris(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "statement/fig.png": PNG,
        "statement/problem.en.tex": "\\illustration{0.3}{fig}{A figure}\n",
        "statement/problem.sv.md": "![bild](fig.png)\n",
        "problem.yaml": "problem_format_version: 2023-07\nname: Pictures\n",
    }
    rendered = statements(tmp_path, files)
    uri = "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert f'<img src="{uri}" alt="A figure">' in rendered["en"].html
    assert "<figcaption>A figure</figcaption>" in rendered["en"].html
    assert f'<img src="{uri}" alt="bild">' in rendered["sv"].html


def test_languages_titles_and_default_first(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        "problem.yaml": "name:\n  sv: Hej\n  en: Hello\n",
        "problem_statement/problem.sv.md": "Svenska\n",
        "problem_statement/problem.tex": "\\problemname{Ignored: yaml names it}\nEnglish\n",
        "problem_statement/problem.de.tex": "\\problemname{Hallo}\nDeutsch\n",
        # Markdown wins over LaTeX for one language; PDFs are not rendered.
        "problem_statement/problem.sv.tex": "Svenska tex\n",
        "problem_statement/problem.fr.pdf": "%PDF",
    }
    rendered = statements(tmp_path, files)
    assert list(rendered) == ["en", "de", "sv"]
    assert rendered["en"] == Statement("Hello", "<p>English</p>")
    assert rendered["de"].title == "Hallo"  # from \problemname when problem.yaml has none
    assert rendered["sv"] == Statement("Hej", "<p>Svenska</p>\n")


def test_no_statement_is_no_languages(tmp_path: Path) -> None:
    assert statements(tmp_path, {}) == {}


def test_invalid_utf8_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(PackageError) as info:
        statements(tmp_path, {"problem_statement/problem.en.md": b"caf\xe9\n"})
    assert str(info.value).startswith("problem_statement/problem.en.md: not valid UTF-8")


def test_sanitize_keeps_only_math_classes() -> None:
    html = sanitize('<span class="math inline evil" style="x">\\(a\\)</span><iframe src=x>')
    assert html == '<span class="math inline">\\(a\\)</span>'


def test_example_package_statements() -> None:
    rendered = render_statements(load_package(REPO / "examples/problems/subtasksum"))
    assert list(rendered) == ["en", "sv"]
    assert rendered["en"].title == "Subtask Sum"
    assert "<table>" in rendered["en"].html
    assert "\\(\\lvert a_i \\rvert \\le 10^{12}\\)" in rendered["en"].html
    assert rendered["sv"].title == "Delsumma"
    assert "<h2>Poängsättning</h2>" in rendered["sv"].html


def _package_with_statement_dir(tmp_path: Path) -> Path:
    root = tmp_path / "hello"
    (root / "data/secret").mkdir(parents=True)
    (root / "data/secret/1.in").write_text("1\n")
    (root / "data/secret/1.ans").write_text("1\n")
    (root / "problem_statement").mkdir()
    return root


def test_statement_symlink_to_a_host_file_is_not_published(tmp_path: Path) -> None:
    # problem.en.md -> /proc/self/environ would publish the importer's environment.
    root = _package_with_statement_dir(tmp_path)
    (root / "problem_statement/problem.en.md").symlink_to("/proc/self/environ")
    with pytest.raises(PackageError, match="outside the package") as info:
        render_statements(load_package(root))
    assert info.value.display_path() == "problem_statement/problem.en.md"


def test_statement_rendering_confines_the_file_itself(tmp_path: Path) -> None:
    # A link that appears after loading (a package directory changed under the importer).
    root = _package_with_statement_dir(tmp_path)
    (root / "problem_statement/problem.en.md").write_text("# Hello\n")
    package = load_package(root)
    (root / "problem_statement/problem.en.md").unlink()
    (root / "problem_statement/problem.en.md").symlink_to("/etc/hostname")
    with pytest.raises(PackageError, match="outside the package"):
        render_statements(package)
