# Pi is not 3.14.
r = float(input())
print(3.14 * r * r)
