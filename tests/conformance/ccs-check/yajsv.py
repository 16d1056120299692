#!/usr/bin/env python3
"""A stand-in for `yajsv` (github.com/neilpa/yajsv) as check-api.sh calls it, on the jsonschema
package the project already has: ``yajsv [-q] -s SCHEMA [-r 'DIR/*.json']... DATA...``.

Exit codes as yajsv's: 0 valid, 1 a document is invalid, 4 usage or schema errors."""

from __future__ import annotations

import glob
import json
import sys
from pathlib import Path

from jsonschema import Draft202012Validator
from referencing import Registry, Resource


def main(argv: list[str]) -> int:
    schema_path, refs, data, quiet = None, [], [], False
    args = iter(argv)
    for arg in args:
        if arg == "-q":
            quiet = True
        elif arg == "-s":
            schema_path = next(args, None)
        elif arg == "-r":
            refs.extend(glob.glob(next(args, "")))  # noqa: PTH207 (a shell pattern, as given)
        else:
            data.append(arg)
    if schema_path is None or not data:
        print("usage: yajsv [-q] -s SCHEMA [-r REFS]... DATA...", file=sys.stderr)
        return 4
    try:
        registry: Registry = Registry()
        for ref in [*refs, schema_path]:
            document = json.loads(Path(ref).read_text())
            resource = Resource.from_contents(document)
            registry = registry.with_resource(document.get("$id", ref), resource)
            registry = registry.with_resource(Path(ref).name, resource)
        schema = json.loads(Path(schema_path).read_text())
        validator = Draft202012Validator(schema, registry=registry)
    except (OSError, ValueError) as exc:
        print(f"{schema_path}: {exc}", file=sys.stderr)
        return 4
    failed = False
    for path in data:
        try:
            instance = json.loads(Path(path).read_text())
        except (OSError, ValueError) as exc:
            print(f"{path}: fail: {exc}")
            failed = True
            continue
        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        for error in errors[:20]:
            where = "/".join(str(p) for p in error.absolute_path)
            print(f"{path}: fail: {where}: {error.message[:300]}")
        failed = failed or bool(errors)
        if not errors and not quiet:
            print(f"{path}: pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
