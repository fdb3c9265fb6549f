#include "http/live_streams.h"

#include <unistd.h>

#include <array>
#include <atomic>
#include <boost/asio/bind_allocator.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace kb::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

// A write that has not finished after this long (a client that stopped reading) ends the stream.
constexpr auto kWriteTimeout = std::chrono::seconds(30);
// Texts waiting behind a stalled write, at most: more ends the stream.
constexpr size_t kMaxQueued = 64;

// Memory from the heap at the size asked. Asio keeps a few freed blocks per thread and hands
// them to the next operation whatever its size, unless the handler names an allocator other
// than std::allocator: the wait that is pending for as long as a stream is open would otherwise
// hold a block the size of an HTTP write (~0.6 KiB) for a wait of ~0.1 KiB.
template <typename T>
struct ExactAllocator {
  using value_type = T;
  ExactAllocator() = default;
  template <typename U>
  ExactAllocator(const ExactAllocator<U>&) {}  // NOLINT(google-explicit-constructor)
  T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T))); }
  void deallocate(T* p, size_t) { ::operator delete(p); }
  bool operator==(const ExactAllocator&) const { return true; }
};

const Outlet::Text& heartbeat_text() {
  static const auto text = std::make_shared<const std::string>(": heartbeat\n\n");
  return text;
}

}  // namespace

// One live stream's connection. Ownership: the wait for the client to send or leave (always
// pending while the stream is open), a write in flight and a posted task each hold it; so it
// lives until the client leaves or the socket is closed, and then finish() runs once, on a server
// thread holding no lock, before it is freed. Its destructor touches nothing outside it.
class LiveConnection final : public Outlet, public std::enable_shared_from_this<LiveConnection> {
 public:
  using Socket = asio::basic_stream_socket<tcp, asio::io_context::executor_type>;

  LiveConnection(LiveStreams& streams, Socket socket, std::shared_ptr<LiveBody> body)
      : streams_(streams), socket_(std::move(socket)), body_(std::move(body)) {}

  void start() {
    body_->start(*this);
    std::lock_guard lock(mu_);
    watch();  // on a closed socket, completes at once and finishes the stream
  }

  bool send(Text text) override {
    auto self = weak_from_this().lock();
    if (!self) return false;
    std::lock_guard lock(mu_);
    if (closed_) return false;
    if (queue_.size() >= kMaxQueued) {
      close_locked();
      return false;
    }
    queue_.push_back(std::move(text));
    if (!writing_) write_next();
    return true;
  }

  void post(std::function<void()> task) override {
    auto self = weak_from_this().lock();
    if (!self) return;
    asio::post(streams_.io_, [self = std::move(self), task = std::move(task)] {
      if (!self->ended_) task();
    });
  }

  void close() override {
    std::lock_guard lock(mu_);
    close_locked();
  }

  // The wheel's visit, once a heartbeat period: a heartbeat, unless a write is under way (one
  // that stalls ends the stream).
  void visit(Clock::time_point now) {
    std::lock_guard lock(mu_);
    if (closed_) return;
    if (writing_) {
      if (now - write_started_ > kWriteTimeout) close_locked();
      return;
    }
    queue_.push_back(heartbeat_text());
    write_next();
  }

 private:
  friend class LiveStreams;

  // Writes the first text waiting. mu_ held, no write in flight.
  void write_next() {
    Text text = std::move(queue_.front());
    queue_.erase(queue_.begin());
    if (queue_.empty()) std::vector<Text>().swap(queue_);  // an idle stream holds no queue
    writing_ = true;
    write_started_ = Clock::now();
    auto buffer = asio::buffer(*text);
    asio::async_write(socket_, buffer,
                      [self = shared_from_this(), text = std::move(text)](
                          const boost::system::error_code& ec, size_t) { self->written(ec); });
  }

  void written(const boost::system::error_code& ec) {
    std::lock_guard lock(mu_);
    writing_ = false;
    if (ec) {
      close_locked();
    } else if (!closed_ && !queue_.empty()) {
      write_next();
    }
  }

  // Waits for the client to send something or leave. mu_ held. Pending for as long as the
  // stream is open, so allocated at its own size (ExactAllocator).
  void watch() {
    auto on_readable = [self = shared_from_this()](const boost::system::error_code& ec) {
      self->readable(ec);
    };
    socket_.async_wait(Socket::wait_read,
                       asio::bind_allocator(ExactAllocator<void>(), std::move(on_readable)));
  }

  void readable(const boost::system::error_code& ec) {
    {
      std::lock_guard lock(mu_);
      if (!ec && !closed_) {
        // A client of an event stream has nothing to say: what it sends is dropped; end of
        // file or an error means it left.
        std::array<char, 512> dropped;
        boost::system::error_code rec;
        socket_.read_some(asio::buffer(dropped), rec);
        if (!rec || rec == asio::error::would_block) {
          watch();
          return;
        }
      }
      close_locked();
    }
    finish();
  }

  void close_locked() {
    closed_ = true;
    queue_.clear();
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);  // the pending wait completes: readable() finishes the stream
  }

  // Once, after the socket is closed: leaves the wheel, and stops the body (which leaves its hub).
  void finish() {
    ended_ = true;
    streams_.remove(this);
    body_->stop();
  }

  LiveStreams& streams_;
  std::mutex mu_;
  Socket socket_;                    // guarded by mu_
  std::vector<Text> queue_;          // guarded by mu_: waiting behind the write in flight
  Clock::time_point write_started_;  // guarded by mu_
  bool writing_ = false;             // guarded by mu_
  bool closed_ = false;              // guarded by mu_
  std::atomic<bool> ended_{false};
  std::shared_ptr<LiveBody> body_;
  // The connection's place in the wheel, guarded by streams_.mu_.
  LiveConnection* prev_ = nullptr;
  LiveConnection* next_ = nullptr;
  size_t slot_ = 0;
};

LiveStreams::LiveStreams(asio::io_context& io, std::chrono::seconds heartbeat)
    : io_(io), timer_(io), slots_(std::max<size_t>(1, heartbeat.count()), nullptr) {
  schedule();
}

void LiveStreams::open(tcp::socket socket, std::shared_ptr<LiveBody> body) {
  // The connection moves off the session's strand onto the loop itself: it serialises its own
  // work, and an executor is one pointer where a strand is an allocation per connection.
  boost::system::error_code ec;
  auto protocol = socket.local_endpoint(ec).protocol();
  if (ec) return;
  int fd = socket.release(ec);
  if (ec) return;
  LiveConnection::Socket own(io_.get_executor());
  own.assign(protocol, fd, ec);
  if (ec) {
    ::close(fd);
    return;
  }
  own.non_blocking(true, ec);  // readable() reads without waiting
  auto c = std::make_shared<LiveConnection>(*this, std::move(own), std::move(body));
  add(c.get());
  c->start();
}

void LiveStreams::close_all() {
  std::lock_guard lock(mu_);
  for (LiveConnection* head : slots_) {
    for (LiveConnection* c = head; c; c = c->next_) c->close();
  }
}

size_t LiveStreams::size() const {
  std::lock_guard lock(mu_);
  return size_;
}

void LiveStreams::add(LiveConnection* c) {
  std::lock_guard lock(mu_);
  c->slot_ = next_slot_++ % slots_.size();
  c->next_ = slots_[c->slot_];
  if (c->next_) c->next_->prev_ = c;
  slots_[c->slot_] = c;
  ++size_;
}

void LiveStreams::remove(LiveConnection* c) {
  std::lock_guard lock(mu_);
  if (c->prev_) {
    c->prev_->next_ = c->next_;
  } else if (slots_[c->slot_] == c) {
    slots_[c->slot_] = c->next_;
  } else {
    return;  // not in the wheel
  }
  if (c->next_) c->next_->prev_ = c->prev_;
  c->prev_ = c->next_ = nullptr;
  --size_;
}

void LiveStreams::schedule() {
  timer_.expires_after(std::chrono::seconds(1));
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) tick();
  });
}

void LiveStreams::tick() {
  // The visits run outside the wheel's lock; a connection that ends meanwhile is kept whole by
  // its reference here and freed when `due` is, holding no lock.
  std::vector<std::shared_ptr<LiveConnection>> due;
  {
    std::lock_guard lock(mu_);
    for (LiveConnection* c = slots_[tick_++ % slots_.size()]; c; c = c->next_) {
      if (auto held = c->weak_from_this().lock()) due.push_back(std::move(held));
    }
  }
  auto now = Clock::now();
  for (const auto& c : due) c->visit(now);
  due.clear();
  schedule();
}

}  // namespace kb::http
