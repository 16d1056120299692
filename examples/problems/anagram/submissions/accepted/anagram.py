a, b = input().split()
print("yes" if sorted(a) == sorted(b) else "no")
