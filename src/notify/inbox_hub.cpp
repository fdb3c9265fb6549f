#include "notify/inbox_hub.h"

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
  if (everyone) return "*";
  std::string out;
  if (!people.empty()) {
    out += "p:";
    for (size_t i = 0; i < people.size(); ++i) out += (i ? "," : "") + std::to_string(people[i]);
  }
  if (!areas.empty()) {
    if (!out.empty()) out += ";";
    out += "a:";
    for (size_t i = 0; i < areas.size(); ++i) out += (i ? "," : "") + areas[i];
  }
  // pg_notify payloads are limited to 8000 bytes: a bigger change wakes everyone.
  return out.size() > 7000 ? "*" : out;
}

Wake Wake::decode(std::string_view text) {
  Wake w;
  if (text == "*") return Wake{{}, {}, true};
  for (std::string_view part : split(text, ';')) {
    if (part.starts_with("p:")) {
      for (std::string_view id : split(part.substr(2), ',')) {
        int64_t v = 0;
        auto [p, ec] = std::from_chars(id.data(), id.data() + id.size(), v);
        if (ec != std::errc{} || p != id.data() + id.size()) return Wake{{}, {}, true};
        w.people.push_back(v);
      }
    } else if (part.starts_with("a:")) {
      for (std::string_view code : split(part.substr(2), ',')) w.areas.emplace_back(code);
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
                                                            std::function<void()> wake) {
  std::vector<std::string> keys;
  for (int64_t id : people) keys.push_back(person_key(id));
  for (const auto& code : areas) {
    if (!code.empty()) keys.push_back(area_key(code));
  }
  std::unique_ptr<Subscription> s(new Subscription(*this, std::move(keys), std::move(wake)));
  std::lock_guard lock(mu_);
  all_.insert(s.get());
  for (const auto& k : s->keys_) by_key_[k].insert(s.get());
  return s;
}

void InboxHub::remove(Subscription* s) {
  std::lock_guard lock(mu_);
  all_.erase(s);
  for (const auto& k : s->keys_) {
    auto it = by_key_.find(k);
    if (it == by_key_.end()) continue;
    it->second.erase(s);
    if (it->second.empty()) by_key_.erase(it);
  }
}

void InboxHub::notify(const Wake& wake) {
  // Waking under the lock keeps a subscription alive while it is woken; wake() only posts.
  std::lock_guard lock(mu_);
  if (wake.everyone) {
    for (Subscription* s : all_) s->wake_();
    return;
  }
  std::unordered_set<Subscription*> woken;
  auto wake_key = [&](const std::string& key) {
    auto it = by_key_.find(key);
    if (it == by_key_.end()) return;
    for (Subscription* s : it->second) {
      if (woken.insert(s).second) s->wake_();
    }
  };
  for (int64_t id : wake.people) wake_key(person_key(id));
  for (const auto& code : wake.areas) {
    if (code == "*") {
      for (Subscription* s : all_) s->wake_();
      return;
    }
    wake_key(area_key(code));
  }
}

size_t InboxHub::open_streams() const {
  std::lock_guard lock(mu_);
  return all_.size();
}

}  // namespace kb::notify
