// Live streams once their headers are sent (a citizen's inbox left open: a hundred thousand per
// node). Each is a small object: the connection's socket, the texts waiting to be written, and a
// place in one heartbeat wheel that all of a server's live streams share — no coroutine frame,
// timer or strand per stream. What the stream says comes from its LiveBody (driven by a hub);
// the heartbeat comments, the write timeout and noticing a client that left are the server's.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "http/message.h"

namespace kb::http {

class LiveConnection;

class LiveStreams {
 public:
  // Every stream gets a heartbeat comment every `heartbeat`: proxies in front keep it open.
  LiveStreams(boost::asio::io_context& io, std::chrono::seconds heartbeat);
  LiveStreams(const LiveStreams&) = delete;
  LiveStreams& operator=(const LiveStreams&) = delete;

  // Takes over `socket`, whose response headers are sent, and starts `body` on the calling thread.
  // The connection closes when the client leaves, a write fails or stalls, the body closes it,
  // or close_all().
  void open(boost::asio::ip::tcp::socket socket, std::shared_ptr<LiveBody> body);
  // Closes every live stream (the server is stopping).
  void close_all();
  size_t size() const;

 private:
  friend class LiveConnection;
  void add(LiveConnection* c);
  void remove(LiveConnection* c);
  void schedule();
  void tick();

  boost::asio::io_context& io_;
  boost::asio::steady_timer timer_;
  mutable std::mutex mu_;
  // The wheel: one list per second of the heartbeat period; a tick visits the next list. Each
  // connection links itself (LiveConnection::prev_/next_), so joining and leaving cost nothing.
  std::vector<LiveConnection*> slots_;  // guarded by mu_
  size_t next_slot_ = 0;                // guarded by mu_: where the next stream joins
  size_t tick_ = 0;                     // guarded by mu_
  size_t size_ = 0;                     // guarded by mu_
};

}  // namespace kb::http
