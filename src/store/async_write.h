// Writes awaited by coroutines: a job goes through the group-commit writer and the awaiting
// coroutine resumes on its own executor once the write is durable. For handlers and for the
// domain's use cases (checkin::Door), which await writes without knowing of HTTP.
//
// `fn` must be a named lvalue, which write() moves from: g++ 12 destroys a lambda temporary
// that appears inside a co_await expression twice (GCC bug 99576), so
// `co_await write(db, [...]{...})` would corrupt memory; taking `F&` makes it not compile.
#pragma once

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <utility>

#include "store/database.h"
#include "store/writer.h"

namespace kb::store {

namespace detail {

// The `done` of a write: hands the result to the awaiting coroutine on its own executor.
template <class R, class Handler>
auto resume_with(Handler handler) {
  auto work = boost::asio::prefer(boost::asio::get_associated_executor(handler),
                                  boost::asio::execution::outstanding_work.tracked);
  return [handler = std::move(handler), work](R r) mutable {
    boost::asio::post(work, [handler = std::move(handler), r = std::move(r)]() mutable {
      std::move(handler)(std::move(r));
    });
  };
}

}  // namespace detail

// Runs `fn(Connection&)` through the database's writer; awaits its Result once durable.
template <class F>
auto write(Database& db, F& fn) {
  using R = decltype(fn(std::declval<Connection&>()));
  return boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(R)>(
      [&db](auto handler, F job) {
        db.writer().submit(std::move(job), detail::resume_with<R>(std::move(handler)));
      },
      boost::asio::use_awaitable, F(std::move(fn)));
}

// As write(), for an independent write of a kind the writer runs together with the others of
// its batch (Writer::submit_grouped; on PostgreSQL a batch of check-ins is one statement), on
// the ingest writer of its key (Database::ingest_writer).
template <class Group>
auto ingest(Database& db, typename Group::Input& input) {
  using R = typename Group::Output;
  return boost::asio::async_initiate<decltype(boost::asio::use_awaitable), void(R)>(
      [&db](auto handler, typename Group::Input in) {
        auto& writer = db.ingest_writer(Group::key(in));
        writer.template submit_grouped<Group>(std::move(in),
                                              detail::resume_with<R>(std::move(handler)));
      },
      boost::asio::use_awaitable, input);
}

}  // namespace kb::store
