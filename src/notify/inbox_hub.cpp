#include "notify/inbox_hub.h"

#include <algorithm>
#include <charconv>

namespace kb::notify {
namespace {

std::string person_key(int64_t id) { return "p:" + std::to_string(id); }
std::string area_key(std::string_view code) { return "a:" + std::string(code); }

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    size_t at = text.find(sep);
    out.push_back(text.substr(0, at));
    if (at == std::string_view::npos) break;
    text.remove_prefix(at + 1);
  }
  return out;
}

}  // namespace

std::string Wake::encode() const {
  if (everyone && !broadcast && !recall) return "*";
  std::string out;
  auto part = [&out](std::string_view tag) {
    if (!out.empty()) out += ";";
    out += tag;
  };
  if (everyone) part("*");
  if (!people.empty()) {
    part("p:");
    for (size_t i = 0; i < people.size(); ++i) out += (i ? "," : "") + std::to_string(people[i]);
  }
  if (!areas.empty()) {
    part("a:");
    for (size_t i = 0; i < areas.size(); ++i) out += (i ? "," : "") + areas[i];
  }
  if (broadcast) part("b:" + std::to_string(broadcast));
  if (recall) part("r:" + std::to_string(recall));
  // pg_notify payloads are limited to 8000 bytes: a bigger change wakes everyone.
  return out.size() > 7000 ? "*" : out;
}

Wake Wake::decode(std::string_view text) {
  Wake w;
  if (text == "*") return Wake{{}, {}, true};
  auto number = [](std::string_view digits, int64_t& v) {
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    return ec == std::errc{} && p == digits.data() + digits.size();
  };
  for (std::string_view part : split(text, ';')) {
    if (part == "*") {
      w.everyone = true;
    } else if (part.starts_with("p:")) {
      for (std::string_view id : split(part.substr(2), ',')) {
        int64_t v = 0;
        if (!number(id, v)) return Wake{{}, {}, true};
        w.people.push_back(v);
      }
    } else if (part.starts_with("a:")) {
      for (std::string_view code : split(part.substr(2), ',')) w.areas.emplace_back(code);
    } else if (part.starts_with("b:")) {
      if (!number(part.substr(2), w.broadcast)) return Wake{{}, {}, true};
    } else if (part.starts_with("r:")) {
      if (!number(part.substr(2), w.recall)) return Wake{{}, {}, true};
    } else {
      return Wake{{}, {}, true};
    }
  }
  return w;
}

Status announce(store::Connection& c, const Wake& wake, Channel channel) {
  if (c.dialect() != store::Dialect::kPostgres) return {};
  return announce_text(c, channel, wake.encode());
}

InboxHub::Subscription::~Subscription() { hub_.remove(this); }

std::unique_ptr<InboxHub::Subscription> InboxHub::subscribe(const std::vector<int64_t>& people,
                                                            const std::vector<std::string>& areas,
                                                            Receiver receive) {
  std::vector<std::string> keys;
  for (int64_t id : people) keys.push_back(person_key(id));
  for (const auto& code : areas) {
    if (!code.empty()) keys.push_back(area_key(code));
  }
  std::unique_ptr<Subscription> s(new Subscription(*this, std::move(receive)));
  s->entries_.reserve(keys.size());
  std::lock_guard lock(mu_);
  all_.insert(s.get());
  for (auto& k : keys) {
    auto& entry = *by_key_.try_emplace(std::move(k)).first;
    if (entry.second.insert(s.get()).second) s->entries_.push_back(&entry);
  }
  return s;
}

std::unique_ptr<InboxHub::Subscription> InboxHub::subscribe(const std::vector<int64_t>& people,
                                                            const std::vector<std::string>& areas,
                                                            std::function<void()> wake) {
  return subscribe(people, areas, [wake = std::move(wake)](const SharedEvent&) { wake(); });
}

void InboxHub::remove(Subscription* s) {
  std::lock_guard lock(mu_);
  all_.erase(s);
  for (auto* entry : s->entries_) {
    entry->second.erase(s);
    if (entry->second.empty()) by_key_.erase(by_key_.find(entry->first));
  }
}

void InboxHub::notify(const Wake& wake) { tell(wake, nullptr); }

void InboxHub::deliver(const Wake& covering, const SharedEvent& event) {
  {
    std::lock_guard lock(mu_);
    std::pair key{event->kind, event->message_id};
    if (std::find(recent_.begin(), recent_.end(), key) != recent_.end()) return;
    recent_[recent_next_++ % recent_.size()] = key;
  }
  tell(covering, event);
}

bool InboxHub::has_delivered(StreamEvent::Kind kind, int64_t message_id) const {
  std::lock_guard lock(mu_);
  return std::find(recent_.begin(), recent_.end(), std::pair{kind, message_id}) != recent_.end();
}

void InboxHub::tell(const Wake& wake, const SharedEvent& event) {
  // Telling under the lock keeps a subscription alive while it is told; receive_() only
  // queues and posts.
  std::lock_guard lock(mu_);
  const uint64_t round = ++round_;
  uint64_t told = 0;
  auto tell_one = [&](Subscription* s) {
    if (s->told_round_ == round) return;
    s->told_round_ = round;
    s->receive_(event);
    ++told;
  };
  bool everyone =
      wake.everyone || std::find(wake.areas.begin(), wake.areas.end(), "*") != wake.areas.end();
  if (everyone) {
    for (Subscription* s : all_) tell_one(s);
  } else {
    auto tell_key = [&](const std::string& key) {
      auto it = by_key_.find(key);
      if (it == by_key_.end()) return;
      for (Subscription* s : it->second) tell_one(s);
    };
    for (int64_t id : wake.people) tell_key(person_key(id));
    for (const auto& code : wake.areas) tell_key(area_key(code));
  }
  if (event) delivered_ += told;
}

size_t InboxHub::open_streams() const {
  std::lock_guard lock(mu_);
  return all_.size();
}

uint64_t InboxHub::delivered() const {
  std::lock_guard lock(mu_);
  return delivered_;
}

}  // namespace kb::notify
