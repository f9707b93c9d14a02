#include <rasterkit/gdalcore/worker_pool.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>
#include <string>

namespace rk {

// One parallel_for call. Indices are claimed with an atomic counter, so
// workers never wait for each other between pieces.
struct WorkerPool::Job {
  int64_t count = 0;
  const std::function<void(int64_t)>* body = nullptr;
  std::atomic<int64_t> next{0};
  std::atomic<int64_t> finished{0};
  std::mutex mu;
  std::condition_variable all_done;
};

WorkerPool::WorkerPool(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void WorkerPool::run_some(Job& job) {
  for (;;) {
    const int64_t i = job.next.fetch_add(1);
    if (i >= job.count) return;
    (*job.body)(i);
    if (job.finished.fetch_add(1) + 1 == job.count) {
      std::lock_guard<std::mutex> lock(job.mu);
      job.all_done.notify_all();
    }
  }
}

void WorkerPool::work() {
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping and nothing left
      job = jobs_.front();
      // A job stays queued until every index is handed out.
      if (job->next.load() >= job->count) {
        jobs_.pop_front();
        continue;
      }
    }
    run_some(*job);
  }
}

void WorkerPool::parallel_for(int64_t count, const std::function<void(int64_t)>& body) {
  if (count <= 0) return;
  if (workers_.empty() || count == 1) {
    for (int64_t i = 0; i < count; ++i) body(i);
    return;
  }
  auto job = std::make_shared<Job>();
  job->count = count;
  job->body = &body;
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(job);
  }
  wake_.notify_all();
  run_some(*job);
  std::unique_lock<std::mutex> lock(job->mu);
  job->all_done.wait(lock, [&] { return job->finished.load() == job->count; });
}

int WorkerPool::parse_thread_count(const std::string& text) {
  std::string upper;
  for (char c : text) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (upper == "ALL_CPUS")
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (text.empty() || text.size() > 6) return 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return 0;
  }
  const int n = std::atoi(text.c_str());
  return n > 0 ? n : 0;
}

namespace {
std::atomic<int> g_default_threads{0};  // 0: every core
}  // namespace

void WorkerPool::set_default_thread_count(int threads) {
  g_default_threads.store(threads > 0 ? threads : 0, std::memory_order_relaxed);
}

int WorkerPool::default_thread_count() {
  if (const int n = g_default_threads.load(std::memory_order_relaxed)) return n;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace rk
