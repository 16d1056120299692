#include <cstdio>
long long gcd(long long a, long long b) { return b ? gcd(b, a % b) : a; }
int main() {
    long long a, b;
    if (scanf("%lld %lld", &a, &b) != 2) return 1;
    long long g = gcd(a, b);
    printf("%lld %lld\n", g, a / g * b);
}
