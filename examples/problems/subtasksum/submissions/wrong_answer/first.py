# Prints the first value instead of the sum.
n = int(input())
print(input().split()[0] if n > 1 else "no")
