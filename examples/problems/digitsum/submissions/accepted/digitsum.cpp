#include <iostream>
#include <string>
int main() {
    std::string n;
    std::cin >> n;
    int sum = 0;
    for (char c : n) sum += c - '0';
    std::cout << sum << "\n";
}
