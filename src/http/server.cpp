#include "http/server.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <map>
#include <memory_resource>
#include <mutex>
#include <thread>

#include "http/content_coding.h"
#include "http/live_streams.h"
#include "http/request_reader.h"
#include "http/write_limits.h"

namespace kb::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
constexpr auto kAsTuple = asio::as_tuple(use_awaitable);
using Headers = std::vector<std::pair<std::string, std::string>>;

// Every open connection, so a graceful stop can close the idle ones. Touched on connect and
// disconnect only, never per request.
class ConnectionSet {
 public:
  struct Entry {
    beast::tcp_stream* stream;
    std::atomic<bool> busy{false};
    std::atomic<EventSink*> sink{nullptr};  // set while the connection streams events
  };
  using Handle = std::map<uint64_t, Entry>::iterator;
  Handle add(beast::tcp_stream* s) {
    std::lock_guard lock(mu_);
    return entries_.try_emplace(next_id_++, s).first;
  }
  void remove(Handle it) {
    std::lock_guard lock(mu_);
    entries_.erase(it);
  }
  size_t size() {
    std::lock_guard lock(mu_);
    return entries_.size();
  }
  // The connection's stream object moved (to a streaming coroutine of its own).
  void moved(Handle it, beast::tcp_stream* stream) {
    std::lock_guard lock(mu_);
    it->second.stream = stream;
  }
  // Under the lock, so close_idle never wakes a sink that is being destroyed.
  void set_sink(Handle it, EventSink* sink) {
    std::lock_guard lock(mu_);
    it->second.sink = sink;
  }
  // Cancels the pending read of every idle connection. The cancel runs on the connection's own
  // strand, where its session runs, and looks the connection up again there: by then it may have
  // ended (its stream destroyed) or become busy. A connection whose next request has already
  // arrived is left to answer it; the session ends after that answer.
  void close_idle() {
    std::lock_guard lock(mu_);
    for (auto& [id, e] : entries_) {
      if (EventSink* sink = e.sink.load()) {
        sink->wake();  // the stream sees closing() and ends
        continue;
      }
      if (e.busy) continue;
      asio::post(e.stream->get_executor(), [this, id = id] { cancel_if_idle(id); });
    }
  }

 private:
  void cancel_if_idle(uint64_t id) {
    std::lock_guard lock(mu_);
    auto it = entries_.find(id);
    if (it == entries_.end() || it->second.busy) return;
    auto& socket = it->second.stream->socket();
    beast::error_code ec;
    if (socket.available(ec) > 0) return;
    socket.cancel(ec);
  }

  std::mutex mu_;
  std::map<uint64_t, Entry> entries_;  // by connection id, so a late cancel finds only its own
  uint64_t next_id_ = 0;
};

struct ServerState {
  ServerState(App& app, asio::io_context& io)
      : app(app),
        security_headers(app.security_headers()),
        live(io, std::chrono::seconds(std::max(1, app.config().sse_heartbeat_seconds))) {}
  App& app;
  ConnectionSet connections;  // sessions, and streams with a coroutine of their own
  std::atomic<bool> draining{false};
  Headers security_headers;  // on every response
  LiveStreams live;          // streams that events drive, once their headers are sent
};

using ResponseMessage = bhttp::response<bhttp::string_body, Fields>;

ResponseMessage to_message(Response&& res, const Headers& security, unsigned version,
                           bool keep_alive, bool head, FieldAllocator fields = {}) {
  ResponseMessage msg{std::piecewise_construct, std::make_tuple(), std::make_tuple(fields)};
  msg.result(static_cast<bhttp::status>(res.status));
  msg.version(version);
  msg.set(bhttp::field::server, "khaibao");
  if (!res.content_type.empty()) msg.set(bhttp::field::content_type, res.content_type);
  for (auto& [name, value] : res.headers) msg.set(name, value);
  for (const auto& [name, value] : security) msg.set(name, value);
  msg.keep_alive(keep_alive);
  size_t length = res.body.size();
  if (!head) msg.body() = std::move(res.body);
  msg.prepare_payload();
  if (head) msg.content_length(length);
  return msg;
}

class SocketSink final : public EventSink {
 public:
  SocketSink(beast::tcp_stream& stream, const std::atomic<bool>& draining)
      : stream_(stream),
        draining_(draining),
        timer_(std::make_shared<asio::steady_timer>(stream.get_executor())) {}

  awaitable<bool> write(std::string_view data) override {
    if (closing()) co_return false;
    stream_.expires_after(std::chrono::seconds(30));
    auto [ec, n] =
        co_await asio::async_write(stream_, asio::buffer(data.data(), data.size()), kAsTuple);
    if (ec) failed_ = true;
    co_return !failed_;
  }
  awaitable<void> wait(std::chrono::milliseconds max) override {
    if (closing() || woken_.exchange(false)) co_return;
    timer_->expires_after(max);
    co_await timer_->async_wait(kAsTuple);  // cancelled by wake(): not an error
    woken_ = false;
  }
  void wake() override {
    woken_ = true;
    // The timer is shared with the posted cancel: it may run after this sink is gone.
    asio::post(timer_->get_executor(), [timer = timer_] { timer->cancel(); });
  }
  bool closing() const override { return failed_ || draining_; }

 private:
  beast::tcp_stream& stream_;
  const std::atomic<bool>& draining_;
  std::shared_ptr<asio::steady_timer> timer_;
  std::atomic<bool> woken_{false};
  bool failed_ = false;
};

// Sends the headers of a streamed response; false when the client is gone.
awaitable<bool> write_stream_head(ServerState& state, beast::tcp_stream& stream, Response res,
                                  unsigned version) {
  bhttp::response<bhttp::empty_body> head{static_cast<bhttp::status>(res.status), version};
  head.set(bhttp::field::server, "khaibao");
  head.set(bhttp::field::content_type, res.content_type);
  for (auto& [name, value] : res.headers) head.set(name, value);
  for (const auto& [name, value] : state.security_headers) head.set(name, value);
  head.keep_alive(false);  // the body ends when the connection closes
  bhttp::response_serializer<bhttp::empty_body> serializer{head};
  stream.expires_after(std::chrono::seconds(30));
  auto [ec, n] = co_await bhttp::async_write_header(stream, serializer, kAsTuple);
  co_return !ec;
}

// Lets the stream write the body until it ends, then closes the connection. Runs as a
// coroutine of its own, started when the session that read the request ends: an idle stream
// (a citizen's app left open, a hundred thousand per node) then holds only what streaming needs,
// not the session's frame, request or read buffer.
awaitable<void> run_stream(ServerState& state, beast::tcp_stream stream,
                           ConnectionSet::Handle entry, std::shared_ptr<StreamBody> body) {
  state.connections.moved(entry, &stream);
  stream.expires_never();
  {
    SocketSink sink(stream, state.draining);
    state.connections.set_sink(entry, &sink);
    co_await body->run(sink);
    state.connections.set_sink(entry, nullptr);
  }
  body.reset();
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  state.connections.remove(entry);
}

// After refusing a request mid-body (413), closing at once would reset the connection while
// the client is still sending, and the client would never read the answer. Instead: stop
// sending, then read and drop what still arrives for a moment (a "lingering close").
awaitable<void> linger(beast::tcp_stream& stream) {
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  stream.expires_after(std::chrono::seconds(2));
  std::array<char, 16384> sink;
  size_t dropped = 0;
  while (!ec && dropped < (8u << 20)) {
    auto [rec, n] = co_await stream.async_read_some(asio::buffer(sink), kAsTuple);
    ec = rec;
    dropped += n;
  }
}

awaitable<void> run_session(ServerState& state, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::error_code ignored;
  std::string client_ip = stream.socket().remote_endpoint(ignored).address().to_string();
  auto connection = state.connections.add(&stream);
  auto& entry = connection->second;
  const auto& config = state.app.config();
  beast::flat_buffer buffer;
  Request req;  // one per connection: its strings keep their storage from request to request
  std::pmr::unsynchronized_pool_resource header_memory;  // the headers of its requests, answers
  FieldAllocator fields(&header_memory);
  for (;;) {
    if (state.draining) break;
    RequestParser parser(std::piecewise_construct, std::make_tuple(), std::make_tuple(fields));
    // The body limit depends on the route (Router::allow_body), known once the header is in:
    // the header is read without one, then the declared length checked against the route's.
    limit_request(parser, config.max_body_bytes);
    parser.body_limit(boost::none);
    // The whole request must arrive within the read timeout: slow senders cannot hold a
    // connection (and its memory) forever.
    stream.expires_after(std::chrono::seconds(config.read_timeout_seconds));
    auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kAsTuple);
    if (!ec) {
      const auto& head = parser.get();
      std::string_view target = head.target();
      size_t limit = state.app.router().body_limit(
          method_of(head.method()), target.substr(0, target.find('?')), config.max_body_bytes);
      if (parser.content_length() && *parser.content_length() > limit) {
        ec = bhttp::error::body_limit;
      } else {
        parser.body_limit(limit);
        if (limit > config.max_body_bytes) {
          // A large upload gets time in proportion: at least 1 MiB a second.
          stream.expires_after(std::chrono::seconds(config.read_timeout_seconds + (limit >> 20)));
        }
        if (beast::iequals(head[bhttp::field::expect], "100-continue")) {
          bhttp::response<bhttp::empty_body> go_on{bhttp::status::continue_, head.version()};
          auto [cec, cn] = co_await bhttp::async_write(stream, go_on, kAsTuple);
          ec = cec;
        }
        if (!ec && !parser.is_done()) {
          auto [bec, bn] = co_await bhttp::async_read(stream, buffer, parser, kAsTuple);
          ec = bec;
        }
      }
    }
    if (ec) {
      // Parse errors get an answer; a closed, reset or timed-out connection just ends.
      if (is_client_fault(ec)) {
        entry.busy = true;
        auto msg =
            to_message(Response::error(read_error(ec)), state.security_headers, 11, false, false);
        stream.expires_after(std::chrono::seconds(5));
        co_await bhttp::async_write(stream, msg, kAsTuple);
        co_await linger(stream);
      }
      break;
    }
    entry.busy = true;
    auto& msg = parser.get();
    unsigned version = msg.version();
    bool keep_alive = msg.keep_alive();
    bool head = msg.method() == bhttp::verb::head;
    Status read = read_request(parser.release(), client_ip, req);
    Response res;
    if (read.ok() && !config.trusted_proxies.empty()) {
      req.client_ip = forwarded_client(client_ip, req.forwarded_for, config.trusted_proxies);
    }
    if (read.ok()) {
      res = co_await state.app.handle(req);
    } else {
      res = Response::error(read.error());
    }
    if (res.live) {
      // From here on the stream is a small object that events drive: this coroutine ends, and
      // with it its frame, the request and the read buffer.
      auto body = std::move(res.live);
      if (!co_await write_stream_head(state, stream, std::move(res), version)) break;
      stream.expires_never();
      state.live.open(stream.release_socket(), std::move(body));
      state.connections.remove(connection);
      co_return;
    }
    if (res.stream) {
      // The stream goes on in a coroutine of its own, which owns the connection from here on.
      auto body = std::move(res.stream);
      if (!co_await write_stream_head(state, stream, std::move(res), version)) break;
      auto ex = stream.get_executor();
      asio::co_spawn(ex, run_stream(state, std::move(stream), connection, std::move(body)),
                     asio::detached);
      co_return;
    }
    keep_alive = keep_alive && !state.draining;
    auto out =
        to_message(std::move(res), state.security_headers, version, keep_alive, head, fields);
    stream.expires_after(std::chrono::seconds(config.read_timeout_seconds));
    auto [wec, wn] = co_await bhttp::async_write(stream, out, kAsTuple);
    entry.busy = false;
    if (wec || !keep_alive) break;
  }
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  state.connections.remove(connection);
}

awaitable<void> accept_loop(ServerState& state, tcp::acceptor& acceptor, asio::io_context& io) {
  for (;;) {
    // A strand of the loop's own executor, not of the acceptor's any_io_executor: it fits the
    // small buffer of the any_io_executor that every handler of the connection copies (no
    // allocation per copy), and a finished write resumes the connection through its loop
    // (store/async_write.h).
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(io), kAsTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
      spdlog::warn("accept failed: {}", ec.message());
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto ex = socket.get_executor();
    asio::co_spawn(ex, run_session(state, std::move(socket)), asio::detached);
  }
}

// Serves on for `drain_seconds` (health checks failing, so load balancers move away), then
// stops accepting and closes idle connections until none is left or the grace period ends, then
// stops the loop. (A free function, not a lambda: a coroutine lambda's captures die with it.)
awaitable<void> drain(ServerState& state, tcp::acceptor& acceptor, asio::io_context& io,
                      const ServerConfig& config) {
  asio::steady_timer timer(io);
  if (config.drain_seconds > 0) {
    timer.expires_after(std::chrono::seconds(config.drain_seconds));
    co_await timer.async_wait(use_awaitable);
  }
  state.draining = true;
  beast::error_code ignore;
  acceptor.close(ignore);
  auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(config.shutdown_grace_seconds);
  while (state.connections.size() + state.live.size() > 0 &&
         std::chrono::steady_clock::now() < deadline) {
    state.connections.close_idle();
    state.live.close_all();
    timer.expires_after(std::chrono::milliseconds(20));
    co_await timer.async_wait(use_awaitable);
  }
  io.stop();
}

}  // namespace

Status serve(App& app, const std::function<void(int)>& on_listening) {
  const auto& config = app.config();
  int threads = config.threads > 0
                    ? config.threads
                    : std::max(4, 2 * static_cast<int>(std::thread::hardware_concurrency()));
  asio::io_context io(threads);
  ServerState state(app, io);

  tcp::acceptor acceptor(io);
  beast::error_code ec;
  auto address = asio::ip::make_address(config.listen_host, ec);
  if (ec)
    return invalid("listen", "invalid_listen",
                   "--listen host is not an IP address: " + config.listen_host);
  tcp::endpoint endpoint(address, static_cast<unsigned short>(config.port));
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return make_error(
        ErrorKind::kUnavailable, "listen_failed",
        fmt::format("cannot listen on {}:{}: {}", config.listen_host, config.port, ec.message()));
  }
  int port = acceptor.local_endpoint().port();
  asio::co_spawn(io, accept_loop(state, acceptor, io), asio::detached);

  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const beast::error_code& sec, int signal) {
    if (sec) return;
    spdlog::info("signal {}: draining {} connections (health checks fail for {} s first)", signal,
                 state.connections.size() + state.live.size(), config.drain_seconds);
    state.app.start_draining();
    asio::co_spawn(io, drain(state, acceptor, io, config), asio::detached);
  });

  spdlog::info("listening on http://{}:{} with {} threads", config.listen_host, port, threads);
  if (on_listening) on_listening(port);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : pool) t.join();
  spdlog::info("stopped");
  return {};
}

}  // namespace kb::http
