#include <cstdio>
#include <set>
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    std::set<long long> values;
    for (int i = 0; i < n; i++) {
        long long x;
        scanf("%lld", &x);
        values.insert(x);
    }
    printf("%zu\n", values.size());
}
