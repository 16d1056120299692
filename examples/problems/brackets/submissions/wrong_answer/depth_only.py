# Counts the depth only: misses brackets of the wrong kind, like ([)].
for _ in range(int(input())):
    depth = 0
    ok = True
    for c in input().strip():
        depth += 1 if c in "([{" else -1
        ok = ok and depth >= 0
    print("yes" if ok and depth == 0 else "no")
