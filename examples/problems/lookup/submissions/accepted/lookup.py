from bisect import bisect_left

n = int(input())
a = list(map(int, input().split()))
input()
out = []
for x in map(int, input().split()):
    i = bisect_left(a, x)
    out.append(i + 1 if i < n and a[i] == x else -1)
print("\n".join(map(str, out)))
