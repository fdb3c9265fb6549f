// Slow CPU work (password hashing, cleaning a large list) run on a pool of its own, awaited by
// a coroutine, so the threads that answer requests keep answering meanwhile.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <utility>

namespace kb {

// Runs `fn()` on `pool` and resumes the caller on its own executor with the result. `fn` must be
// a named lvalue, which offload() moves from (g++ 12 bug with lambda temporaries inside
// co_await; see store/async_write.h).
template <class F>
auto offload(boost::asio::thread_pool& pool, F& fn) {
  using R = decltype(fn());
  return boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(R)>(
      [&pool](auto handler, F job) {
        auto ex = boost::asio::get_associated_executor(handler);
        auto work = boost::asio::prefer(ex, boost::asio::execution::outstanding_work.tracked);
        boost::asio::post(
            pool, [handler = std::move(handler), job = std::move(job), work]() mutable {
              R r = job();
              boost::asio::post(work, [handler = std::move(handler), r = std::move(r)]() mutable {
                std::move(handler)(std::move(r));
              });
            });
      },
      boost::asio::use_awaitable, F(std::move(fn)));
}

}  // namespace kb
