# The Julian rule.
print("leap" if int(input()) % 4 == 0 else "common")
