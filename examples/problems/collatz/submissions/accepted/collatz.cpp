#include <cstdio>
int main() {
    long long n;
    if (scanf("%lld", &n) != 1) return 1;
    int steps = 0;
    while (n != 1) {
        n = n % 2 == 0 ? n / 2 : 3 * n + 1;
        steps++;
    }
    printf("%d\n", steps);
}
