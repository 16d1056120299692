#include <algorithm>
#include <cstdio>
#include <vector>
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    std::vector<long long> a(n);
    for (auto& x : a) scanf("%lld", &x);
    std::sort(a.begin(), a.end());
    for (int i = 0; i < n; i++) printf(i ? " %lld" : "%lld", a[i]);
    printf("\n");
}
