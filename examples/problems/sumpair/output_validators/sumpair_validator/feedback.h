// A few lines of Kattis' validate.h: judge messages and the 42/43 exit codes.
#pragma once
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <string>

static std::string feedback_dir;

[[noreturn]] inline void wrong_answer(const char* format, ...) {
  FILE* f = std::fopen((feedback_dir + "judgemessage.txt").c_str(), "a");
  if (f) {
    va_list args;
    va_start(args, format);
    std::vfprintf(f, format, args);
    va_end(args);
    std::fclose(f);
  }
  std::exit(43);
}

[[noreturn]] inline void accept() { std::exit(42); }
