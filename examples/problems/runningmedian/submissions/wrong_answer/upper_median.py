# The upper median for an even count.
input()
seen = []
for x in map(int, input().split()):
    seen.append(x)
    seen.sort()
    print(seen[len(seen) // 2])
