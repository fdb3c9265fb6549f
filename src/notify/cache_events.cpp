#include "notify/cache_events.h"

#include "notify/listener.h"

namespace kb::notify {

std::string Stale::encode() const {
  switch (kind) {
    case Kind::kSession:
      return "s:" + id;
    case Kind::kAccount:
      return "u:" + id;
    case Kind::kVenue:
      return "v:" + id;
    case Kind::kEverything:
      break;
  }
  return "*";
}

Stale Stale::decode(std::string_view text) {
  if (text.size() < 3 || text[1] != ':') return {};
  std::string id(text.substr(2));
  switch (text[0]) {
    case 's':
      return {Kind::kSession, std::move(id)};
    case 'u':
      return {Kind::kAccount, std::move(id)};
    case 'v':
      return {Kind::kVenue, std::move(id)};
    default:
      return {};
  }
}

Status announce_stale(store::Connection& c, const Stale& stale) {
  return announce_text(c, Channel::kCaches, stale.encode());
}

}  // namespace kb::notify
