// Result<T>: either a value of type T or a non-OK Status.
//
//   Result<std::unique_ptr<Dataset>> r = rk::open(path);
//   if (!r.ok()) { std::cerr << r.status().to_string() << "\n"; return 1; }
//   std::unique_ptr<Dataset> ds = std::move(r).value();
//
// Calling value() on an error is a bug and aborts (it is not an exception).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <utility>

#include <rasterkit/gdalcore/status.h>

namespace rk {

template <typename T>
class [[nodiscard]] Result {
 public:
  // An error. Passing an OK status is a bug: it becomes an internal error.
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    if (status_.ok()) status_ = Status::internal("Result", "constructed from an OK status");
  }
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & {
    check();
    return *value_;
  }
  const T& value() const& {
    check();
    return *value_;
  }
  T&& value() && {
    check();
    return std::move(*value_);
  }

  T* operator->() {
    check();
    return &*value_;
  }
  const T* operator->() const {
    check();
    return &*value_;
  }
  T& operator*() & {
    check();
    return *value_;
  }
  const T& operator*() const& {
    check();
    return *value_;
  }

 private:
  void check() const {
    if (!value_) {
      std::fprintf(stderr, "rasterkit: value() on an error Result: %s\n",
                   status_.to_string().c_str());
      std::abort();
    }
  }

  Status status_;
  std::optional<T> value_;
};

// Runs `body` (returning a Status or a Result) and turns an exception it
// throws into an error naming `subject`: std::bad_alloc becomes
// kOutOfMemory, anything else kInternal. Public entry points that allocate
// by sizes a file chose are wrapped in it, so no exception leaves the
// library (doc/errors.md).
template <typename Body>
auto no_exceptions(const std::string& subject, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return Status::out_of_memory(subject, "out of memory");
  } catch (const std::exception& e) {
    return Status::internal(subject, std::string("unexpected exception: ") + e.what());
  } catch (...) {
    return Status::internal(subject, "unexpected exception");
  }
}

// Assigns the value of `rexpr` (a Result) to `lhs`, or returns its error.
#define RK_CONCAT_INNER(a, b) a##b
#define RK_CONCAT(a, b) RK_CONCAT_INNER(a, b)
#define RK_ASSIGN_OR_RETURN(lhs, rexpr) \
  RK_ASSIGN_OR_RETURN_IMPL(RK_CONCAT(rk_result_, __LINE__), lhs, rexpr)
#define RK_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                             \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

}  // namespace rk
