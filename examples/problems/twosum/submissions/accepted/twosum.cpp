#include <cstdio>
#include <unordered_map>
int main() {
    int n;
    long long t;
    if (scanf("%d %lld", &n, &t) != 2) return 1;
    std::unordered_map<long long, int> seen;
    for (int j = 1; j <= n; j++) {
        long long x;
        scanf("%lld", &x);
        auto it = seen.find(t - x);
        if (it != seen.end()) {
            printf("%d %d\n", it->second, j);
            return 0;
        }
        seen.emplace(x, j);
    }
}
