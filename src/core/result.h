// Errors are values: a function that can fail returns Result<T>. The ErrorKind is shared by
// the whole domain and mapped to an HTTP status in exactly one place (http/message.cpp,
// status_of), which App::handle applies to every handler's error.
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace kb {

enum class ErrorKind {
  kInvalidArgument,  // bad input; `field` names it
  kUnauthenticated,
  kForbidden,
  kNotFound,
  kConflict,
  kGone,  // existed but no longer usable (expired code, revoked token)
  kRateLimited,
  kPayloadTooLarge,
  kUnsupportedMediaType,
  kUnavailable,  // a dependency (database) is down; retry later
  kInternal,
};

struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string code;         // stable machine-readable code, e.g. "invalid_phone"
  std::string message;      // human-readable, safe to show to the user
  std::string field;        // the input field at fault, or empty
  int64_t retry_after = 0;  // kRateLimited: seconds until asking again can succeed, when known
};

inline Error invalid(std::string field, std::string code, std::string message) {
  return {ErrorKind::kInvalidArgument, std::move(code), std::move(message), std::move(field)};
}
inline Error make_error(ErrorKind kind, std::string code, std::string message) {
  return {kind, std::move(code), std::move(message), {}};
}
inline Error internal(std::string message) {
  return {ErrorKind::kInternal, "internal", std::move(message), {}};
}

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const& {
    assert(!ok());
    return std::get<1>(v_);
  }
  Error&& error() && {
    assert(!ok());
    return std::get<1>(std::move(v_));
  }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const& {
    assert(!ok_);
    return error_;
  }
  Error&& error() && {
    assert(!ok_);
    return std::move(error_);
  }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace kb

#define KB_CONCAT_INNER(a, b) a##b
#define KB_CONCAT(a, b) KB_CONCAT_INNER(a, b)

// KB_TRY(expr): returns the error of a failed Result/Status from the enclosing function.
#define KB_TRY(expr)                                                    \
  do {                                                                  \
    auto&& kb_try_result_ = (expr);                                     \
    if (!kb_try_result_.ok()) return std::move(kb_try_result_).error(); \
  } while (0)

// The macros take a declaration (`auto x`) as an argument, which cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
// KB_ASSIGN(decl, expr): `decl = value` of a successful Result, or returns its error.
#define KB_ASSIGN(decl, expr) KB_ASSIGN_IMPL(KB_CONCAT(kb_assign_, __LINE__), decl, expr)
#define KB_ASSIGN_IMPL(tmp, decl, expr)         \
  auto tmp = (expr);                            \
  if (!tmp.ok()) return std::move(tmp).error(); \
  decl = std::move(tmp).value()

// Coroutine flavours of the two above.
#define KB_CO_TRY(expr)                                                    \
  do {                                                                     \
    auto&& kb_try_result_ = (expr);                                        \
    if (!kb_try_result_.ok()) co_return std::move(kb_try_result_).error(); \
  } while (0)
#define KB_CO_ASSIGN(decl, expr) KB_CO_ASSIGN_IMPL(KB_CONCAT(kb_assign_, __LINE__), decl, expr)
#define KB_CO_ASSIGN_IMPL(tmp, decl, expr)         \
  auto tmp = (expr);                               \
  if (!tmp.ok()) co_return std::move(tmp).error(); \
  decl = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
