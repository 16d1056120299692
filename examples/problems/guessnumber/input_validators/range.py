# One integer in [1, 1000] on a line of its own. Exit 42: valid.
import sys

text = sys.stdin.read()
if not (text.endswith("\n") and text[:-1].isdigit() and 1 <= int(text) <= 1000):
    print(f"expected one integer in [1, 1000], got {text[:40]!r}")
    sys.exit(43)
sys.exit(42)
