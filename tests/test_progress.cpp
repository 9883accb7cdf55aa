#include <algorithm>
#include <cstdio>
#include <string>

#include "engine/progress.h"
#include "tests/testing.h"

using namespace ws;

namespace {
std::string contents(FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string s;
  for (int c; (c = std::fgetc(f)) != EOF;) s.push_back(char(c));
  return s;
}
}  // namespace

TEST_CASE("format_duration") {
  CHECK(format_duration(0) == "0s");
  CHECK(format_duration(12.4) == "12s");
  CHECK(format_duration(185) == "3:05");
  CHECK(format_duration(3723) == "1:02:03");
  CHECK(format_duration(-1) == "?");
}

TEST_CASE("Progress: the line shows count, percentage, rate, ETA and the note") {
  FILE* f = std::tmpfile();
  REQUIRE(f);
  Progress p(1000, "fit MLP", f);
  std::string l = p.line(450, 45.0, "loss 0.012");
  CHECK(l == "fit MLP  450/1000  45%  10 it/s  ETA 55s  loss 0.012");
  CHECK(p.line(1000, 125.0, "") == "fit MLP  1000/1000  100%  8.00 it/s  in 2:05");
  p.finish();
  std::fclose(f);
}

TEST_CASE("Progress: off a terminal, quick updates print nothing until finish prints one line") {
  FILE* f = std::tmpfile();
  REQUIRE(f);
  {
    Progress p(500, "fit MLP", f);
    for (int i = 1; i <= 500; ++i) p.update(i, "loss 0.5");
    CHECK(contents(f).empty());  // less than 10 s passed
    p.finish("loss 0.01");
    p.finish();  // twice: once only
  }  // and the destructor adds nothing
  std::string out = contents(f);
  CHECK(out.find("fit MLP  500/500  100%") == 0);
  CHECK(out.find("loss 0.01\n") != std::string::npos);
  CHECK(out.find('\r') == std::string::npos);
  CHECK(std::count(out.begin(), out.end(), '\n') == 1);
  std::fclose(f);
}
