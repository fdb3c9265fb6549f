// The HTTP/1.1 server: Boost.Beast on one io_context run by several threads, a coroutine per
// connection, keep-alive, body and time limits, and a graceful stop that finishes requests
// already being handled.
#pragma once

#include <functional>

#include "core/result.h"
#include "http/app.h"

namespace kb::http {

// Serves until SIGTERM or SIGINT, then drains in-flight requests (up to the grace period)
// and returns. `on_listening(port)` runs once the socket is bound.
Status serve(App& app, const std::function<void(int port)>& on_listening = {});

}  // namespace kb::http
