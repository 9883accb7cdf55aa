// A progress bar for long loops, on stderr:
//   Progress p(total, "fit MLP");  p.update(done, "loss 0.012");  p.finish();
// On a terminal one line is redrawn with \r (count, rate, ETA, note) at most ~10 times
// a second; otherwise (logs, CI) a line is printed at most every ~10 s and at the end.
#pragma once
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace ws {

class Progress {
 public:
  Progress(int64_t total, std::string label, FILE* out = stderr);
  ~Progress();  // finishes if finish() was not called
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  void update(int64_t done, const std::string& note = "");
  // Whether update() would print now (callers skip computing a note nobody sees).
  bool due() const;
  void finish(const std::string& note = "");

  // "fit MLP  450/1000  45%  12.3 it/s  ETA 0:45  loss 0.012" (exposed for tests).
  std::string line(int64_t done, double elapsed_s, const std::string& note) const;

 private:
  using Clock = std::chrono::steady_clock;
  double seconds_since(Clock::time_point t) const;
  void print(const std::string& text, bool final_line);

  int64_t total_;
  std::string label_;
  FILE* out_;
  bool tty_;
  bool finished_ = false;
  bool updated_ = false;
  int64_t done_ = 0;
  std::string note_;
  Clock::time_point start_, last_print_;
};

// "12s", "3:05", "1:02:03".
std::string format_duration(double seconds);

}  // namespace ws
