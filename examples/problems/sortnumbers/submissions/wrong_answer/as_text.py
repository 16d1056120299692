# Sorts the numbers as text: "10" comes before "9".
input()
print(*sorted(input().split()))
