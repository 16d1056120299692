# Integer division drops the fraction.
n = int(input())
print(sum(map(int, input().split())) // n)
