// Live inbox events made once for every stream they go to (notify::InboxHub::deliver): the
// serving process calls these after a broadcast is published or recalled, and every other
// process when its listener hears of it (App::hear).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "notify/broadcasts.h"

namespace kb::http {

class App;

// Hands a published broadcast to the open streams it covers as one shared `message` event. A
// broadcast whose audience is filtered (who it covers depends on each person's state) wakes
// the streams of its areas to read their inbox instead.
void fan_out_broadcast(App& app, const notify::Broadcast& b);
// Hands a `recall` event for message `id` to the open streams of `areas`.
void fan_out_recall(App& app, int64_t id, const std::vector<std::string>& areas);

}  // namespace kb::http
