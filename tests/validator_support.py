"""Small packages with their own validators, written into tmp dirs by the tests that use them."""

from __future__ import annotations

from pathlib import Path

from support import make_problem

# Any two non-negative integers that sum to n are a correct answer: many answers are right.
SUM_VALIDATOR_PY = """\
import sys

n = int(open(sys.argv[1]).read())
words = sys.stdin.read().split()
feedback = sys.argv[3] + "judgemessage.txt"
if len(words) != 2 or not all(w.isdigit() for w in words):
    open(feedback, "w").write(f"expected two non-negative integers, got {words[:3]}")
    sys.exit(43)
a, b = map(int, words)
if a + b != n:
    open(feedback, "w").write(f"{a} + {b} != {n}")
    sys.exit(43)
sys.exit(42)
"""

# The same check in C++, with the package's own header next to it (like Kattis' validate.h).
SUM_CHECK_H = """\
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>
inline void judge(bool ok, const std::string& feedback_dir, const std::string& why) {
  if (!ok) {
    FILE* f = std::fopen((feedback_dir + "judgemessage.txt").c_str(), "w");
    if (f) { std::fputs(why.c_str(), f); std::fclose(f); }
  }
  std::exit(ok ? 42 : 43);
}
"""
SUM_VALIDATOR_CPP = """\
#include "sumcheck.h"
#include <fstream>
#include <iostream>
int main(int argc, char** argv) {
  long long n, a, b;
  std::ifstream(argv[1]) >> n;
  if (!(std::cin >> a >> b)) judge(false, argv[3], "expected two integers");
  std::string extra;
  if (std::cin >> extra) judge(false, argv[3], "trailing output");
  judge(a >= 0 && b >= 0 && a + b == n, argv[3], "wrong sum");
}
"""

GUESS_INTERACTOR_PY = """\
import sys

secret = int(open(sys.argv[1]).read())
limit = int(sys.argv[4]) if len(sys.argv) > 4 else 10
feedback = sys.argv[3] + "judgemessage.txt"
for guess_count in range(1, limit + 1):
    line = sys.stdin.readline()
    if not line:
        open(feedback, "w").write("the submission stopped guessing")
        sys.exit(43)
    guess = int(line)
    if guess == secret:
        print("correct", flush=True)
        sys.exit(42)
    print("lower" if guess > secret else "higher", flush=True)
open(feedback, "w").write(f"no correct guess in {limit} tries")
sys.exit(43)
"""

GUESS_BINARY_SEARCH_PY = """\
low, high = 1, 1000
while True:
    middle = (low + high) // 2
    print(middle, flush=True)
    reply = input()
    if reply == "correct":
        break
    if reply == "lower":
        high = middle - 1
    else:
        low = middle + 1
"""

# Guesses 1, 2, 3, ...: runs out of tries for any secret above 10.
GUESS_LINEAR_PY = """\
guess = 1
while True:
    print(guess, flush=True)
    if input() == "correct":
        break
    guess += 1
"""

# Waits for input before its first guess; the interactor waits for that guess.
GUESS_STALLED_PY = """\
import sys
sys.stdin.readline()
print(1, flush=True)
"""

GUESS_TESTS = {
    "sample/1": ("7\n", "7\n"),
    "secret/1": ("500\n", "500\n"),
    "secret/2": ("999\n", "999\n"),
}


def make_sum_problem(root: Path, validator: dict[str, str], yaml_extra: str = "") -> Path:
    """A legacy package whose output_validators/checker/ holds ``validator`` (name → text)."""
    make_problem(
        root,
        {"sample/1": ("5\n", "2 3\n"), "secret/1": ("10\n", "1 9\n"), "secret/2": ("0\n", "0 0\n")},
        problem_yaml=f"name: sum\nvalidation: custom\n{yaml_extra}",
    )
    for name, text in validator.items():
        path = root / "output_validators" / "checker" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def make_guess_problem(root: Path, yaml: str = "", interactor: str = GUESS_INTERACTOR_PY) -> Path:
    """A 2023-07 interactive package: guess the secret in [1, 1000] from higher/lower hints."""
    make_problem(
        root,
        GUESS_TESTS,
        problem_yaml=yaml or "problem_format_version: 2023-07\nname: guess\ntype: interactive\n",
    )
    path = root / "output_validator" / "interactor.py"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(interactor)
    return root
