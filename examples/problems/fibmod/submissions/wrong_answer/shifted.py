# Off by one: prints F(n + 1).
MOD = 10**9 + 7


def fib(n):
    if n == 0:
        return 0, 1
    a, b = fib(n // 2)
    c = a * (2 * b - a) % MOD
    d = (a * a + b * b) % MOD
    return (d, (c + d) % MOD) if n % 2 else (c, d)


print(fib(int(input()))[1])
