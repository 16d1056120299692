"""LaTeX problem statements (the problemtools subset) to HTML, before sanitizing.

Covered: ``\\problemname``, sections, itemize/enumerate/description, ``\\textbf`` ``\\emph``
``\\texttt`` and the old ``{\\bf …}`` switches, verbatim, tabular, center/figure (transparent),
``\\includegraphics`` / ``\\illustration`` (images through a callback), ``\\url`` / ``\\href``,
TeX quotes and dashes. Math is never interpreted: ``$…$``, ``\\(…\\)``, ``$$…$$``, ``\\[…\\]`` and
the equation environments are kept as TeX, escaped, inside ``<span class="math …">`` for the
browser to typeset. Unknown commands keep the text of their first argument. Everything produced
here still goes through the sanitizer, so this code decides layout, not safety.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from .latex_scan import (
    LETTERS,
    argument,
    argument_and_rest,
    environment_body,
    group,
    matching,
    skip_optional,
    split_top_level,
    strip_optional_and_args,
)

__all__ = ["LatexStatement", "latex_to_html"]

ImageSource = Callable[[str], str | None]

_INLINE_WRAP = {
    "textbf": "strong",
    "emph": "em",
    "textit": "em",
    "textsl": "em",
    "texttt": "code",
    "underline": "u",
    "textsuperscript": "sup",
    "textsubscript": "sub",
}
_SWITCHES = {"bf": "strong", "bfseries": "strong", "it": "em", "itshape": "em", "em": "em",
             "tt": "code", "ttfamily": "code", "sl": "em"}  # fmt: skip
_HEADINGS = {"section": "h2", "subsection": "h3", "subsubsection": "h4", "paragraph": "h5"}
_LISTS = {"itemize": "ul", "enumerate": "ol", "description": "dl"}
_VERBATIM = frozenset({"verbatim", "verbatim*", "lstlisting", "minted"})
_MATH_ENVS = frozenset(
    {"equation", "equation*", "displaymath", "align", "align*", "gather", "gather*",
     "multline", "multline*", "eqnarray", "eqnarray*"}
)  # fmt: skip
# Commands whose arguments are definitions or layout, never text.
_SKIP_ARGS = {"newcommand": 2, "renewcommand": 2, "providecommand": 2, "def": 0,
              "usepackage": 1, "documentclass": 1, "label": 1, "vspace": 1, "hspace": 1,
              "vspace*": 1, "hspace*": 1, "setlength": 2, "input": 1, "include": 1}  # fmt: skip
_SYMBOLS = {
    "ldots": "…", "dots": "…", "cdots": "⋯", "LaTeX": "LaTeX", "TeX": "TeX", "quad": " ",
    "qquad": "  ", "newline": "\n", "noindent": "", "par": "\n\n", "smallskip": "",
    "medskip": "", "bigskip": "", "centering": "", "clearpage": "", "newpage": "",
    "hline": "", "textasciitilde": "~", "textbackslash": "\\", "textasciicircum": "^",
    "S": "§", "copyright": "©", "times": "\u00d7", "item": "",
}  # fmt: skip
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")


class LatexStatement:
    """The converter for one statement file; ``title`` is set by ``\\problemname``."""

    def __init__(self, image_source: ImageSource) -> None:
        self.image_source = image_source
        self.title: str | None = None

    # --- scanning ------------------------------------------------------------------------

    def convert(self, text: str) -> str:
        """Block-level HTML: paragraphs split at blank lines and around block elements."""
        pieces: list[tuple[str, str]] = []  # ("inline" | "block" | "break", html)
        self._scan(text, pieces)
        out: list[str] = []
        run: list[str] = []

        def flush() -> None:
            joined = "".join(run).strip()
            if joined:
                out.append(f"<p>{joined}</p>")
            run.clear()

        for kind, piece in pieces:
            if kind == "inline":
                run.append(piece)
            else:
                flush()
                out.append(piece)
        flush()
        return "\n".join(out)

    def inline(self, text: str) -> str:
        pieces: list[tuple[str, str]] = []
        self._scan(text, pieces)
        return "".join(piece if kind != "break" else " " for kind, piece in pieces).strip()

    def _scan(self, text: str, out: list[tuple[str, str]]) -> None:
        pos = 0
        plain: list[str] = []

        def emit_text() -> None:
            if plain:
                out.append(("inline", _typography(html.escape("".join(plain), quote=False))))
                plain.clear()

        while pos < len(text):
            char = text[pos]
            if char == "%":
                end = text.find("\n", pos)
                pos = len(text) if end < 0 else end + 1
                continue
            blank = _BLANK_LINE.match(text, pos) if char == "\n" else None
            if blank:
                emit_text()
                out.append(("break", ""))
                pos = blank.end()
                continue
            if char == "$" or text.startswith(("\\(", "\\["), pos):
                math = _math(text, pos)
                if math is not None:
                    emit_text()
                    out.append(("inline", math[0]))
                    pos = math[1]
                    continue
            if char == "{":
                body, pos = group(text, pos)
                emit_text()
                self._scan(body, out)
                continue
            if char == "}":
                pos += 1
                continue
            if char == "~":
                plain.append("\u00a0")
                pos += 1
                continue
            if char == "\\":
                emit_text()
                pos = self._command(text, pos, out)
                continue
            plain.append(char)
            pos += 1
        emit_text()

    # --- commands ------------------------------------------------------------------------

    def _command(self, text: str, pos: int, out: list[tuple[str, str]]) -> int:
        match = LETTERS.match(text, pos + 1)
        if match is None:
            # A control symbol: \\ is a line break, \% \$ \& \# \_ \{ \} are the characters.
            symbol = text[pos + 1 : pos + 2]
            if symbol == "\\":
                out.append(("inline", "<br>"))
                end = pos + 2
                return skip_optional(text, end)
            spaced = {",": "\u2009", ";": " ", ":": " ", " ": " ", "\n": " ", "-": ""}
            shown = spaced.get(symbol, symbol)
            out.append(("inline", html.escape(shown, quote=False)))
            return pos + 2
        name = match.group()
        pos = match.end()
        if name == "begin":
            return self._environment(text, pos, out)
        if name == "end":
            _, pos = argument(text, pos)
            return pos
        if name in _SKIP_ARGS:
            for _ in range(_SKIP_ARGS[name]):
                pos = skip_optional(text, pos)
                _, pos = argument(text, pos)
            return pos
        if name in _SWITCHES:
            # {\bf text}: the switch applies to the rest of the group being scanned.
            rest = self.inline(text[pos:])
            out.append(("inline", f"<{_SWITCHES[name]}>{rest}</{_SWITCHES[name]}>"))
            return len(text)
        if name in _SYMBOLS:
            value = _SYMBOLS[name]
            out.append(("break", "") if value == "\n\n" else ("inline", html.escape(value)))
            return pos
        return self._with_arguments(name, text, pos, out)

    def _with_arguments(self, name: str, text: str, pos: int, out: list[tuple[str, str]]) -> int:
        if name == "problemname":
            title, pos = argument(text, pos)
            self.title = _plain(self.inline(title))
            return pos
        if name.rstrip("*") in _HEADINGS:
            pos = skip_optional(text, pos)
            heading, pos = argument(text, pos)
            tag = _HEADINGS[name.rstrip("*")]
            out.append(("block", f"<{tag}>{self.inline(heading)}</{tag}>"))
            return pos
        if name in _INLINE_WRAP:
            body, pos = argument(text, pos)
            tag = _INLINE_WRAP[name]
            out.append(("inline", f"<{tag}>{self.inline(body)}</{tag}>"))
            return pos
        if name == "verb" and pos < len(text):
            delimiter = text[pos]
            end = text.find(delimiter, pos + 1)
            end = len(text) if end < 0 else end
            out.append(("inline", f"<code>{html.escape(text[pos + 1 : end])}</code>"))
            return end + 1
        if name in ("url", "href"):
            target, pos = argument(text, pos)
            label = html.escape(target)
            if name == "href":
                body, pos = argument(text, pos)
                label = self.inline(body)
            out.append(("inline", f'<a href="{html.escape(target.strip())}">{label}</a>'))
            return pos
        if name == "includegraphics":
            pos = skip_optional(text, pos)
            path, pos = argument(text, pos)
            out.append(("inline", self._image(path, "")))
            return pos
        if name == "illustration":
            _, pos = argument(text, pos)
            path, pos = argument(text, pos)
            caption, pos = argument(text, pos)
            caption_html = self.inline(caption)
            figure = f"<figure>{self._image(path, _plain(caption_html))}"
            out.append(("block", f"{figure}<figcaption>{caption_html}</figcaption></figure>"))
            return pos
        if name in ("footnote", "caption"):
            body, pos = argument(text, pos)
            tag = "small" if name == "footnote" else "em"
            out.append(("inline", f" <{tag}>{self.inline(body)}</{tag}>"))
            return pos
        # Unknown: \foo[opt]{text}{…} keeps the text of the first argument, drops the others.
        pos = skip_optional(text, pos)
        if text[pos : pos + 1] == "{":
            body, pos = argument(text, pos)
            self._scan(body, out)
            while text[pos : pos + 1] == "{":
                _, pos = argument(text, pos)
        return pos

    def _image(self, path: str, alt: str) -> str:
        source = self.image_source(path.strip())
        if source is None:
            return f"<em>[image {html.escape(path.strip())}]</em>"
        return f'<img src="{source}" alt="{html.escape(alt)}">'

    # --- environments --------------------------------------------------------------------

    def _environment(self, text: str, pos: int, out: list[tuple[str, str]]) -> int:
        env, pos = argument(text, pos)
        env = env.strip()
        body, end = environment_body(text, pos, env, nests=env not in _VERBATIM)
        if env in _VERBATIM:
            code = body.removeprefix("\n")
            if env != "verbatim" and code.startswith("["):
                code = code[code.find("]") + 1 :].removeprefix("\n")
            out.append(("block", f"<pre><code>{html.escape(code)}</code></pre>"))
        elif env in _MATH_ENVS:
            inner = body.strip()
            if env.startswith(("align", "eqnarray")):
                inner = f"\\begin{{aligned}}{inner}\\end{{aligned}}"
            out.append(("inline", _math_html(inner, display=True)))
        elif env in _LISTS:
            out.append(("block", self._list(_LISTS[env], body)))
        elif env == "tabular":
            _, body = argument_and_rest(body)
            out.append(("block", self._table(body)))
        else:
            # center, figure, quote, minipage, …: their content, laid out as blocks.
            body = strip_optional_and_args(body) if env == "minipage" else body
            out.append(("block", self.convert(body)))
        return end

    def _list(self, tag: str, body: str) -> str:
        items = split_top_level(body, "\\item")[1:]
        rendered: list[str] = []
        for item in items:
            label = ""
            if item.startswith("["):
                close = matching(item, 0, "[", "]")
                label, item = item[1:close], item[close + 1 :]
            content = self.convert(item)
            if tag == "dl":
                rendered.append(f"<dt>{self.inline(label)}</dt><dd>{content}</dd>")
            else:
                rendered.append(f"<li>{content}</li>")
        return f"<{tag}>" + "".join(rendered) + f"</{tag}>"

    def _table(self, body: str) -> str:
        rows: list[str] = []
        for row in split_top_level(body, "\\\\"):
            row = row.replace("\\hline", "").strip()
            if not row:
                continue
            cells = split_top_level(row, "&")
            rows.append("<tr>" + "".join(f"<td>{self.inline(c)}</td>" for c in cells) + "</tr>")
        return "<table><tbody>" + "".join(rows) + "</tbody></table>"


# --- helpers ----------------------------------------------------------------------------------


def latex_to_html(text: str, image_source: ImageSource) -> tuple[str | None, str]:
    """(title from ``\\problemname``, HTML) for a whole statement file."""
    begin = text.find("\\begin{document}")
    if begin >= 0:
        end = text.find("\\end{document}", begin)
        text = text[begin + len("\\begin{document}") : end if end >= 0 else len(text)]
    converter = LatexStatement(image_source)
    body = converter.convert(text)
    return converter.title, body


def _math_html(tex: str, *, display: bool) -> str:
    opening, closing, kind = ("\\[", "\\]", "display") if display else ("\\(", "\\)", "inline")
    return f'<span class="math {kind}">{opening}{html.escape(tex, quote=False)}{closing}</span>'


def _math(text: str, pos: int) -> tuple[str, int] | None:
    """Math starting at ``pos`` as HTML and the position after it; None if it never closes."""
    for opening, closing, display in (("$$", "$$", True), ("\\[", "\\]", True),
                                      ("\\(", "\\)", False), ("$", "$", False)):  # fmt: skip
        if text.startswith(opening, pos):
            start = pos + len(opening)
            end = start
            while True:
                end = text.find(closing, end)
                if end < 0:
                    return None
                if text[end - 1] != "\\" or closing.startswith("\\"):
                    break
                end += 1  # an escaped \$ inside math
            return _math_html(text[start:end], display=display), end + len(closing)
    return None


def _typography(text: str) -> str:
    text = text.replace("---", "\u2014").replace("--", "\u2013")
    return text.replace("``", "\u201c").replace("''", "\u201d")


def _plain(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", fragment)).strip()
