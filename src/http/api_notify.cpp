// Notifications: a citizen's inbox (list, read state, live stream) and officials' broadcasts
// (preview, send, approve, recall, delivery figures) and messages to listed people.
#include <boost/json.hpp>

#include <algorithm>
#include <charconv>

#include "core/crypto.h"
#include "http/api_people.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "notify/inbox.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

// Messages published within this many seconds before a stream's last look are looked at
// again: a write that committed late (another process, group commit) is still seen. Repeats
// are filtered by id.
constexpr int64_t kStreamOverlapSeconds = 5;
constexpr int kStreamBatch = 100;

Result<accounts::User> official_of(App& app, const Request& req) {
  KB_ASSIGN(auto user, app.authenticate(req));
  if (user.role != accounts::Role::kOfficial || !user.jurisdiction) {
    return make_error(ErrorKind::kForbidden, "forbidden", "only health officials send notifications");
  }
  return user;
}

notify::Official official(const accounts::User& u) { return {u.id, *u.jurisdiction}; }

std::string area_name(const areas::AreaDirectory& areas, std::string_view code) {
  if (code == "national" || code == "*" || code.empty()) return "Việt Nam";
  if (const auto* p = areas.province(code)) return p->name;
  if (const auto* w = areas.ward(code)) return w->name;
  return std::string(code);
}

json::value opt_time(int64_t t) { return t > 0 ? json::value(format_rfc3339(t)) : json::value(nullptr); }
json::value opt_text(const std::string& s) { return s.empty() ? json::value(nullptr) : json::value(s); }

json::object item_json(const notify::InboxItem& i, const areas::AreaDirectory& areas) {
  json::object o{{"id", i.id},
                 {"kind", i.kind},
                 {"title", i.title},
                 {"body", i.body},
                 {"link", opt_text(i.link)},
                 {"published_at", format_rfc3339(i.published_at)},
                 {"expires_at", opt_time(i.expires_at)},
                 {"broadcast", !i.person_id.has_value()},
                 {"read", i.read},
                 {"cursor", notify::InboxCursor{i.published_at, i.id}.encode()}};
  o["person_id"] = i.person_id ? json::value(*i.person_id) : json::value(nullptr);
  o["sender"] = i.sender_jurisdiction.empty()
                    ? json::value(nullptr)
                    : json::value(json::object{{"jurisdiction", i.sender_jurisdiction},
                                               {"name", area_name(areas, i.sender_jurisdiction)}});
  return o;
}

json::object audience_json(const notify::Audience& a, const areas::AreaDirectory& areas) {
  json::object o{{"national", a.national}, {"filter", notify::filter_name(a.filter)}};
  json::array p, w;
  for (const auto& c : a.provinces) p.push_back(json::object{{"code", c}, {"name", area_name(areas, c)}});
  for (const auto& c : a.wards) w.push_back(json::object{{"code", c}, {"name", area_name(areas, c)}});
  o["provinces"] = std::move(p);
  o["wards"] = std::move(w);
  return o;
}

json::object broadcast_json(const notify::Broadcast& b, const areas::AreaDirectory& areas) {
  json::object o{{"id", b.id},
                 {"kind", b.kind},
                 {"title", b.title},
                 {"body", b.body},
                 {"link", opt_text(b.link)},
                 {"status", b.status},
                 {"audience", audience_json(b.audience, areas)},
                 {"audience_size", b.audience_size},
                 {"sender_id", b.sender_id},
                 {"sender", json::object{{"jurisdiction", b.sender_jurisdiction},
                                         {"name", area_name(areas, b.sender_jurisdiction)}}},
                 {"created_at", format_rfc3339(b.created_at)},
                 {"published_at", opt_time(b.published_at)},
                 {"expires_at", opt_time(b.expires_at)},
                 {"recalled_at", opt_time(b.recalled_at)},
                 {"recall_reason", opt_text(b.recall_reason)},
                 {"deliveries", json::object{{"queued", b.deliveries.queued},
                                             {"sent", b.deliveries.sent},
                                             {"failed", b.deliveries.failed},
                                             {"cancelled", b.deliveries.cancelled}}},
                 {"reads", b.reads}};
  o["approved_by"] = b.approved_by ? json::value(*b.approved_by) : json::value(nullptr);
  o["recalled_by"] = b.recalled_by ? json::value(*b.recalled_by) : json::value(nullptr);
  return o;
}

Result<std::vector<std::string>> string_list(const json::object& o, std::string_view key, std::string_view field) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return out;
  if (!v->is_array()) return invalid(std::string(field), "wrong_type", std::string(field) + " must be an array");
  if (v->as_array().size() > 500) return invalid(std::string(field), "too_long", "at most 500 areas");
  for (size_t i = 0; i < v->as_array().size(); ++i) {
    const auto& s = v->as_array()[i];
    std::string f = std::string(field) + "[" + std::to_string(i) + "]";
    if (!s.is_string()) return invalid(f, "wrong_type", f + " must be a string");
    if (s.as_string().size() > 10) return invalid(f, "unknown_area", "no such area");
    out.emplace_back(s.as_string());
  }
  return out;
}

// {national, provinces, wards, filter} → a checked audience for `user`.
Result<notify::Audience> parse_audience(App& app, JsonBody& body, const accounts::User& user) {
  const json::value* raw = body.raw("audience");
  if (!raw) return invalid("audience", "missing_field", "audience is required");
  if (!raw->is_object()) return invalid("audience", "wrong_type", "audience must be an object");
  const auto& o = raw->as_object();
  for (const auto& kv : o) {
    std::string_view k = kv.key();
    if (k != "national" && k != "provinces" && k != "wards" && k != "filter") {
      return invalid("audience." + std::string(k), "unknown_field", "unknown field audience." + std::string(k));
    }
  }
  notify::Audience a;
  if (const auto* n = o.if_contains("national"); n && !n->is_null()) {
    if (!n->is_bool()) return invalid("audience.national", "wrong_type", "audience.national must be true or false");
    a.national = n->as_bool();
  }
  KB_ASSIGN(a.provinces, string_list(o, "provinces", "audience.provinces"));
  KB_ASSIGN(a.wards, string_list(o, "wards", "audience.wards"));
  if (const auto* f = o.if_contains("filter"); f && !f->is_null()) {
    if (!f->is_string()) return invalid("audience.filter", "wrong_type", "audience.filter must be a string");
    KB_ASSIGN(a.filter, notify::parse_filter(std::string_view(f->as_string())));
  }
  return notify::check_audience(std::move(a), app.areas(), *user.jurisdiction);
}

Result<int64_t> parse_expiry(JsonBody& body, int64_t now) {
  KB_ASSIGN(auto raw, body.optional_string("expires_at", 40));
  if (!raw) return int64_t{0};
  auto t = parse_rfc3339(*raw);
  if (!t) return invalid("expires_at", "invalid_time", "expires_at must be an RFC 3339 time");
  if (*t <= now) return invalid("expires_at", "expired", "expires_at is in the past");
  return *t;
}


// ---- citizen: inbox ----

awaitable<Response> get_inbox(App& app, Request& req) {
  auto user = citizen_of(app, req);
  if (!user.ok()) co_return Response::error(user.error());
  notify::InboxQuery q;
  q.account_id = user->id;
  auto limit = int_param(req, "limit", 1, 100, 20);
  if (!limit.ok()) co_return Response::error(limit.error());
  q.limit = static_cast<int>(*limit);
  auto person = int_param(req, "person_id", 1, INT64_MAX, 0);
  if (!person.ok()) co_return Response::error(person.error());
  q.person_id = *person;
  if (auto cursor = req.query_param("cursor"); cursor && !cursor->empty()) {
    auto c = notify::InboxCursor::decode(*cursor);
    if (!c.ok()) co_return Response::error(c.error());
    q.before = *c;
  }
  auto page = app.db().read([&](store::Connection& c) { return notify::read_inbox(c, q, app.now()); });
  if (!page.ok()) co_return Response::error(page.error());
  json::array items;
  for (const auto& i : page->items) items.push_back(item_json(i, app.areas()));
  json::object out{{"items", std::move(items)}, {"unread", page->unread}};
  out["next_cursor"] = page->next ? json::value(page->next->encode()) : json::value(nullptr);
  co_return Response::json(200, out);
}

awaitable<Response> mark_read(App& app, Request& req) {
  auto user = citizen_of(app, req);
  if (!user.ok()) co_return Response::error(user.error());
  auto id = path_id(req);
  if (!id.ok()) co_return Response::error(id.error());
  auto job = [account = user->id, id = *id, now = app.now()](store::Connection& c) {
    return notify::mark_read(c, account, id, now);
  };
  auto done = co_await app.write(job);
  if (!done.ok()) co_return Response::error(done.error());
  co_return Response::no_content();
}

awaitable<Response> mark_all_read(App& app, Request& req) {
  auto user = citizen_of(app, req);
  if (!user.ok()) co_return Response::error(user.error());
  auto job = [account = user->id, now = app.now()](store::Connection& c) {
    return notify::mark_all_read(c, account, now);
  };
  auto marked = co_await app.write(job);
  if (!marked.ok()) co_return Response::error(marked.error());
  co_return Response::json(200, json::object{{"marked", *marked}});
}

// The live inbox: `message` events (id = the item's cursor, data = the item), `recall` events
// (data {id}) and heartbeat comments. Resumes after Last-Event-ID (or ?after=CURSOR); without
// either it starts with what is published from now on.
class InboxStream final : public StreamBody {
 public:
  InboxStream(App& app, int64_t account_id, std::optional<notify::InboxCursor> after)
      : app_(app), account_id_(account_id), after_(after) {}

  awaitable<void> run(EventSink& sink) override {
    auto keys = app_.db().read([&](store::Connection& c) { return notify::inbox_keys(c, account_id_); });
    if (!keys.ok()) co_return;
    EventSink* target = &sink;
    auto subscription = app_.inbox_hub().subscribe(keys->people, keys->areas, [target] { target->wake(); });
    int64_t since = after_ ? after_->published_at : app_.now();
    int64_t recalls_since = app_.now() - kStreamOverlapSeconds;
    if (after_) remember(after_->id);
    if (!co_await sink.write("retry: 3000\n: connected\n\n")) co_return;
    const auto heartbeat = std::chrono::seconds(std::max(1, app_.config().sse_heartbeat_seconds));
    auto last_write = std::chrono::steady_clock::now();
    while (!sink.closing()) {
      int64_t now = app_.now();
      auto fresh = app_.db().read([&](store::Connection& c) {
        return notify::published_since(c, account_id_, since, now, kStreamBatch);
      });
      auto recalled = app_.db().read([&](store::Connection& c) { return notify::recalled_since(c, recalls_since); });
      std::string out;
      if (fresh.ok()) {
        for (const auto& item : *fresh) {
          if (seen(item.id)) continue;
          remember(item.id);
          out += "id: " + notify::InboxCursor{item.published_at, item.id}.encode() + "\nevent: message\ndata: " +
                 json::serialize(item_json(item, app_.areas())) + "\n\n";
        }
        // A full batch: the rest follows at once, from the last one sent.
        if (fresh->size() == static_cast<size_t>(kStreamBatch)) {
          since = fresh->back().published_at;
        } else {
          since = std::max(since, now - kStreamOverlapSeconds);
        }
      }
      if (recalled.ok()) {
        for (int64_t id : *recalled) {
          if (std::find(recalls_.begin(), recalls_.end(), id) != recalls_.end()) continue;
          recalls_.push_back(id);
          if (recalls_.size() > 256) recalls_.erase(recalls_.begin());
          out += "event: recall\ndata: {\"id\":" + std::to_string(id) + "}\n\n";
        }
        recalls_since = std::max(recalls_since, now - kStreamOverlapSeconds);
      }
      if (out.empty() && std::chrono::steady_clock::now() - last_write >= heartbeat) out = ": heartbeat\n\n";
      if (!out.empty()) {
        if (!co_await sink.write(out)) break;
        last_write = std::chrono::steady_clock::now();
      }
      if (fresh.ok() && fresh->size() == static_cast<size_t>(kStreamBatch)) continue;
      co_await sink.wait(heartbeat);
    }
  }

 private:
  bool seen(int64_t id) const { return std::find(sent_.begin(), sent_.end(), id) != sent_.end(); }
  void remember(int64_t id) {
    sent_.push_back(id);
    if (sent_.size() > 512) sent_.erase(sent_.begin(), sent_.begin() + 256);
  }

  App& app_;
  int64_t account_id_;
  std::optional<notify::InboxCursor> after_;
  std::vector<int64_t> sent_;
  std::vector<int64_t> recalls_;
};

awaitable<Response> inbox_stream(App& app, Request& req) {
  auto user = citizen_of(app, req);
  if (!user.ok()) co_return Response::error(user.error());
  std::optional<notify::InboxCursor> after;
  std::string resume = req.last_event_id;
  if (resume.empty()) resume = req.query_param("after").value_or("");
  if (!resume.empty()) {
    auto c = notify::InboxCursor::decode(resume);
    if (!c.ok()) {
      Error e = c.error();
      e.field = req.last_event_id.empty() ? "after" : "Last-Event-ID";
      co_return Response::error(e);
    }
    after = *c;
  }
  Response res;
  res.content_type = "text/event-stream";
  res.headers.emplace_back("Cache-Control", "no-cache");
  res.headers.emplace_back("X-Accel-Buffering", "no");
  res.stream = std::make_shared<InboxStream>(app, user->id, after);
  co_return res;
}

// ---- officials: broadcasts ----

Result<notify::NewBroadcast> parse_broadcast(App& app, JsonBody& body, const accounts::User& user) {
  notify::NewBroadcast b;
  KB_ASSIGN(auto kind, body.optional_string("kind", 20));
  if (kind) {
    KB_ASSIGN(b.kind, notify::parse_kind(*kind));
  }
  KB_ASSIGN(b.title, body.required_string("title", notify::kMaxTitleBytes));
  KB_ASSIGN(b.body, body.required_string("body", notify::kMaxBodyBytes));
  KB_ASSIGN(auto link, body.optional_string("link", notify::kMaxLinkBytes));
  b.link = link.value_or("");
  KB_ASSIGN(b.expires_at, parse_expiry(body, app.now()));
  KB_ASSIGN(b.audience, parse_audience(app, body, user));
  KB_TRY(body.no_unknown_fields());
  return b;
}

awaitable<Response> preview_broadcast(App& app, Request& req) {
  auto user = official_of(app, req);
  if (!user.ok()) co_return Response::error(user.error());
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  auto audience = parse_audience(app, *body, *user);
  if (!audience.ok()) co_return Response::error(audience.error());
  // The form may send the whole draft: the preview looks only at the audience.
  for (const char* k : {"kind", "title", "body", "link", "expires_at"}) (void)body->raw(k);
  if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());
  auto count = app.db().read([&](store::Connection& c) {
    return app.audience_counter().count(c, app.areas(), *audience, app.now());
  });
  if (!count.ok()) co_return Response::error(count.error());
  json::array areas;
  for (const auto& [code, n] : count->by_area) {
    areas.push_back(json::object{{"code", code}, {"name", area_name(app.areas(), code)}, {"people", n}});
  }
  const auto& policy = app.config().broadcasts;
  json::object out{{"people", count->total},
                   {"areas", std::move(areas)},
                   {"needs_approval", notify::needs_approval(policy, *audience, count->total)},
                   {"approval_threshold", policy.approval_threshold}};
  co_return Response::json(200, out);
}

void after_publish(App& app, const notify::Broadcast& b) {
  if (b.status == "pending_approval") return;
  app.inbox_hub().notify(notify::Wake{{}, b.audience.area_codes(), false});
  app.poke_deliveries();
}

awaitable<Response> create_broadcast(App& app, Request& req) {
  auto user = official_of(app, req);
  if (!user.ok()) co_return Response::error(user.error());
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  auto b = parse_broadcast(app, *body, *user);
  if (!b.ok()) co_return Response::error(b.error());
  // Big areas' head-counts come from the background census: accepting never counts a province.
  auto count = app.db().read([&](store::Connection& c) {
    return app.audience_counter().count(c, app.areas(), b->audience, app.now());
  });
  if (!count.ok()) co_return Response::error(count.error());
  b->audience_size = count->total;
  auto job = [policy = app.config().broadcasts, sender = official(*user), nb = *b,
              now = app.now()](store::Connection& c) { return notify::create_broadcast(c, policy, sender, nb, now); };
  auto created = co_await app.write(job);
  if (!created.ok()) co_return Response::error(created.error());
  after_publish(app, *created);
  co_return Response::json(201, broadcast_json(*created, app.areas()));
}

awaitable<Response> list_broadcasts(App& app, Request& req) {
  auto user = official_of(app, req);
  if (!user.ok()) co_return Response::error(user.error());
  auto limit = int_param(req, "limit", 1, 100, 50);
  if (!limit.ok()) co_return Response::error(limit.error());
  auto list = app.db().read([&](store::Connection& c) {
    return notify::list_broadcasts(c, app.areas(), *user->jurisdiction, static_cast<int>(*limit));
  });
  if (!list.ok()) co_return Response::error(list.error());
  json::array a;
  for (const auto& b : *list) a.push_back(broadcast_json(b, app.areas()));
  co_return Response::json(200, json::object{{"broadcasts", std::move(a)}});
}

awaitable<Response> get_broadcast(App& app, Request& req) {
  auto user = official_of(app, req);
  if (!user.ok()) co_return Response::error(user.error());
  auto id = path_id(req);
  if (!id.ok()) co_return Response::error(id.error());
  auto b = app.db().read([&](store::Connection& c) { return notify::find_broadcast(c, *id); });
  if (!b.ok()) co_return Response::error(b.error());
  if (b->sender_id != user->id && !notify::within(b->audience, *user->jurisdiction, app.areas())) {
    co_return Response::error(Error{ErrorKind::kNotFound, "broadcast_not_found", "no such broadcast", "id"});
  }
  co_return Response::json(200, broadcast_json(*b, app.areas()));
}

awaitable<Response> approve_broadcast(App& app, Request& req) {
  auto user = official_of(app, req);
  if (!user.ok()) co_return Response::error(user.error());
  auto id = path_id(req);
  if (!id.ok()) co_return Response::error(id.error());
  if (!req.body.empty()) {
    auto body = json_body(req);
    if (!body.ok()) co_return Response::error(body.error());
    if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());
  }
  auto job = [&areas = app.areas(), approver = official(*user), id = *id, now = app.now()](store::Connection& c) {
    return notify::approve_broadcast(c, areas, approver, id, now);
  };
  auto approved = co_await app.write(job);
  if (!approved.ok()) co_return Response::error(approved.error());
  after_publish(app, *approved);
  co_return Response::json(200, broadcast_json(*approved, app.areas()));
}

awaitable<Response> recall_broadcast(App& app, Request& req) {
  auto user = official_of(app, req);
  if (!user.ok()) co_return Response::error(user.error());
  auto id = path_id(req);
  if (!id.ok()) co_return Response::error(id.error());
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  auto reason = body->required_string("reason", 500);
  if (!reason.ok()) co_return Response::error(reason.error());
  if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());
  auto job = [&areas = app.areas(), actor = official(*user), id = *id, reason = *reason,
              now = app.now()](store::Connection& c) {
    return notify::recall_broadcast(c, areas, actor, id, reason, now);
  };
  auto recalled = co_await app.write(job);
  if (!recalled.ok()) co_return Response::error(recalled.error());
  app.inbox_hub().notify(notify::Wake{{}, recalled->audience.area_codes(), false});
  co_return Response::json(200, broadcast_json(*recalled, app.areas()));
}

// ---- officials: messages to listed people ----

awaitable<Response> send_messages(App& app, Request& req) {
  auto user = official_of(app, req);
  if (!user.ok()) co_return Response::error(user.error());
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  const json::value* raw_people = body->raw("person_ids");
  if (!raw_people || !raw_people->is_array() || raw_people->as_array().empty()) {
    co_return Response::error(invalid("person_ids", "missing_field", "person_ids must list at least one person"));
  }
  if (raw_people->as_array().size() > 1000) {
    co_return Response::error(invalid("person_ids", "too_long", "at most 1000 people in one request"));
  }
  std::vector<int64_t> people;
  for (size_t i = 0; i < raw_people->as_array().size(); ++i) {
    const auto& v = raw_people->as_array()[i];
    if (!v.is_int64() || v.as_int64() <= 0) {
      co_return Response::error(
          invalid("person_ids[" + std::to_string(i) + "]", "wrong_type", "person ids are positive integers"));
    }
    if (std::find(people.begin(), people.end(), v.as_int64()) == people.end()) people.push_back(v.as_int64());
  }
  notify::PersonalMessage m;
  m.kind = notify::Kind::kInfo;
  auto kind = body->optional_string("kind", 20);
  if (!kind.ok()) co_return Response::error(kind.error());
  if (*kind) {
    auto k = notify::parse_kind(**kind);
    if (!k.ok()) co_return Response::error(k.error());
    m.kind = *k;
  }
  auto title = body->required_string("title", notify::kMaxTitleBytes);
  if (!title.ok()) co_return Response::error(title.error());
  auto text = body->required_string("body", notify::kMaxBodyBytes);
  if (!text.ok()) co_return Response::error(text.error());
  auto link = body->optional_string("link", notify::kMaxLinkBytes);
  if (!link.ok()) co_return Response::error(link.error());
  auto expires = parse_expiry(*body, app.now());
  if (!expires.ok()) co_return Response::error(expires.error());
  auto request_id = body->optional_string("request_id", 100);
  if (!request_id.ok()) co_return Response::error(request_id.error());
  if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());
  m.title = *title;
  m.body = *text;
  m.link = link->value_or("");
  m.expires_at = *expires;
  std::string key = request_id->value_or(random_token(12));
  auto job = [sender = official(*user), people, m, key, now = app.now()](store::Connection& c) {
    return notify::send_to_people(c, sender, people, m, key, now);
  };
  auto sent = co_await app.write(job);
  if (!sent.ok()) co_return Response::error(sent.error());
  app.inbox_hub().notify_people(people);
  app.poke_deliveries();
  json::array out;
  for (size_t i = 0; i < people.size(); ++i) {
    out.push_back(json::object{{"person_id", people[i]}, {"id", (*sent)[i].id}, {"created", (*sent)[i].created}});
  }
  co_return Response::json(201, json::object{{"messages", std::move(out)}});
}

}  // namespace

void register_notify_routes(App& app) {
  auto& r = app.router();
  r.add(Method::kGet, "/api/v1/me/inbox", [&app](Request& req) { return get_inbox(app, req); },
        "the signed-in citizen's inbox, newest first (cursor pagination, unread count)");
  r.add(Method::kGet, "/api/v1/me/inbox/stream", [&app](Request& req) { return inbox_stream(app, req); },
        "new inbox messages as Server-Sent Events (Last-Event-ID resume, heartbeats)");
  r.add(Method::kPost, "/api/v1/me/inbox/read-all", [&app](Request& req) { return mark_all_read(app, req); },
        "mark every inbox message read");
  r.add(Method::kPost, "/api/v1/me/inbox/{id}/read", [&app](Request& req) { return mark_read(app, req); },
        "mark one inbox message read");
  r.add(Method::kPost, "/api/v1/broadcasts/preview", [&app](Request& req) { return preview_broadcast(app, req); },
        "how many people an audience covers, and whether a second official must approve");
  r.add(Method::kPost, "/api/v1/broadcasts", [&app](Request& req) { return create_broadcast(app, req); },
        "broadcast a message to an area (officials)");
  r.add(Method::kGet, "/api/v1/broadcasts", [&app](Request& req) { return list_broadcasts(app, req); },
        "recent broadcasts in the official's jurisdiction, with delivery figures");
  r.add(Method::kGet, "/api/v1/broadcasts/{id}", [&app](Request& req) { return get_broadcast(app, req); },
        "one broadcast with its delivery figures");
  r.add(Method::kPost, "/api/v1/broadcasts/{id}/approve", [&app](Request& req) { return approve_broadcast(app, req); },
        "a second official releases a broadcast waiting for approval");
  r.add(Method::kPost, "/api/v1/broadcasts/{id}/recall", [&app](Request& req) { return recall_broadcast(app, req); },
        "recall a broadcast: it leaves inboxes and pending deliveries stop (audited)");
  r.add(Method::kPost, "/api/v1/messages", [&app](Request& req) { return send_messages(app, req); },
        "send a message to listed people inside the official's jurisdiction");
}

}  // namespace kb::http
