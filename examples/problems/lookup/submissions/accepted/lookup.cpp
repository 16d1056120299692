#include <algorithm>
#include <cstdio>
#include <vector>
int main() {
    int n, q;
    if (scanf("%d", &n) != 1) return 1;
    std::vector<long long> a(n);
    for (auto& x : a) scanf("%lld", &x);
    scanf("%d", &q);
    while (q--) {
        long long x;
        scanf("%lld", &x);
        auto it = std::lower_bound(a.begin(), a.end(), x);
        printf("%d\n", it != a.end() && *it == x ? int(it - a.begin()) + 1 : -1);
    }
}
