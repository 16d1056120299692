# The other diagonal.
n = int(input())
print(sum(int(input().split()[n - 1 - i]) for i in range(n)))
