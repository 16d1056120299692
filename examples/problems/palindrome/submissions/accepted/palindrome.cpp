#include <iostream>
#include <string>
int main() {
    std::string w;
    std::cin >> w;
    std::string r(w.rbegin(), w.rend());
    std::cout << (w == r ? "yes" : "no") << "\n";
}
