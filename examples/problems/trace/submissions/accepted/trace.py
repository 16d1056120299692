n = int(input())
print(sum(int(input().split()[i]) for i in range(n)))
