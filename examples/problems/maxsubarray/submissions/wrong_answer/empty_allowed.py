# Allows the empty block: prints 0 when every number is negative.
input()
best = current = 0
for x in map(int, input().split()):
    current = max(0, current + x)
    best = max(best, current)
print(best)
