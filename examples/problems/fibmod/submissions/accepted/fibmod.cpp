#include <cstdio>
#include <utility>
const long long MOD = 1000000007;
std::pair<long long, long long> fib(long long n) {
    if (n == 0) return {0, 1};
    auto [a, b] = fib(n / 2);
    long long c = a * ((2 * b - a + MOD) % MOD) % MOD;
    long long d = (a * a + b * b) % MOD;
    if (n % 2) return {d, (c + d) % MOD};
    return {c, d};
}
int main() {
    long long n;
    if (scanf("%lld", &n) != 1) return 1;
    printf("%lld\n", fib(n).first);
}
