#include "progress.h"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <memory>

namespace rk::cli {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;

extern "C" void on_sigint(int) { g_interrupted = 1; }

// GDAL's dotted progress: a mark at every 2.5%, a number at every 10%.
class DottedProgress {
 public:
  bool update(double fraction) {
    const int target = static_cast<int>(fraction * 40.0 + 1e-9);
    while (printed_ < target && printed_ < 40) {
      ++printed_;
      if (printed_ % 4 == 0) {
        std::fprintf(stdout, "%d", printed_ / 4 * 10);
      } else {
        std::fputc('.', stdout);
      }
    }
    if (printed_ >= 40 && !done_) {
      done_ = true;
      std::fputs(" - done.\n", stdout);
    }
    std::fflush(stdout);
    return true;
  }

 private:
  int printed_ = -1;  // "0" is printed on the first call
  bool done_ = false;
};

// A redrawn bar for terminals: percentage, rate and time left.
class BarProgress {
 public:
  bool update(double fraction) {
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    if (fraction < 1.0 && now - last_ < std::chrono::milliseconds(100)) return true;
    last_ = now;
    constexpr int kWidth = 40;
    const int filled = static_cast<int>(fraction * kWidth);
    char bar[kWidth + 1];
    for (int i = 0; i < kWidth; ++i) bar[i] = i < filled ? '#' : '-';
    bar[kWidth] = 0;
    const double eta = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0;
    std::fprintf(stdout, "\r[%s] %5.1f%%  %.1f%%/s  ETA %.0fs ", bar, fraction * 100,
                 elapsed > 0 ? fraction * 100 / elapsed : 0.0, eta);
    if (fraction >= 1.0 && !done_) {
      done_ = true;
      std::fprintf(stdout, "\n");
    }
    std::fflush(stdout);
    return true;
  }

 private:
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point last_{};
  bool done_ = false;
};

}  // namespace

void install_interrupt_handler() {
  struct sigaction sa {};
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool interrupted() { return g_interrupted != 0; }

ProgressFn make_progress(bool quiet, std::function<void()> before_first) {
  if (quiet) return [](double, std::string_view) { return !interrupted(); };
  // The printer is made at the first call: the header, then GDAL's "0".
  struct State {
    std::function<void()> before_first;
    std::unique_ptr<DottedProgress> dots;
    std::unique_ptr<BarProgress> bar;
  };
  auto state = std::make_shared<State>();
  state->before_first = std::move(before_first);
  return [state](double f, std::string_view) {
    if (interrupted()) return false;
    if (!state->dots && !state->bar) {
      if (state->before_first) state->before_first();
      if (isatty(STDOUT_FILENO)) {
        state->bar = std::make_unique<BarProgress>();
      } else {
        state->dots = std::make_unique<DottedProgress>();
        state->dots->update(0);
      }
    }
    return state->bar ? state->bar->update(f) : state->dots->update(f);
  };
}

}  // namespace rk::cli
