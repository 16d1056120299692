"""Reading a package's YAML and JSON files with the errors a user can act on: the file, the
line, and what is wrong. Shared by the contest import and the Contest Package's team files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from arena.problems.errors import MAX_YAML_NODES, check_yaml_size
from arena.storage.errors import ImportFailure


class _Loader(yaml.SafeLoader):
    """YAML 1.1 reads ``duration: 5:00:00`` as the base-60 integer 18000 and ``start_time`` as a
    datetime (dropping what the spec says about it); this loader keeps both as written."""


_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_Loader.yaml_implicit_resolvers = {
    first: [item for item in items if item[0] not in (_INT_TAG, _FLOAT_TAG, _TIMESTAMP_TAG)]
    for first, items in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _INT_TAG, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    _FLOAT_TAG,
    re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
    list("-+.0123456789"),
)


def load_file(path: Path, file: str) -> object:
    return load_items(path, file)[0]


def load_items(path: Path, file: str) -> tuple[object, list[int]]:
    """The file's data, and when it is a list, the line each item starts on (for messages)."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFailure(file, None, f"not valid UTF-8 ({exc.reason})") from exc
    except OSError as exc:
        raise ImportFailure(file, None, f"cannot read: {exc.strerror}") from exc
    if path.suffix == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            message = f"invalid JSON at line {exc.lineno}: {exc.msg}"
            raise ImportFailure(file, None, message) from exc
        return data, _json_item_lines(text) if isinstance(data, list) else []
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        too_large_at = check_yaml_size(node)
        if too_large_at is not None:
            message = f"expands to more than {MAX_YAML_NODES} values through aliases"
            raise ImportFailure(file, None, f"line {too_large_at}: {message}")
        if node is None:
            return None, []
        lines = (
            [item.start_mark.line + 1 for item in node.value]
            if isinstance(node, yaml.SequenceNode)
            else []
        )
        return loader.construct_document(node), lines
    except RecursionError as exc:
        raise ImportFailure(file, None, "invalid YAML: nested too deeply") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ImportFailure(file, None, f"invalid YAML{where}: {problem}") from exc
    finally:
        loader.dispose()


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\n\r":
        at += 1
    return at


def _json_item_lines(text: str) -> list[int]:
    """The line of each item of a JSON array (the text is known to be one)."""
    decoder = json.JSONDecoder()
    at = _skip_space(text, 0) + 1  # past the '['
    lines: list[int] = []
    line, counted = 1, 0
    while True:
        at = _skip_space(text, at)
        if text[at] == "]":
            return lines
        line += text.count("\n", counted, at)
        counted = at
        lines.append(line)
        _, at = decoder.raw_decode(text, at)
        at = _skip_space(text, at)
        if text[at] == ",":
            at += 1
