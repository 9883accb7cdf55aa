#include "engine/progress.h"

#include <unistd.h>

#include <cmath>

#include "core/error.h"

namespace ws {

namespace {
constexpr double kTtyInterval = 0.1;   // seconds between redraws on a terminal
constexpr double kLogInterval = 10.0;  // seconds between lines in a log
}  // namespace

std::string format_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "?";
  int64_t t = int64_t(std::llround(s));
  char buf[32];
  if (t < 60) std::snprintf(buf, sizeof buf, "%llds", (long long)t);
  else if (t < 3600) std::snprintf(buf, sizeof buf, "%lld:%02lld", (long long)(t / 60), (long long)(t % 60));
  else std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", (long long)(t / 3600), (long long)(t / 60 % 60), (long long)(t % 60));
  return buf;
}

Progress::Progress(int64_t total, std::string label, FILE* out)
    : total_(total), label_(std::move(label)), out_(out), tty_(::isatty(::fileno(out)) == 1),
      start_(Clock::now()), last_print_(start_) {}

Progress::~Progress() {
  if (!finished_) finish(note_);
}

double Progress::seconds_since(Clock::time_point t) const {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

std::string Progress::line(int64_t done, double elapsed, const std::string& note) const {
  std::string s = str_cat(label_, "  ", done);
  if (total_ > 0) {
    char pct[16];
    std::snprintf(pct, sizeof pct, "%.0f%%", 100.0 * double(done) / double(total_));
    s += str_cat("/", total_, "  ", pct);
  }
  double rate = elapsed > 0 ? double(done) / elapsed : 0.0;
  char r[32];
  std::snprintf(r, sizeof r, rate >= 10 ? "%.0f it/s" : "%.2f it/s", rate);
  s += str_cat("  ", r);
  if (total_ > 0 && done < total_ && rate > 0) s += "  ETA " + format_duration(double(total_ - done) / rate);
  if (done >= total_ || total_ <= 0) s += "  in " + format_duration(elapsed);
  if (!note.empty()) s += "  " + note;
  return s;
}

void Progress::print(const std::string& text, bool final_line) {
  if (tty_) std::fprintf(out_, "\r%s\033[K%s", text.c_str(), final_line ? "\n" : "");  // \033[K clears the rest
  else std::fprintf(out_, "%s\n", text.c_str());
  std::fflush(out_);
  last_print_ = Clock::now();
}

bool Progress::due() const { return !finished_ && seconds_since(last_print_) >= (tty_ ? kTtyInterval : kLogInterval); }

void Progress::update(int64_t done, const std::string& note) {
  done_ = done;
  note_ = note;
  updated_ = true;
  if (!due()) return;
  print(line(done, seconds_since(start_), note), false);
}

void Progress::finish(const std::string& note) {
  if (finished_) return;
  finished_ = true;
  print(line(updated_ ? done_ : total_, seconds_since(start_), note.empty() ? note_ : note), true);
}

}  // namespace ws
