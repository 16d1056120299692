"""Problem statements to safe HTML, one per language.

Legacy packages keep them in ``problem_statement/`` (``problem.en.tex``, ``problem.tex`` for
English, ``problem.<lang>.md``), 2023-07 ones in ``statement/``. Markdown goes through
markdown-it (raw HTML off), LaTeX through ``statement_latex``; either way the result is cleaned
by ammonia (``nh3``): no scripts, no event handlers, no ``javascript:`` or relative URLs, images
only as ``data:image/…`` URIs made here from files of the statement directory. Math stays TeX,
delimiters and backslashes included, inside ``<span class="math inline|display">`` for the
browser to typeset.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Callable
from pathlib import Path

import msgspec
import nh3
from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.dollarmath import dollarmath_plugin

from .errors import PackageError, YamlDoc, confined
from .package import ProblemPackage
from .statement_latex import ImageSource, latex_to_html

__all__ = ["Statement", "render_markdown", "render_statements", "sanitize"]

_FILE_RE = re.compile(r"problem(?:\.(?P<lang>[a-z]{2,3}(?:-[A-Za-z]{2})?))?\.(?P<ext>md|tex)")
_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                ".gif": "image/gif", ".svg": "image/svg+xml", ".webp": "image/webp"}  # fmt: skip
# Embedded as data: URIs in the stored HTML, so kept small.
MAX_IMAGE_BYTES = 1 << 20
MAX_STATEMENT_BYTES = 1 << 20
_CLASSES = {"span": {"math", "inline", "display"}, "div": {"math", "display"}}


class Statement(msgspec.Struct, frozen=True):
    title: str
    html: str


def render_statements(package: ProblemPackage) -> dict[str, Statement]:
    """Every language's statement, the default language (``en``, else the first) first.

    A language with both Markdown and LaTeX uses the Markdown file. Raises ``PackageError`` for
    a statement file that cannot be read as UTF-8 or is too large.
    """
    files: dict[str, Path] = {}
    for directory in package.statement_dirs:
        for path in sorted(directory.iterdir(), key=lambda p: (p.suffix != ".md", p.name)):
            match = _FILE_RE.fullmatch(path.name)
            if match and path.is_file():
                files.setdefault(match.group("lang") or "en", path)
    titles = _titles(package)
    rendered: dict[str, Statement] = {}
    for lang in sorted(files, key=lambda lang: (lang != "en", lang)):
        path = files[lang]
        title, body = _render_file(path, package.root)
        name = titles.get(lang) or title or titles.get("en") or package.name
        rendered[lang] = Statement(title=name, html=body)
    return rendered


def _titles(package: ProblemPackage) -> dict[str, str]:
    """``name`` of problem.yaml per language (a plain string is the English name)."""
    path = package.root / "problem.yaml"
    if not path.is_file():
        return {}
    raw = YamlDoc.load(path, package.root).get(("name",))
    if isinstance(raw, dict):
        return {str(k): str(v) for k, v in raw.items() if isinstance(v, str | int | float)}
    return {"en": str(raw)} if isinstance(raw, str | int | float) and raw != "" else {}


def _render_file(path: Path, root: Path) -> tuple[str | None, str]:
    real = confined(path, root)
    if real.stat().st_size > MAX_STATEMENT_BYTES:
        raise PackageError(path, f"larger than {MAX_STATEMENT_BYTES >> 10} KiB", root=root)
    try:
        text = real.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PackageError(path, f"not valid UTF-8 ({exc.reason})", root=root) from exc
    images = _image_source(path.parent)
    if path.suffix == ".md":
        title, body = None, markdown_to_html(text, images)
    else:
        title, body = latex_to_html(text, images)
    return title, sanitize(body)


def _image_source(directory: Path) -> ImageSource:
    """Image references as data: URIs, only for image files inside the statement directory."""
    base = directory.resolve()

    def source(reference: str) -> str | None:
        if not reference or "://" in reference or reference.startswith(("/", "data:")):
            return None
        candidates = [reference]
        if Path(reference).suffix.lower() not in _IMAGE_TYPES:
            # \includegraphics{figure} names the file without its extension.
            candidates = [reference + ext for ext in (".png", ".jpg", ".jpeg", ".svg")]
        for candidate in candidates:
            path = (base / candidate).resolve()
            kind = _IMAGE_TYPES.get(path.suffix.lower())
            if kind is None or not path.is_relative_to(base) or not path.is_file():
                continue
            if path.stat().st_size > MAX_IMAGE_BYTES:
                return None
            return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode()}"
        return None

    return source


# --- Markdown ------------------------------------------------------------------------------


def _bracket_math(state: StateInline, silent: bool) -> bool:
    """``\\(…\\)`` and ``\\[…\\]``, which CommonMark would read as escaped brackets."""
    start = state.pos
    opener = state.src[start : start + 2]
    if opener not in ("\\(", "\\["):
        return False
    closer = "\\)" if opener == "\\(" else "\\]"
    end = state.src.find(closer, start + 2)
    if end < 0:
        return False
    if not silent:
        token = state.push("math_inline" if opener == "\\(" else "math_inline_double", "math", 0)
        token.content = state.src[start + 2 : end]
        token.markup = opener
    state.pos = end + 2
    return True


def _render_math(display: bool, block: bool = False) -> Callable[..., str]:
    def render(self: object, tokens: list[Token], idx: int, options: object, env: object) -> str:
        tex = html.escape(tokens[idx].content.strip() if block else tokens[idx].content)
        if block:
            return f'<div class="math display">\\[{tex}\\]</div>\n'
        if display:
            return f'<span class="math display">\\[{tex}\\]</span>'
        return f'<span class="math inline">\\({tex}\\)</span>'

    return render


def markdown_to_html(text: str, image_source: ImageSource) -> str:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    dollarmath_plugin(md, allow_labels=False, allow_digits=False, double_inline=True)
    md.inline.ruler.before("escape", "tex_brackets", _bracket_math)
    md.add_render_rule("math_inline", _render_math(display=False))
    md.add_render_rule("math_inline_double", _render_math(display=True))
    md.add_render_rule("math_block", _render_math(display=True, block=True))
    tokens = md.parse(text)
    for token in tokens:
        for child in token.children or []:
            if child.type == "image":
                source = image_source(str(child.attrGet("src") or ""))
                child.attrSet("src", source or "")
    rendered: str = md.renderer.render(tokens, md.options, {})
    return rendered


# --- sanitizing ----------------------------------------------------------------------------


def _keep_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "src":
        # Only the images made here; no tracking pixels or requests to other hosts.
        return value if element == "img" and value.startswith("data:image/") else None
    if attribute == "href" and value.lower().startswith("data:"):
        return None
    return value


def sanitize(fragment: str) -> str:
    """HTML fit to show on the site: ammonia's allow-list, math classes, no scripts."""
    return nh3.clean(
        fragment,
        allowed_classes=_CLASSES,
        url_schemes={"http", "https", "mailto", "data"},
        url_relative="deny",
        attribute_filter=_keep_attribute,
    )


def render_markdown(text: str) -> str:
    """Markdown written on the site (an editorial): the statements' renderer and sanitizer,
    math kept as TeX for the browser; no package directory, so no images but data: URIs."""
    return sanitize(markdown_to_html(text, lambda reference: None))
