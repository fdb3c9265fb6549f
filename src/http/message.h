// The HTTP request and response as handlers see them: plain values, no Beast types, so
// handlers stay small and the wire code lives in server.cpp alone.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace kb::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };
std::string_view method_name(Method m);

// The content codings a client accepts (its Accept-Encoding header, parsed once at the edge by
// parse_accept_encoding in http/content_coding.h). No header: neither; the body goes plain.
struct AcceptEncoding {
  bool br = false;
  bool gzip = false;
};

struct Request {
  Method method = Method::kGet;
  std::string path;   // decoded path, without the query
  std::string query;  // raw query string, without '?'
  std::string body;
  std::string client_ip;      // the peer, or the client a trusted proxy names (write_limits.h)
  std::string forwarded_for;  // X-Forwarded-For as received
  std::string authorization;  // raw header value
  std::string content_type;
  std::string last_event_id;
  AcceptEncoding accept_encoding;
  std::string column_mapping;  // X-Column-Mapping: how an uploaded sheet's columns map to fields
  std::string file_name;       // X-File-Name: the name of an uploaded file
  std::string chat_signature;  // X-ZEvent-Signature: a chat platform's signed event (chat/)
  std::map<std::string, std::string, std::less<>> params;  // path parameters by name

  std::string_view param(std::string_view name) const;
  // A query parameter's decoded value, or nullopt when absent.
  std::optional<std::string> query_param(std::string_view name) const;
  // The bearer token of the Authorization header, or empty.
  std::string_view bearer_token() const;
};

// The open end of a streamed response (Server-Sent Events). Used only from the stream's own
// coroutine, except wake(), which any thread may call.
class EventSink {
 public:
  virtual ~EventSink() = default;
  // Writes bytes to the client; false once the client is gone or the server is stopping.
  virtual boost::asio::awaitable<bool> write(std::string_view data) = 0;
  // Waits until wake(), `max` elapses, or the server starts stopping.
  virtual boost::asio::awaitable<void> wait(std::chrono::milliseconds max) = 0;
  // Ends a wait() early (for example: a new message arrived). Thread-safe.
  virtual void wake() = 0;
  // True once the server is draining or a write failed: the stream should end.
  virtual bool closing() const = 0;
};

// A response body produced over time. run() owns the connection until it returns; the
// connection is closed afterwards.
class StreamBody {
 public:
  virtual ~StreamBody() = default;
  virtual boost::asio::awaitable<void> run(EventSink& sink) = 0;
};

// The open end of a live stream that events drive (LiveBody): no coroutine, timer or strand of
// its own. The server writes what is sent in order and sends the heartbeat comments itself, from
// one timer wheel shared by every live stream. Thread-safe.
class Outlet {
 public:
  using Text = std::shared_ptr<const std::string>;
  virtual ~Outlet() = default;
  // Queues `text` after what is queued already. False once the client is gone or the server is
  // stopping. `text` is shared: an event written once goes to every stream as it is.
  virtual bool send(Text text) = 0;
  bool send(std::string text) { return send(std::make_shared<const std::string>(std::move(text))); }
  // Runs `task` soon on a server thread, outside the caller's locks, unless the stream has ended
  // by then (the task is then dropped unrun).
  virtual void post(std::function<void()> task) = 0;
  // Ends the stream: the connection closes.
  virtual void close() = 0;
};

// A response body that, once its headers are sent, is driven by events (a hub, a posted task)
// rather than by a coroutine: what a hundred thousand idle streams per node can afford.
class LiveBody {
 public:
  virtual ~LiveBody() = default;
  // Called once, on a server thread, after the headers are sent. `out` outlives the body.
  virtual void start(Outlet& out) = 0;
  // Called once when the connection ends, on a server thread that holds no lock: from its return
  // on, nothing may call into the body any more (unsubscribe here, not in the destructor).
  virtual void stop() = 0;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::shared_ptr<StreamBody> stream;  // set: headers go first, then stream->run() writes the body
  std::shared_ptr<LiveBody> live;      // set: headers go first, then events drive the body

  static Response json(int status, const boost::json::value& body);
  static Response error(const Error& error);
  static Response no_content();
};

// The one place an ErrorKind becomes an HTTP status.
int status_of(ErrorKind kind);

}  // namespace kb::http
