// Writes src/protocol.ts from the msgspec Structs' JSON Schema (`python -m arena.protocol.web`),
// read on stdin, through json-schema-to-typescript. With --check, writes nothing and exits 1 when
// the file on disk differs (the web build and tests/test_web_protocol.py run that).
import { readFileSync, writeFileSync } from "node:fs";
import { compile } from "json-schema-to-typescript";

const target = new URL("../src/protocol.ts", import.meta.url);
const schema = JSON.parse(readFileSync(0, "utf8"));
const header =
  "// Generated from the msgspec Structs (arena/protocol/web.py) by web/scripts/protocol.mjs:\n" +
  "// do not edit. After changing a Struct, run `make protocol`.\n";

const types = await compile(
  { title: "WireTypes", $defs: schema.$defs, anyOf: Object.keys(schema.$defs).map((n) => ({ $ref: `#/$defs/${n}` })) },
  "WireTypes",
  { bannerComment: "", additionalProperties: false, unreachableDefinitions: true, format: true,
    style: { printWidth: 100 } },
);
// The root only gathers the definitions; the browser never names it.
const body = types.replace(/^export type WireTypes =[^;]*;\n\n?/m, "");
const constants = Object.entries(schema["x-constants"])
  .map(([name, value]) => `export const ${name} = ${JSON.stringify(value)};\n`)
  .join("");
const text = `${header}\n${body.trimEnd()}\n\n${constants}`;

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {}
  if (current !== text) {
    process.stderr.write(
      "web/src/protocol.ts differs from the msgspec Structs: run `make protocol` and commit it\n",
    );
    process.exit(1);
  }
} else {
  writeFileSync(target, text);
}
