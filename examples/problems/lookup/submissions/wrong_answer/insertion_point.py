# Prints where x would go, even when it is missing.
from bisect import bisect_left

input()
a = list(map(int, input().split()))
input()
for x in map(int, input().split()):
    print(bisect_left(a, x) + 1)
