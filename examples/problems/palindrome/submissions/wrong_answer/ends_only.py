# Compares the first and last letters only.
word = input().strip()
print("yes" if word[0] == word[-1] else "no")
