"""Stubs and harnesses of the statically typed languages: C++, Java, Kotlin, Go.

The harness comes after the contestant's code (Go's imports go right after its package clause);
it reads the arguments in the canonical text form, calls the function (a method of ``class
Solution`` in C++, Java and Kotlin, as on LeetCode) and prints the result in the same form.
"""

from __future__ import annotations

import re

from arena.functions.signature import Signature, ValueType
from arena.functions.template import appended, fill

_CPP = {"int": "long long", "float": "double", "bool": "bool", "string": "string"}
_JAVA = {"int": "long", "float": "double", "bool": "boolean", "string": "String"}
_KOTLIN = {"int": "Long", "float": "Double", "bool": "Boolean", "string": "String"}
_KOTLIN_ARRAY = {"int": "LongArray", "float": "DoubleArray", "bool": "BooleanArray"}
_GO = {"int": "int", "float": "float64", "bool": "bool", "string": "string"}
_READER = {"int": "Int", "float": "Float", "bool": "Bool", "string": "String"}


def cpp_type(t: ValueType, std: str = "") -> str:
    text = std + _CPP[t.base] if t.base == "string" else _CPP[t.base]
    for _ in range(t.dims):
        text = f"{std}vector<{text}>"
    return text


def java_type(t: ValueType) -> str:
    return _JAVA[t.base] + "[]" * t.dims


def kotlin_type(t: ValueType) -> str:
    if t.dims == 0:
        return _KOTLIN[t.base]
    text = _KOTLIN_ARRAY.get(t.base, f"Array<{_KOTLIN[t.base]}>")
    return text if t.dims == 1 else f"Array<{text}>"


def go_type(t: ValueType) -> str:
    return "[]" * t.dims + _GO[t.base]


def cpp_stub(sig: Signature) -> str:
    params = ", ".join(
        f"{cpp_type(p.type)}{'&' if p.type.dims else ''} {sig.camel(p.name)}" for p in sig.params
    )
    return (
        "#include <bits/stdc++.h>\nusing namespace std;\n\nclass Solution {\npublic:\n"
        f"    {cpp_type(sig.returns)} {sig.camel()}({params}) {{\n        \n    }}\n}};\n"
    )


_CPP_HARNESS = """
#include <iostream>
#include <iomanip>
#include <string>
#include <type_traits>
#include <vector>

namespace arena_harness {
inline void read(std::istream& in, long long& v) { in >> v; }
inline void read(std::istream& in, double& v) { in >> v; }
inline void read(std::istream& in, std::string& v) { in >> v; }
inline void read(std::istream& in, bool& v) { std::string t; in >> t; v = t == "true"; }
template <class T> void read(std::istream& in, std::vector<T>& v) {
    std::size_t n = 0;
    in >> n;
    v.assign(n, T());
    for (std::size_t i = 0; i < n; i++) { T item; read(in, item); v[i] = item; }
}
inline void text(std::ostream& out, long long v) { out << v; }
inline void text(std::ostream& out, double v) { out << std::setprecision(17) << v; }
inline void text(std::ostream& out, bool v) { out << (v ? "true" : "false"); }
inline void text(std::ostream& out, const std::string& v) { out << v; }
template <class T> void write(std::ostream& out, const T& v) { text(out, v); out << '\\n'; }
template <class T> void write(std::ostream& out, const std::vector<T>& v) {
    out << v.size() << '\\n';
    if constexpr (std::is_arithmetic_v<T> || std::is_same_v<T, std::string>) {
        for (std::size_t i = 0; i < v.size(); i++) { if (i) out << ' '; text(out, (T)v[i]); }
        out << '\\n';
    } else {
        for (const auto& row : v) write(out, row);
    }
}
}  // namespace arena_harness

int main() {
    std::ios::sync_with_stdio(false);
    std::cin.tie(nullptr);
{reads}
    Solution arena_solution;
    {returns} arena_result = arena_solution.{name}({args});
    arena_harness::write(std::cout, arena_result);
    return 0;
}
"""


def cpp_wrap(sig: Signature, source: str) -> str:
    reads = "\n".join(
        f"    {cpp_type(p.type, 'std::')} arena_{i}; arena_harness::read(std::cin, arena_{i});"
        for i, p in enumerate(sig.params)
    )
    returns = cpp_type(sig.returns, "std::")
    harness = fill(_CPP_HARNESS, reads=reads, returns=returns, **_call(sig, "arena_"))
    return appended(source, harness)


def java_stub(sig: Signature) -> str:
    params = ", ".join(f"{java_type(p.type)} {sig.camel(p.name)}" for p in sig.params)
    return (
        "import java.util.*;\n\nclass Solution {\n"
        f"    public {java_type(sig.returns)} {sig.camel()}({params}) {{\n        \n    }}\n}}\n"
    )


# Fully qualified names: a Java file's imports must all come before its first class.
_JAVA_HARNESS = """
public class Main {
    static String[] arenaTokens;
    static int arenaNext = 0;
    static String next() { return arenaTokens[arenaNext++]; }
    static long arenaReadInt() { return Long.parseLong(next()); }
    static double arenaReadFloat() { return Double.parseDouble(next()); }
    static boolean arenaReadBool() { return next().equals("true"); }
    static String arenaReadString() { return next(); }
    static long[] arenaReadInt1() { long[] a = new long[Integer.parseInt(next())]; for (int i = 0; i < a.length; i++) a[i] = arenaReadInt(); return a; }
    static double[] arenaReadFloat1() { double[] a = new double[Integer.parseInt(next())]; for (int i = 0; i < a.length; i++) a[i] = arenaReadFloat(); return a; }
    static boolean[] arenaReadBool1() { boolean[] a = new boolean[Integer.parseInt(next())]; for (int i = 0; i < a.length; i++) a[i] = arenaReadBool(); return a; }
    static String[] arenaReadString1() { String[] a = new String[Integer.parseInt(next())]; for (int i = 0; i < a.length; i++) a[i] = arenaReadString(); return a; }
    static long[][] arenaReadInt2() { long[][] a = new long[Integer.parseInt(next())][]; for (int i = 0; i < a.length; i++) a[i] = arenaReadInt1(); return a; }
    static double[][] arenaReadFloat2() { double[][] a = new double[Integer.parseInt(next())][]; for (int i = 0; i < a.length; i++) a[i] = arenaReadFloat1(); return a; }
    static boolean[][] arenaReadBool2() { boolean[][] a = new boolean[Integer.parseInt(next())][]; for (int i = 0; i < a.length; i++) a[i] = arenaReadBool1(); return a; }
    static String[][] arenaReadString2() { String[][] a = new String[Integer.parseInt(next())][]; for (int i = 0; i < a.length; i++) a[i] = arenaReadString1(); return a; }

    static void write(StringBuilder out, Object v) {
        if (v instanceof Object[]) {
            Object[] rows = (Object[]) v;
            if (rows instanceof String[]) { out.append(rows.length).append('\\n').append(String.join(" ", (String[]) rows)).append('\\n'); return; }
            out.append(rows.length).append('\\n');
            for (Object row : rows) write(out, row);
        } else if (v instanceof long[]) {
            long[] a = (long[]) v; out.append(a.length).append('\\n');
            for (int i = 0; i < a.length; i++) { if (i > 0) out.append(' '); out.append(a[i]); }
            out.append('\\n');
        } else if (v instanceof double[]) {
            double[] a = (double[]) v; out.append(a.length).append('\\n');
            for (int i = 0; i < a.length; i++) { if (i > 0) out.append(' '); out.append(a[i]); }
            out.append('\\n');
        } else if (v instanceof boolean[]) {
            boolean[] a = (boolean[]) v; out.append(a.length).append('\\n');
            for (int i = 0; i < a.length; i++) { if (i > 0) out.append(' '); out.append(a[i]); }
            out.append('\\n');
        } else {
            out.append(v).append('\\n');
        }
    }

    public static void main(String[] args) throws java.io.IOException {
        String all = new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        arenaTokens = all.isEmpty() ? new String[0] : all.split("\\\\s+");
{reads}
        StringBuilder out = new StringBuilder();
        write(out, new Solution().{name}({args}));
        System.out.print(out);
        System.out.flush();
    }
}
"""  # noqa: E501


def _call(sig: Signature, prefix: str) -> dict[str, str]:
    """The harness's call: the function's name and its arguments, read into prefix0, prefix1..."""
    return {"name": sig.camel(), "args": ", ".join(f"{prefix}{i}" for i in range(len(sig.params)))}


def _reader(t: ValueType) -> str:
    return f"arenaRead{_READER[t.base]}{t.dims or ''}()"


def java_wrap(sig: Signature, source: str) -> str:
    # The harness's Main is the file's one public class.
    source = re.sub(r"(?m)^public\s+((?:final\s+|abstract\s+)*class\b)", r"\1", source)
    reads = "\n".join(
        f"        {java_type(p.type)} arena{i} = {_reader(p.type)};"
        for i, p in enumerate(sig.params)
    )
    return appended(source, fill(_JAVA_HARNESS, reads=reads, **_call(sig, "arena")))


def kotlin_stub(sig: Signature) -> str:
    params = ", ".join(f"{sig.camel(p.name)}: {kotlin_type(p.type)}" for p in sig.params)
    return (
        "class Solution {\n"
        f"    fun {sig.camel()}({params}): {kotlin_type(sig.returns)} {{\n        \n    }}\n}}\n"
    )


_KOTLIN_HARNESS = """
private var arenaTokens: List<String> = emptyList()
private var arenaNext = 0
private fun arenaToken(): String = arenaTokens[arenaNext++]
private fun arenaReadInt(): Long = arenaToken().toLong()
private fun arenaReadFloat(): Double = arenaToken().toDouble()
private fun arenaReadBool(): Boolean = arenaToken() == "true"
private fun arenaReadString(): String = arenaToken()
private fun arenaReadInt1(): LongArray = LongArray(arenaToken().toInt()) { arenaReadInt() }
private fun arenaReadFloat1(): DoubleArray = DoubleArray(arenaToken().toInt()) { arenaReadFloat() }
private fun arenaReadBool1(): BooleanArray = BooleanArray(arenaToken().toInt()) { arenaReadBool() }
private fun arenaReadString1(): Array<String> = Array(arenaToken().toInt()) { arenaReadString() }
private fun arenaReadInt2(): Array<LongArray> = Array(arenaToken().toInt()) { arenaReadInt1() }
private fun arenaReadFloat2(): Array<DoubleArray> = Array(arenaToken().toInt()) { arenaReadFloat1() }
private fun arenaReadBool2(): Array<BooleanArray> = Array(arenaToken().toInt()) { arenaReadBool1() }
private fun arenaReadString2(): Array<Array<String>> = Array(arenaToken().toInt()) { arenaReadString1() }

private fun arenaWrite(out: StringBuilder, v: Any?) {
    when (v) {
        is LongArray -> out.append(v.size).append('\\n').append(v.joinToString(" ")).append('\\n')
        is DoubleArray -> out.append(v.size).append('\\n').append(v.joinToString(" ")).append('\\n')
        is BooleanArray -> out.append(v.size).append('\\n').append(v.joinToString(" ")).append('\\n')
        is Array<*> -> {
            out.append(v.size).append('\\n')
            if (v.isArrayOf<String>()) out.append(v.joinToString(" ")).append('\\n')
            else for (row in v) arenaWrite(out, row)
        }
        else -> out.append(v).append('\\n')
    }
}

fun main() {
    arenaTokens = System.`in`.readBytes().toString(Charsets.UTF_8).split(Regex("\\\\s+")).filter { it.isNotEmpty() }
{reads}
    val out = StringBuilder()
    arenaWrite(out, Solution().{name}({args}))
    print(out)
    System.out.flush()
}
"""  # noqa: E501


def kotlin_wrap(sig: Signature, source: str) -> str:
    reads = "\n".join(f"    val arena{i} = {_reader(p.type)}" for i, p in enumerate(sig.params))
    return appended(source, fill(_KOTLIN_HARNESS, reads=reads, **_call(sig, "arena")))


def go_stub(sig: Signature) -> str:
    params = ", ".join(f"{sig.camel(p.name)} {go_type(p.type)}" for p in sig.params)
    return f"package main\n\nfunc {sig.camel()}({params}) {go_type(sig.returns)} {{\n\t\n}}\n"


_GO_IMPORTS = """
import (
	arenaBufio "bufio"
	arenaOs "os"
	arenaReflect "reflect"
	arenaStrconv "strconv"
	arenaStrings "strings"
)
"""

_GO_HARNESS = """
var arenaIn *arenaBufio.Scanner

func arenaNext() string { arenaIn.Scan(); return arenaIn.Text() }
func arenaLen() int     { n, _ := arenaStrconv.Atoi(arenaNext()); return n }
func arenaReadInt() int      { v, _ := arenaStrconv.ParseInt(arenaNext(), 10, 64); return int(v) }
func arenaReadFloat() float64 { v, _ := arenaStrconv.ParseFloat(arenaNext(), 64); return v }
func arenaReadBool() bool     { return arenaNext() == "true" }
func arenaReadString() string { return arenaNext() }
func arenaSlice[T any](read func() T) []T {
	out := make([]T, arenaLen())
	for i := range out {
		out[i] = read()
	}
	return out
}
func arenaReadInt1() []int         { return arenaSlice(arenaReadInt) }
func arenaReadFloat1() []float64   { return arenaSlice(arenaReadFloat) }
func arenaReadBool1() []bool       { return arenaSlice(arenaReadBool) }
func arenaReadString1() []string   { return arenaSlice(arenaReadString) }
func arenaReadInt2() [][]int       { return arenaSlice(arenaReadInt1) }
func arenaReadFloat2() [][]float64 { return arenaSlice(arenaReadFloat1) }
func arenaReadBool2() [][]bool     { return arenaSlice(arenaReadBool1) }
func arenaReadString2() [][]string { return arenaSlice(arenaReadString1) }

func arenaText(v arenaReflect.Value) string {
	switch v.Kind() {
	case arenaReflect.Int:
		return arenaStrconv.FormatInt(v.Int(), 10)
	case arenaReflect.Float64:
		return arenaStrconv.FormatFloat(v.Float(), 'g', -1, 64)
	case arenaReflect.Bool:
		return arenaStrconv.FormatBool(v.Bool())
	}
	return v.String()
}

func arenaWrite(out *arenaBufio.Writer, v arenaReflect.Value) {
	if v.Kind() != arenaReflect.Slice {
		out.WriteString(arenaText(v) + "\\n")
		return
	}
	out.WriteString(arenaStrconv.Itoa(v.Len()) + "\\n")
	if v.Type().Elem().Kind() == arenaReflect.Slice {
		for i := 0; i < v.Len(); i++ {
			arenaWrite(out, v.Index(i))
		}
		return
	}
	items := make([]string, v.Len())
	for i := range items {
		items[i] = arenaText(v.Index(i))
	}
	out.WriteString(arenaStrings.Join(items, " ") + "\\n")
}

func main() {
	arenaIn = arenaBufio.NewScanner(arenaOs.Stdin)
	arenaIn.Buffer(make([]byte, 1<<20), 1<<26)
	arenaIn.Split(arenaBufio.ScanWords)
{reads}
	out := arenaBufio.NewWriter(arenaOs.Stdout)
	defer out.Flush()
	arenaWrite(out, arenaReflect.ValueOf({name}({args})))
}
"""

_GO_PACKAGE = re.compile(r"(?m)^package\s+main\b.*$")


def go_wrap(sig: Signature, source: str) -> str:
    found = _GO_PACKAGE.search(source)
    if found is None:
        source = "package main\n" + source
        found = _GO_PACKAGE.search(source)
        assert found is not None
    head, tail = source[: found.end()], source[found.end() :]
    reads = "\n".join(f"\targ{i} := {_reader(p.type)}" for i, p in enumerate(sig.params))
    harness = fill(_GO_HARNESS, reads=reads, **_call(sig, "arg"))
    return head + "\n" + _GO_IMPORTS + appended(tail, harness)
