# Compares the sets of letters, forgetting how often each occurs.
a, b = input().split()
print("yes" if set(a) == set(b) else "no")
