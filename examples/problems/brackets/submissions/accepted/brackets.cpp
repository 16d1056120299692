#include <iostream>
#include <string>
#include <vector>
int main() {
    int t;
    std::cin >> t;
    while (t--) {
        std::string s;
        std::cin >> s;
        std::vector<char> stack;
        bool ok = true;
        for (char c : s) {
            if (c == '(' || c == '[' || c == '{') {
                stack.push_back(c);
                continue;
            }
            char open = c == ')' ? '(' : c == ']' ? '[' : '{';
            if (stack.empty() || stack.back() != open) { ok = false; break; }
            stack.pop_back();
        }
        std::cout << (ok && stack.empty() ? "yes" : "no") << "\n";
    }
}
