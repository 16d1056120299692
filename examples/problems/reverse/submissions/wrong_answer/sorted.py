# Sorting the letters is not reversing them.
print("".join(sorted(input().strip(), reverse=True)))
