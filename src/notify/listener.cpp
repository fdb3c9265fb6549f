#include "notify/listener.h"

#include <libpq-fe.h>
#include <poll.h>
#include <spdlog/spdlog.h>

#include <array>

namespace kb::notify {
namespace {

constexpr store::Sql kNotify{"notify_channel", "SELECT pg_notify($1 || current_schema(), $2)"};

const char* channel_prefix(Channel channel) {
  switch (channel) {
    case Channel::kInbox:
      return "kb_inbox_";
    case Channel::kBoards:
      return "kb_boards_";
    case Channel::kCaches:
      return "kb_caches_";
  }
  return "kb_inbox_";
}

// LISTENs on every channel of the connection's schema; returns the full channel names in the
// order of kChannels, or an empty array on failure.
std::array<std::string, std::size(kChannels)> listen_all(PGconn* conn) {
  std::array<std::string, std::size(kChannels)> names;
  PGresult* res = PQexec(conn, "SELECT current_schema()");
  std::string schema;
  if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) schema = PQgetvalue(res, 0, 0);
  PQclear(res);
  if (schema.empty()) return {};
  for (size_t i = 0; i < std::size(kChannels); ++i) {
    std::string name = channel_prefix(kChannels[i]) + schema;
    char* quoted = PQescapeIdentifier(conn, name.c_str(), name.size());
    if (!quoted) return {};
    std::string listen = std::string("LISTEN ") + quoted;
    PQfreemem(quoted);
    res = PQexec(conn, listen.c_str());
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    if (!ok) return {};
    names[i] = std::move(name);
  }
  return names;
}

}  // namespace

Status announce_text(store::Connection& c, Channel channel, std::string_view payload) {
  if (c.dialect() != store::Dialect::kPostgres) return {};
  KB_TRY(c.query(kNotify, {std::string_view(channel_prefix(channel)), payload}));
  return {};
}

PgListener::PgListener(std::string url, Handlers handlers)
    : url_(std::move(url)), handlers_(std::move(handlers)) {}

PgListener::~PgListener() { stop(); }

void PgListener::start() {
  thread_ = std::thread([this] { loop(); });
}

void PgListener::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void PgListener::loop() {
  bool missed = false;  // a reconnect may have lost notifications
  while (!stopping_) {
    PGconn* conn = PQconnectdb(url_.c_str());
    auto fail = [&](const char* what) {
      spdlog::warn("event listener: {}: {}", what, PQerrorMessage(conn));
      PQfinish(conn);
      for (int i = 0; i < 10 && !stopping_; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      missed = true;
    };
    if (PQstatus(conn) != CONNECTION_OK) {
      fail("connect");
      continue;
    }
    auto names = listen_all(conn);
    if (names[0].empty()) {
      fail("listen");
      continue;
    }
    if (missed && handlers_.missed) handlers_.missed();
    missed = false;
    while (!stopping_) {
      pollfd pfd{PQsocket(conn), POLLIN, 0};
      int ready = ::poll(&pfd, 1, 200);
      if (ready < 0) continue;
      if (ready > 0 && !PQconsumeInput(conn)) break;
      while (PGnotify* n = PQnotifies(conn)) {
        for (size_t i = 0; i < names.size(); ++i) {
          if (names[i] == n->relname) handlers_.deliver(kChannels[i], n->extra ? n->extra : "*");
        }
        PQfreemem(n);
      }
      if (PQstatus(conn) != CONNECTION_OK) break;
    }
    if (!stopping_) {
      fail("connection lost");
      continue;
    }
    PQfinish(conn);
  }
}

}  // namespace kb::notify
