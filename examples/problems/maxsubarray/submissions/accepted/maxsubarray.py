input()
best, current = None, 0
for x in map(int, input().split()):
    current = max(x, current + x)
    best = current if best is None else max(best, current)
print(best)
