# One integer n, 0 <= n <= 10^12, on a line of its own. Exit 42: valid.
import re
import sys

text = sys.stdin.read()
if re.fullmatch(r"(0|[1-9][0-9]*)\n", text) is None or int(text) > 10**12:
    print(f"expected one integer in [0, 10^12], got {text[:40]!r}")
    sys.exit(43)
sys.exit(42)
