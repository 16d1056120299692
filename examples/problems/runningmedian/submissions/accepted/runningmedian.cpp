#include <cstdio>
#include <functional>
#include <queue>
#include <vector>
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    std::priority_queue<long long> low;
    std::priority_queue<long long, std::vector<long long>, std::greater<>> high;
    for (int i = 0; i < n; i++) {
        long long x;
        scanf("%lld", &x);
        if (!low.empty() && x > low.top()) high.push(x); else low.push(x);
        if (low.size() > high.size() + 1) { high.push(low.top()); low.pop(); }
        else if (high.size() > low.size()) { low.push(high.top()); high.pop(); }
        printf("%lld\n", low.top());
    }
}
