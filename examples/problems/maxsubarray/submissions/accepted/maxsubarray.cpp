#include <algorithm>
#include <cstdio>
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    long long best = 0, current = 0;
    for (int i = 0; i < n; i++) {
        long long x;
        scanf("%lld", &x);
        current = std::max(x, current + x);
        best = i == 0 ? current : std::max(best, current);
    }
    printf("%lld\n", best);
}
