// A plain (not thread-safe) dataset used by two threads at once is reported,
// not silently corrupted; handing it over between calls is fine.
#include <sys/wait.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <rasterkit/drivers/register_builtin.h>

namespace rk {
namespace {

std::unique_ptr<Dataset> mem_dataset() {
  register_all();
  CreateParams p;
  p.width = 256;
  p.height = 256;
  p.options = Options{{"BLOCKXSIZE", "64"}, {"BLOCKYSIZE", "64"}};
  return std::move(DriverManager::global().find("MEM")->create("shared-by-mistake", p).value());
}

TEST_CASE("two threads inside one plain dataset: the second is refused",
          "[concurrency][ownership]") {
  auto ds = mem_dataset();
  std::mutex m;
  std::condition_variable cv;
  bool a_inside = false, b_done = false;
  Status b_status;
  std::thread a([&] {
    std::vector<uint8_t> buf(256 * 256);
    RasterIOOptions options;
    bool waited = false;
    options.progress = [&](double, std::string_view) {
      if (!waited) {  // first progress report: we are inside the read
        waited = true;
        std::unique_lock<std::mutex> lock(m);
        a_inside = true;
        cv.notify_all();
        cv.wait(lock, [&] { return b_done; });
      }
      return true;
    };
    CHECK(ds->band(1)
              ->read(Window{0, 0, 256, 256}, buf.data(),
                     BufferLayout::packed(DataType::kByte, 256, 256), options)
              .ok());
  });
  std::thread b([&] {
    {
      std::unique_lock<std::mutex> lock(m);
      cv.wait(lock, [&] { return a_inside; });
    }
    uint8_t v = 0;
    b_status =
        ds->band(1)->read(Window{0, 0, 1, 1}, &v, BufferLayout::packed(DataType::kByte, 1, 1));
    std::lock_guard<std::mutex> lock(m);
    b_done = true;
    cv.notify_all();
  });
  a.join();
  b.join();
  CHECK(b_status.code() == StatusCode::kInvalidArgument);
  CHECK(b_status.subject() == "shared-by-mistake");
  CHECK(b_status.message().find("two threads at once") != std::string::npos);
  // Handed over between calls: fine.
  std::thread([&] {
    uint8_t v = 0;
    CHECK(ds->band(1)
              ->read(Window{5, 5, 1, 1}, &v, BufferLayout::packed(DataType::kByte, 1, 1))
              .ok());
  }).join();
}

TEST_CASE("a dataset opened before fork() is refused in the child, fine in the parent",
          "[concurrency][ownership]") {
  auto ds = mem_dataset();
  std::vector<uint8_t> buf(16);
  const auto layout = BufferLayout::packed(DataType::kByte, 4, 4);
  REQUIRE(ds->read(Window{0, 0, 4, 4}, buf.data(), layout).ok());
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // In the child: the parent's dataset must refuse, with a message saying why.
    Status st = ds->read(Window{0, 0, 4, 4}, buf.data(), layout);
    const bool refused = !st.ok() && st.message().find("fork()") != std::string::npos;
    // A dataset opened in the child works.
    auto mine = mem_dataset();
    const bool own_ok = mine->read(Window{0, 0, 4, 4}, buf.data(), layout).ok();
    _exit(refused && own_ok ? 0 : 1);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(ds->read(Window{0, 0, 4, 4}, buf.data(), layout).ok());  // the parent is unaffected
}

}  // namespace
}  // namespace rk
