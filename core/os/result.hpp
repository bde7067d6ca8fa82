// The outcome of one system call: a value, or the errno the call failed with.
//
// The kernel layer never throws: like the C calls it models, it returns an errno, so callers
// (and the tracer) see exactly what the call gave. `value_or_raise(filename)` turns a failure
// into the Python exception, as CPython's `PyErr_SetFromErrnoWithFilename` does.
#pragma once

#include <optional>
#include <string>
#include <utility>

#include "os/errno.hpp"
#include "os/errors.hpp"

namespace bl::os {

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit, like a return value
  Result(Errno error) : error_(error) {}         // NOLINT: implicit, like `return -1`

  bool ok() const { return error_ == Errno::none; }
  Errno error() const { return error_; }
  const T& value() const& { return value_; }
  T& value() & { return value_; }
  T&& value() && { return std::move(value_); }

  T value_or_raise(std::optional<std::string> filename = std::nullopt,
                   std::optional<std::string> filename2 = std::nullopt) && {
    if (!ok()) raise_os_error(error_, std::move(filename), std::move(filename2));
    return std::move(value_);
  }

 private:
  T value_{};
  Errno error_ = Errno::none;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Errno error) : error_(error) {}  // NOLINT: implicit, like `return -1`

  bool ok() const { return error_ == Errno::none; }
  Errno error() const { return error_; }
  void value_or_raise(std::optional<std::string> filename = std::nullopt,
                      std::optional<std::string> filename2 = std::nullopt) const {
    if (!ok()) raise_os_error(error_, std::move(filename), std::move(filename2));
  }

 private:
  Errno error_ = Errno::none;
};

}  // namespace bl::os
