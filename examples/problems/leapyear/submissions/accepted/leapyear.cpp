#include <cstdio>
int main() {
    long long y;
    if (scanf("%lld", &y) != 1) return 1;
    bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    puts(leap ? "leap" : "common");
}
