n, t = map(int, input().split())
seen = {}
for j, x in enumerate(map(int, input().split()), 1):
    if t - x in seen:
        print(seen[t - x], j)
        break
    seen.setdefault(x, j)
