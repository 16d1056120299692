# Keeps summing down to one digit.
n = int(input())
print(n if n < 10 else 1 + (n - 1) % 9)
