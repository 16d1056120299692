"""``PackageError`` and a YAML reader whose type errors point at the offending file, key and line.

Problem setters fix packages from these messages, so every error names the file (relative to the
package root), the dotted key and the line whenever they are known.

An uploaded package is untrusted: a statement ``problem.en.md -> /proc/self/environ`` would
publish the importing process's environment as the public statement, and ``.timelimit`` or
``problem.yaml`` pointing at a host file would put it in an error message. Every file a package
names is read through ``confined``; ``check_links`` refuses any symbolic link in the tree that
leaves the package, whether or not anything names it yet; YAML is bounded by its size with
aliases expanded.
"""

from __future__ import annotations

import math
import os
import shlex
from pathlib import Path
from typing import Any

import yaml

# Far above any real problem.yaml or contest.yaml (a few hundred nodes); a "billion laughs"
# document of nested aliases passes it within a few lines.
MAX_YAML_NODES = 100_000


class PackageError(Exception):
    """A problem package that cannot be used as it is.

    Reads like ``problem.yaml:4: limits.time_multiplier: expected a number``.
    """

    path: Path
    message: str
    field: str | None
    line: int | None
    root: Path | None

    def __init__(
        self,
        path: Path,
        message: str,
        field: str | None = None,
        line: int | None = None,
        root: Path | None = None,
    ) -> None:
        # Passing every attribute to Exception keeps the error picklable (workers ship it across
        # processes): unpickling calls ``cls(*args)``.
        super().__init__(path, message, field, line, root)
        self.path = path
        self.message = message
        self.field = field
        self.line = line
        self.root = root

    def display_path(self) -> str:
        if self.root is not None and self.path != self.root:
            try:
                return self.path.relative_to(self.root).as_posix()
            except ValueError:
                pass
        return str(self.path)

    def __str__(self) -> str:
        location = self.display_path()
        if self.line is not None:
            location += f":{self.line}"
        parts = [location]
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return ": ".join(parts)


def check_yaml_size(node: yaml.Node | None, limit: int = MAX_YAML_NODES) -> int | None:
    """None when the document, with every alias expanded, has at most ``limit`` nodes; else the
    line where the document starts. Each distinct node is sized once, so a document of nested
    aliases ("billion laughs") is measured in linear time without being expanded."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(current: yaml.Node) -> int:
        key = id(current)
        known = sizes.get(key)
        if known is not None:
            return known
        if key in open_nodes:
            # An alias to an ancestor of itself: infinite when expanded.
            return limit + 1
        open_nodes.add(key)
        total = 1
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                total += size(key_node) + size(value_node)
                if total > limit:
                    break
        elif isinstance(current, yaml.SequenceNode):
            for item in current.value:
                total += size(item)
                if total > limit:
                    break
        open_nodes.discard(key)
        sizes[key] = total
        return total

    if node is None or size(node) <= limit:
        return None
    return int(node.start_mark.line) + 1


def confined(path: Path, root: Path) -> Path:
    """``path`` resolved; PackageError when it (through symbolic links) lies outside ``root``."""
    resolved = path.resolve()
    if not resolved.is_relative_to(root.resolve()):
        raise PackageError(path, "symbolic link points outside the package", root=root)
    return resolved


def read_confined(path: Path, root: Path) -> bytes:
    return confined(path, root).read_bytes()


def check_links(root: Path) -> None:
    """PackageError for the first symbolic link under ``root`` that resolves outside it (or
    cannot be resolved at all). Links are not followed, so a loop costs nothing here."""
    real_root = root.resolve()
    for directory, dirs, files in os.walk(root, followlinks=False):
        dirs.sort()
        for name in sorted(dirs + files):
            path = Path(directory, name)
            if not path.is_symlink():
                continue
            try:
                target = path.resolve(strict=False)
            except (OSError, RuntimeError) as exc:
                raise PackageError(path, f"unusable symbolic link ({exc})", root=root) from exc
            if not target.is_relative_to(real_root):
                raise PackageError(path, "symbolic link points outside the package", root=root)


Key = tuple[str, ...]


def _record_key_lines(node: yaml.Node, prefix: Key, out: dict[Key, int]) -> None:
    if not isinstance(node, yaml.MappingNode):
        return
    for key_node, value_node in node.value:
        if isinstance(key_node, yaml.ScalarNode):
            key = (*prefix, str(key_node.value))
            out[key] = key_node.start_mark.line + 1
            _record_key_lines(value_node, key, out)


class YamlDoc:
    """A YAML mapping loaded from ``path`` that remembers the line of every (nested) key."""

    def __init__(self, path: Path, root: Path, data: dict[Any, Any], lines: dict[Key, int]) -> None:
        self.path = path
        self.root = root
        self.data = data
        self.lines = lines

    @classmethod
    def empty(cls, path: Path, root: Path) -> YamlDoc:
        return cls(path, root, {}, {})

    @classmethod
    def load(cls, path: Path, root: Path) -> YamlDoc:
        """Parse ``path``; an empty file is an empty mapping, anything but a mapping is an error."""
        try:
            text = read_confined(path, root).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PackageError(path, f"not valid UTF-8 ({exc.reason})", root=root) from exc
        except OSError as exc:
            raise PackageError(path, f"cannot read: {exc.strerror}", root=root) from exc
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            too_large_at = check_yaml_size(node)
            if too_large_at is not None:
                message = f"expands to more than {MAX_YAML_NODES} values through aliases"
                raise PackageError(path, message, line=too_large_at, root=root)
            data = loader.construct_document(node) if node is not None else None
        except RecursionError as exc:
            raise PackageError(path, "invalid YAML: nested too deeply", root=root) from exc
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else None
            problem = getattr(exc, "problem", None) or str(exc)
            raise PackageError(path, f"invalid YAML: {problem}", line=line, root=root) from exc
        finally:
            loader.dispose()
        if data is None:
            return cls.empty(path, root)
        if not isinstance(data, dict):
            line = node.start_mark.line + 1 if node is not None else None
            raise PackageError(path, "expected a mapping of keys to values", line=line, root=root)
        lines: dict[Key, int] = {}
        if node is not None:
            _record_key_lines(node, (), lines)
        return cls(path, root, data, lines)

    def error(self, key: Key, message: str) -> PackageError:
        # An unknown nested key falls back to the line of its closest written ancestor.
        line = None
        for end in range(len(key), 0, -1):
            line = self.lines.get(key[:end])
            if line is not None:
                break
        return PackageError(self.path, message, ".".join(key) or None, line, self.root)

    def get(self, key: Key) -> object:
        """The value at ``key``, or None when it (or a parent) is absent or null."""
        value: object = self.data
        for part in key:
            if not isinstance(value, dict):
                return None
            value = value.get(part)
        return value

    def has(self, key: Key) -> bool:
        return self.get(key) is not None

    def mapping(self, key: Key) -> dict[Any, Any] | None:
        value = self.get(key)
        if value is None or isinstance(value, dict):
            return value
        raise self.error(key, "expected a mapping")

    def string(self, key: Key) -> str | None:
        value = self.get(key)
        if value is None:
            return None
        # YAML reads `problem_format_version: 2023-07-01` or `name: 1984` as non-strings; those are
        # still plainly meant as text.
        if isinstance(value, bool | dict | list):
            raise self.error(key, "expected a string")
        return str(value)

    def number(self, key: Key, *, positive: bool = False) -> float | None:
        value = self.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.error(key, "expected a number")
        result = float(value)
        if not math.isfinite(result) or (positive and result <= 0):
            raise self.error(key, "expected a positive number" if positive else "expected a number")
        return result

    def integer(self, key: Key, *, positive: bool = False) -> int | None:
        value = self.get(key)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, "expected an integer")
        if positive and value <= 0:
            raise self.error(key, "expected a positive integer")
        return value

    def flags(self, key: Key) -> list[str] | None:
        """Command-line style flags: a string split like a shell would, or a list of words."""
        value = self.get(key)
        if value is None:
            return None
        return self.flags_value(key, value)

    def flags_value(self, key: Key, value: object) -> list[str]:
        if isinstance(value, str):
            try:
                return shlex.split(value)
            except ValueError as exc:
                raise self.error(key, f"cannot split flags: {exc}") from exc
        if isinstance(value, list):
            words: list[str] = []
            for item in value:
                # `[float_tolerance, 1.0e-6]` makes YAML produce a float, meant as a word.
                if isinstance(item, bool) or not isinstance(item, str | int | float):
                    raise self.error(key, "expected a string or a list of strings")
                words.append(item if isinstance(item, str) else repr(item))
            return words
        if isinstance(value, int | float) and not isinstance(value, bool):
            return [repr(value)]
        raise self.error(key, "expected a string or a list of strings")
