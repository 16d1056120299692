#include <cmath>
#include <cstdio>
int main() {
    double r;
    if (scanf("%lf", &r) != 1) return 1;
    printf("%.9f\n", std::acos(-1.0) * r * r);
}
