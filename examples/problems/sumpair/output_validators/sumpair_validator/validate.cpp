// validate input answer feedback_dir < team_output: accepts any a b >= 0 with a + b = n.
#include <fstream>
#include <iostream>
#include <string>

#include "feedback.h"

int main(int argc, char** argv) {
  if (argc < 4) return 1;
  feedback_dir = argv[3];
  long long n, a, b;
  std::ifstream(argv[1]) >> n;
  if (!(std::cin >> a >> b)) wrong_answer("expected two integers\n");
  std::string extra;
  if (std::cin >> extra) wrong_answer("trailing output: %s\n", extra.c_str());
  if (a < 0 || b < 0) wrong_answer("negative number: %lld %lld\n", a, b);
  if (a + b != n) wrong_answer("%lld + %lld != %lld\n", a, b, n);
  accept();
}
