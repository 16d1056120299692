// A 32-bit sum overflows past 2^31.
#include <cstdio>
int main() {
    int n;
    if (scanf("%d", &n) != 1) return 1;
    unsigned sum = 0;
    for (int i = 0; i < n; i++) {
        int x;
        scanf("%d", &x);
        sum += (unsigned)x;
    }
    printf("%d\n", (int)sum);
}
