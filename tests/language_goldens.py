"""Golden programs of every language in sandbox/languages.toml (used by test_languages.py).

``GOLDEN[lang]`` sums two 64-bit integers, and misbehaves on purpose by the first one: 7 prints a
wrong sum (WA), 8 crashes (RTE), 9 spins forever (TLE). ``BROKEN[lang]`` does not compile (CE).
"""

from __future__ import annotations

_C = """#include <stdio.h>
#include <stdlib.h>

int main(void) {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    if (a == 8) abort();
    volatile unsigned long long spin = 0;
    while (a == 9) spin++;
    printf("%lld\\n", a + b + (a == 7));
    return 0;
}
"""

_CPP = """#include <iostream>
#include <stdexcept>

int main() {
    long long a, b;
    std::cin >> a >> b;
    if (a == 8) throw std::runtime_error("crash");
    volatile unsigned long long spin = 0;
    while (a == 9) spin++;
    std::cout << a + b + (a == 7) << '\\n';
}
"""

# std::to_underlying exists from C++23 on: this one only compiles with the dialect's flag.
_CPP23 = """#include <iostream>
#include <stdexcept>
#include <utility>

enum class Bonus : long long { none = 0, one = 1 };

int main() {
    long long a, b;
    std::cin >> a >> b;
    if (a == 8) throw std::runtime_error("crash");
    volatile unsigned long long spin = 0;
    while (a == 9) spin++;
    std::cout << a + b + std::to_underlying(a == 7 ? Bonus::one : Bonus::none) << '\\n';
}
"""

_PYTHON = """a, b = map(int, input().split())
if a == 8:
    raise RuntimeError("crash")
while a == 9:
    pass
print(a + b + (a == 7))
"""

_JAVA = """import java.io.*;
import java.util.*;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        StringTokenizer st = new StringTokenizer(in.readLine());
        long a = Long.parseLong(st.nextToken());
        long b = Long.parseLong(st.nextToken());
        if (a == 8) throw new IllegalStateException("crash");
        long spin = 0;
        while (a == 9) spin++;
        System.out.println(a + b + (a == 7 ? 1 : 0) + spin);
    }
}
"""

_JAVASCRIPT = """const text = require("fs").readFileSync(0, "utf8");
const [a, b] = text.trim().split(/\\s+/).map(BigInt);
if (a === 8n) throw new Error("crash");
while (a === 9n) {}
console.log((a + b + (a === 7n ? 1n : 0n)).toString());
"""

# Both ways of reaching Node's modules type-check with the image's @types/node.
_TYPESCRIPT = """import { readFileSync } from "fs";
const fs = require("fs");

const text: string = readFileSync(0, "utf8");
const [a, b] = text.trim().split(/\\s+/).map((t: string) => BigInt(t));
if (a === 8n) throw new Error("crash");
while (a === 9n) {}
fs.writeSync(1, (a + b + (a === 7n ? 1n : 0n)).toString() + "\\n");
"""

_KOTLIN = """fun main() {
    val (a, b) = readLine()!!.trim().split(" ").filter { it.isNotEmpty() }.map { it.toLong() }
    if (a == 8L) throw IllegalStateException("crash")
    var spin = 0L
    while (a == 9L) spin++
    println(a + b + (if (a == 7L) 1 else 0) + spin)
}
"""

_RUST = """use std::io::Read;

fn main() {
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text).unwrap();
    let v: Vec<i64> = text.split_whitespace().map(|t| t.parse().unwrap()).collect();
    let (a, b) = (v[0], v[1]);
    if a == 8 {
        panic!("crash");
    }
    let mut spin: u64 = 0;
    while a == 9 {
        unsafe { std::ptr::write_volatile(&mut spin, spin + 1) };
    }
    println!("{}", a + b + (a == 7) as i64);
}
"""

_GO = """package main

import "fmt"

func main() {
	var a, b int64
	fmt.Scan(&a, &b)
	if a == 8 {
		panic("crash")
	}
	spin := int64(0)
	for a == 9 {
		spin++
	}
	if a == 7 {
		b++
	}
	fmt.Println(a + b + spin)
}
"""

_CSHARP = """using System;

public class Program
{
    public static void Main()
    {
        var t = Console.ReadLine().Split(new[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
        long a = long.Parse(t[0]), b = long.Parse(t[1]);
        if (a == 8) throw new InvalidOperationException("crash");
        long spin = 0;
        while (a == 9) spin++;
        Console.WriteLine(a + b + (a == 7 ? 1 : 0) + spin);
    }
}
"""

GOLDEN = {
    "c": _C,
    "c11": _C,
    "cpp": _CPP,
    "cpp23": _CPP23,
    "csharp": _CSHARP,
    "go": _GO,
    "java": _JAVA,
    "javascript": _JAVASCRIPT,
    "kotlin": _KOTLIN,
    "pypy3": _PYTHON,
    "python3": _PYTHON,
    "rust": _RUST,
    "typescript": _TYPESCRIPT,
}

BROKEN = {
    "c": "int main(void) { return missing; }\n",
    "c11": "int main(void) { return missing; }\n",
    "cpp": "int main() { return missing; }\n",
    "cpp23": "int main() { return missing; }\n",
    "csharp": 'class P { static void Main() { int x = "s"; } }\n',
    "go": "package main\n\nfunc main() {\n\tunused := 1\n}\n",
    "java": 'public class Main { public static void main(String[] a) { int x = "s"; } }\n',
    "javascript": "const = 1;\n",
    "kotlin": 'fun main() { val x: Int = "s" }\n',
    "pypy3": "def broken(:\n",
    "python3": "def broken(:\n",
    "rust": 'fn main() { let x: i32 = "s"; }\n',
    "typescript": 'const x: number = "s";\n',
}

# Test name -> (input, answer, the verdict GOLDEN gets).
GOLDEN_TESTS = {
    "sample/1": ("1 2\n", "3\n", "AC"),
    "secret/1": ("-5 5\n", "0\n", "AC"),
    "secret/2": ("1000000000000 2345678901234\n", "3345678901234\n", "AC"),
    "secret/3": ("7 1\n", "8\n", "WA"),
    "secret/4": ("8 1\n", "9\n", "RTE"),
    "secret/5": ("9 1\n", "10\n", "TLE"),
}
