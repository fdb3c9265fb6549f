// Notifications: a citizen's inbox (list, read state, live stream) and officials' broadcasts
// (preview, send, approve, recall, delivery figures) and messages to listed people. Who may
// send, see, release or recall what is the notify domain's (notify/broadcasts.h).
#include <algorithm>
#include <boost/json.hpp>
#include <mutex>

#include "access/policy.h"
#include "core/crypto.h"
#include "core/json_writer.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "http/inbox_events.h"
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

std::string area_name(const areas::AreaDirectory& areas, std::string_view code) {
  if (code == "national" || code == "*" || code.empty()) return "Việt Nam";
  if (const auto* p = areas.province(code)) return p->name;
  if (const auto* w = areas.ward(code)) return w->name;
  return std::string(code);
}

json::value opt_time(int64_t t) {
  return json_time(t > 0 ? std::optional<int64_t>(t) : std::nullopt);
}
json::value opt_id(const std::optional<int64_t>& id) {
  return id ? json::value(*id) : json::value(nullptr);
}

// ---- answers ----

// An inbox item, written straight into `out` (the inbox is read far more often than it changes):
// the members and their order are those of the json::object it was built as before.
void write_item(JsonWriter& out, const notify::InboxItem& i, const areas::AreaDirectory& areas) {
  out.begin_object().member("id", i.id).member("kind", i.kind).member("title", i.title);
  out.member("body", i.body).key("link");
  i.link.empty() ? out.null() : out.value(i.link);
  out.key("published_at").time(i.published_at).key("expires_at");
  i.expires_at > 0 ? out.time(i.expires_at) : out.null();
  out.member("broadcast", !i.person_id.has_value()).member("read", i.read);
  out.member("cursor", notify::InboxCursor{i.published_at, i.id}.encode()).key("person_id");
  i.person_id ? out.value(*i.person_id) : out.null();
  out.key("sender");
  if (i.sender_jurisdiction.empty()) {
    out.null();
  } else {
    out.begin_object().member("jurisdiction", i.sender_jurisdiction);
    out.member("name", area_name(areas, i.sender_jurisdiction)).end_object();
  }
  out.end_object();
}

// A message as a Server-Sent Event: its cursor as the event id (Last-Event-ID resumes there).
std::string message_event(const notify::InboxItem& item, const areas::AreaDirectory& areas) {
  std::string text = "id: " + notify::InboxCursor{item.published_at, item.id}.encode() +
                     "\nevent: message\ndata: ";
  JsonWriter out(text);
  write_item(out, item, areas);
  text += "\n\n";
  return text;
}
std::string recall_event(int64_t id) {
  return "event: recall\ndata: {\"id\":" + std::to_string(id) + "}\n\n";
}

json::object audience_json(const notify::Audience& a, const areas::AreaDirectory& areas) {
  json::object o{{"national", a.national}, {"filter", notify::filter_name(a.filter)}};
  json::array p, w;
  for (const auto& c : a.provinces)
    p.push_back(json::object{{"code", c}, {"name", area_name(areas, c)}});
  for (const auto& c : a.wards)
    w.push_back(json::object{{"code", c}, {"name", area_name(areas, c)}});
  o["provinces"] = std::move(p);
  o["wards"] = std::move(w);
  return o;
}

// A broadcast as `viewer` sees it: with what they may do to it.
json::object broadcast_json(const notify::Broadcast& b, const areas::AreaDirectory& areas,
                            const accounts::User& viewer) {
  const auto& d = b.deliveries;
  return json::object{
      {"id", b.id},
      {"kind", b.kind},
      {"title", b.title},
      {"body", b.body},
      {"link", json_text(b.link)},
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
      {"recall_reason", json_text(b.recall_reason)},
      {"deliveries", json::object{{"queued", d.queued},
                                  {"sent", d.sent},
                                  {"failed", d.failed},
                                  {"cancelled", d.cancelled}}},
      {"reads", b.reads},
      {"approved_by", opt_id(b.approved_by)},
      {"recalled_by", opt_id(b.recalled_by)},
      {"may_approve", b.status == "pending_approval" && notify::may_approve(viewer, b, areas).ok()},
      {"may_recall", b.status != "recalled" && notify::may_recall(viewer, b, areas).ok()}};
}

json::object preview_json(App& app, const notify::Audience& audience,
                          const notify::AudienceCounter::Count& count) {
  json::array areas;
  for (const auto& [code, n] : count.by_area) {
    areas.push_back(
        json::object{{"code", code}, {"name", area_name(app.areas(), code)}, {"people", n}});
  }
  const auto& policy = app.config().broadcasts;
  return json::object{{"people", count.total},
                      {"areas", std::move(areas)},
                      {"needs_approval", notify::needs_approval(policy, audience, count.total)},
                      {"approval_threshold", policy.approval_threshold}};
}

// ---- requests ----

Result<std::vector<std::string>> string_list(const json::object& o, std::string_view key,
                                             std::string_view field) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return out;
  if (!v->is_array())
    return invalid(std::string(field), "wrong_type", std::string(field) + " must be an array");
  if (v->as_array().size() > 500)
    return invalid(std::string(field), "too_long", "at most 500 areas");
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
      return invalid("audience." + std::string(k), "unknown_field",
                     "unknown field audience." + std::string(k));
    }
  }
  notify::Audience a;
  if (const auto* n = o.if_contains("national"); n && !n->is_null()) {
    if (!n->is_bool())
      return invalid("audience.national", "wrong_type", "audience.national must be true or false");
    a.national = n->as_bool();
  }
  KB_ASSIGN(a.provinces, string_list(o, "provinces", "audience.provinces"));
  KB_ASSIGN(a.wards, string_list(o, "wards", "audience.wards"));
  if (const auto* f = o.if_contains("filter"); f && !f->is_null()) {
    if (!f->is_string())
      return invalid("audience.filter", "wrong_type", "audience.filter must be a string");
    KB_ASSIGN(a.filter, notify::parse_filter(std::string_view(f->as_string())));
  }
  return notify::check_audience(std::move(a), app.areas(), *user.jurisdiction);
}

// The audience alone: the form may send the whole draft, the preview looks only at the audience.
Result<notify::Audience> parse_preview(App& app, const Request& req, const accounts::User& user) {
  KB_ASSIGN(JsonBody body, json_body(req));
  KB_ASSIGN(notify::Audience audience, parse_audience(app, body, user));
  for (const char* k : {"kind", "title", "body", "link", "expires_at"}) (void)body.raw(k);
  KB_TRY(body.no_unknown_fields());
  return audience;
}

Result<int64_t> parse_expiry(JsonBody& body, int64_t now) {
  KB_ASSIGN(auto raw, body.optional_string("expires_at", 40));
  if (!raw) return int64_t{0};
  auto t = parse_rfc3339(*raw);
  if (!t) return invalid("expires_at", "invalid_time", "expires_at must be an RFC 3339 time");
  if (*t <= now) return invalid("expires_at", "expired", "expires_at is in the past");
  return *t;
}

Result<notify::NewBroadcast> parse_broadcast(App& app, const Request& req,
                                             const accounts::User& user) {
  KB_ASSIGN(JsonBody body, json_body(req));
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

Result<std::vector<int64_t>> parse_people(JsonBody& body) {
  const json::value* raw = body.raw("person_ids");
  if (!raw || !raw->is_array() || raw->as_array().empty()) {
    return invalid("person_ids", "missing_field", "person_ids must list at least one person");
  }
  const auto& list = raw->as_array();
  if (list.size() > 1000)
    return invalid("person_ids", "too_long", "at most 1000 people in one request");
  std::vector<int64_t> people;
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_int64() || list[i].as_int64() <= 0) {
      return invalid("person_ids[" + std::to_string(i) + "]", "wrong_type",
                     "person ids are positive integers");
    }
    if (std::find(people.begin(), people.end(), list[i].as_int64()) == people.end())
      people.push_back(list[i].as_int64());
  }
  return people;
}

// A message to listed people, and the key that makes sending it again harmless.
struct Letter {
  std::vector<int64_t> people;
  notify::PersonalMessage message;
  std::string request_key;
};
Result<Letter> parse_letter(const Request& req, int64_t now) {
  KB_ASSIGN(JsonBody body, json_body(req));
  Letter l;
  KB_ASSIGN(l.people, parse_people(body));
  l.message.kind = notify::Kind::kInfo;
  KB_ASSIGN(auto kind, body.optional_string("kind", 20));
  if (kind) {
    KB_ASSIGN(l.message.kind, notify::parse_kind(*kind));
  }
  KB_ASSIGN(l.message.title, body.required_string("title", notify::kMaxTitleBytes));
  KB_ASSIGN(l.message.body, body.required_string("body", notify::kMaxBodyBytes));
  KB_ASSIGN(auto link, body.optional_string("link", notify::kMaxLinkBytes));
  l.message.link = link.value_or("");
  KB_ASSIGN(l.message.expires_at, parse_expiry(body, now));
  KB_ASSIGN(auto request_id, body.optional_string("request_id", 100));
  KB_TRY(body.no_unknown_fields());
  l.request_key = request_id.value_or(random_token(12));
  return l;
}

Result<std::string> parse_recall_reason(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  KB_ASSIGN(std::string reason, body.required_string("reason", 500));
  KB_TRY(body.no_unknown_fields());
  return reason;
}

// A body that may be absent, and holds nothing when present.
Status no_body(const Request& req) {
  if (req.body.empty()) return {};
  KB_ASSIGN(JsonBody body, json_body(req));
  return body.no_unknown_fields();
}

Result<notify::InboxQuery> parse_inbox_query(const Request& req, const accounts::User& user) {
  notify::InboxQuery q;
  q.account_id = user.id;
  KB_ASSIGN(int64_t limit, int_param(req, "limit", 1, 100, 20));
  q.limit = static_cast<int>(limit);
  KB_ASSIGN(q.person_id, int_param(req, "person_id", 1, INT64_MAX, 0));
  if (auto cursor = req.query_param("cursor"); cursor && !cursor->empty()) {
    KB_ASSIGN(q.before, notify::InboxCursor::decode(*cursor));
  }
  return q;
}

// Where a live stream resumes: Last-Event-ID, else ?after=, else nowhere (from now on).
Result<std::optional<notify::InboxCursor>> parse_resume(const Request& req) {
  std::string resume = req.last_event_id;
  if (resume.empty()) resume = req.query_param("after").value_or("");
  if (resume.empty()) return std::optional<notify::InboxCursor>();
  auto c = notify::InboxCursor::decode(resume);
  if (!c.ok()) {
    Error e = c.error();
    e.field = req.last_event_id.empty() ? "after" : "Last-Event-ID";
    return e;
  }
  return std::optional<notify::InboxCursor>(*c);
}

// ---- citizen: inbox ----

awaitable<Result<Response>> get_inbox(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(notify::InboxQuery q, parse_inbox_query(req, user));
  KB_CO_ASSIGN(auto page, app.db().read([&](store::Connection& c) {
    return notify::read_inbox(c, q, app.now());
  }));
  Response res;
  res.status = 200;
  res.body.reserve(600 * page.items.size() + 100);
  JsonWriter out(res.body);
  out.begin_object().key("items").begin_array();
  for (const auto& i : page.items) write_item(out, i, app.areas());
  out.end_array().member("unread", page.unread).key("next_cursor");
  page.next ? out.value(page.next->encode()) : out.null();
  out.end_object();
  co_return res;
}

awaitable<Result<Response>> mark_read(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  auto job = [account = user.id, id, now = app.now()](store::Connection& c) {
    return notify::mark_read(c, account, id, now);
  };
  KB_CO_TRY(co_await app.write(job));
  co_return Response::no_content();
}

awaitable<Result<Response>> mark_all_read(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req, access::citizen));
  auto job = [account = user.id, now = app.now()](store::Connection& c) {
    return notify::mark_all_read(c, account, now);
  };
  KB_CO_ASSIGN(int64_t marked, co_await app.write(job));
  co_return Response::json(200, json::object{{"marked", marked}});
}

// The live inbox: `message` events (id = the item's cursor, data = the item), `recall` events
// (data {id}) and heartbeat comments (the server's). Resumes after a cursor; without one it
// starts with what is published from now on. Once open it reads the database only when the hub
// says its inbox changed without telling how (a personal message, a filtered broadcast, a missed
// notification); a broadcast or a recall the hub hands over is sent as it is. An idle stream
// does nothing at all.
class InboxStream final : public LiveBody {
 public:
  InboxStream(App& app, int64_t account_id, std::optional<notify::InboxCursor> after)
      : app_(app),
        account_id_(account_id),
        since_(after ? after->published_at : app.now()),
        recalls_since_(app.now() - kStreamOverlapSeconds) {
    if (after) remember(after->id);
  }

  // ": connected" is sent once the stream is subscribed, so that a client that has seen it
  // misses nothing published after; an event the hub hands over before that follows it.
  void start(Outlet& out) override {
    out_ = &out;
    auto keys =
        app_.db().read([&](store::Connection& c) { return notify::inbox_keys(c, account_id_); });
    if (!keys.ok()) return out.close();
    subscription_ = app_.inbox_hub().subscribe(
        keys->people, keys->areas, [this](const notify::SharedEvent& e) { receive(e); });
    {
      std::lock_guard lock(mu_);
      if (!out.send(std::string("retry: 3000\n: connected\n\n"))) return;
      connected_ = true;
      for (const auto& event : held_)
        if (!out.send(Outlet::Text(event, &event->text))) return;
      held_.clear();
    }
    read_while_told();  // what came since the cursor, and anything told meanwhile
  }

  void stop() override { subscription_.reset(); }

 private:
  // Called by the hub on any thread, with the hub's lock held: never reads the database here.
  void receive(const notify::SharedEvent& event) {
    if (!event) return read_soon();
    std::lock_guard lock(mu_);
    if (!fresh(*event)) return;
    if (!connected_) return held_.push_back(event);
    // Everything before this event was told too: a later read need not look far back.
    if (!reading_) caught_up(app_.now());
    out_->send(Outlet::Text(event, &event->text));
  }

  // Reads the inbox on a server thread; a stream that is reading reads once more afterwards.
  void read_soon() {
    {
      std::lock_guard lock(mu_);
      if (reading_) {
        read_again_ = true;
        return;
      }
      reading_ = true;
    }
    out_->post([this] { read_while_told(); });
  }

  void read_while_told() {
    for (;;) {
      read_news();
      std::lock_guard lock(mu_);
      if (!read_again_) {
        reading_ = false;
        return;
      }
      read_again_ = false;
    }
  }

  // Sends the messages published since `since_` and the recalls since `recalls_since_` that were
  // not sent yet. One reader at a time (reading_): the reader alone moves the two marks meanwhile.
  void read_news() {
    int64_t now = app_.now();
    auto recalled = app_.db().read(
        [&](store::Connection& c) { return notify::recalled_since(c, recalls_since_); });
    for (bool more = true; more;) {
      auto fresh = app_.db().read([&](store::Connection& c) {
        return notify::published_since(c, account_id_, since_, now, kStreamBatch);
      });
      std::string out;
      std::lock_guard lock(mu_);
      more = fresh.ok() && fresh->size() == static_cast<size_t>(kStreamBatch);
      if (fresh.ok()) {
        for (const auto& item : *fresh) {
          if (seen(item.id)) continue;
          remember(item.id);
          out += message_event(item, app_.areas());
        }
      }
      if (recalled.ok()) {
        for (int64_t id : *recalled) {
          if (note_recall(id)) out += recall_event(id);
        }
        recalled->clear();
      }
      if (more) {
        since_ = fresh->back().published_at;
      } else if (fresh.ok()) {
        caught_up(now);
      }
      if (!out.empty() && !out_->send(std::move(out))) return;
    }
  }

  // Everything published or recalled before `now` has been sent, but for writes that commit
  // late (another process, group commit): the next read looks a few seconds back. mu_ held.
  void caught_up(int64_t now) {
    since_ = std::max(since_, now - kStreamOverlapSeconds);
    recalls_since_ = std::max(recalls_since_, now - kStreamOverlapSeconds);
  }

  // Whether an event from the hub is news to this stream (each message and recall once, also
  // when the database read found it first). mu_ held.
  bool fresh(const notify::StreamEvent& e) {
    if (e.kind == notify::StreamEvent::Kind::kRecall) return note_recall(e.message_id);
    if (seen(e.message_id)) return false;
    remember(e.message_id);
    return true;
  }

  bool note_recall(int64_t id) {
    if (std::find(recalls_.begin(), recalls_.end(), id) != recalls_.end()) return false;
    recalls_.push_back(id);
    if (recalls_.size() > 256) recalls_.erase(recalls_.begin());
    return true;
  }
  bool seen(int64_t id) const { return std::find(sent_.begin(), sent_.end(), id) != sent_.end(); }
  void remember(int64_t id) {
    sent_.push_back(id);
    if (sent_.size() > 512) sent_.erase(sent_.begin(), sent_.begin() + 256);
  }

  App& app_;
  int64_t account_id_;
  Outlet* out_ = nullptr;
  std::unique_ptr<notify::InboxHub::Subscription> subscription_;
  std::mutex mu_;
  int64_t since_;                          // guarded by mu_; the reader's alone while reading_
  int64_t recalls_since_;                  // guarded by mu_; the reader's alone while reading_
  std::vector<int64_t> sent_;              // guarded by mu_
  std::vector<int64_t> recalls_;           // guarded by mu_
  bool reading_ = true;                    // guarded by mu_: start() reads first
  bool read_again_ = false;                // guarded by mu_
  bool connected_ = false;                 // guarded by mu_: ": connected" sent
  std::vector<notify::SharedEvent> held_;  // guarded by mu_: told before ": connected"
};

awaitable<Result<Response>> inbox_stream(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(auto after, parse_resume(req));
  Response res;
  res.content_type = "text/event-stream";
  res.headers.emplace_back("Cache-Control", "no-cache");
  res.headers.emplace_back("X-Accel-Buffering", "no");
  res.live = std::make_shared<InboxStream>(app, user.id, after);
  co_return res;
}

// ---- officials: broadcasts ----

// How many people an audience holds. Big areas' head-counts come from the background census,
// so neither a preview nor an accept ever counts a province.
Result<notify::AudienceCounter::Count> count_audience(App& app, const notify::Audience& audience) {
  return app.db().read([&](store::Connection& c) {
    return app.audience_counter().count(c, app.areas(), audience, app.now());
  });
}

// Hands the broadcast to the streams of the audience and wakes the delivery worker, once it
// is out.
void after_publish(App& app, const notify::Broadcast& b) {
  if (b.status == "pending_approval") return;
  fan_out_broadcast(app, b);
  app.poke_deliveries();
}

awaitable<Result<Response>> preview_broadcast(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req, access::official));
  KB_CO_ASSIGN(notify::Audience audience, parse_preview(app, req, user));
  KB_CO_ASSIGN(auto count, count_audience(app, audience));
  co_return Response::json(200, preview_json(app, audience, count));
}

awaitable<Result<Response>> create_broadcast(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req, access::official));
  KB_CO_ASSIGN(notify::NewBroadcast b, parse_broadcast(app, req, user));
  KB_CO_ASSIGN(auto count, count_audience(app, b.audience));
  b.audience_size = count.total;
  auto job = [policy = app.config().broadcasts, user, b, now = app.now()](store::Connection& c) {
    return notify::create_broadcast(c, policy, user, b, now);
  };
  KB_CO_ASSIGN(auto created, co_await app.write(job));
  after_publish(app, created);
  co_return Response::json(201, broadcast_json(created, app.areas(), user));
}

awaitable<Result<Response>> list_broadcasts(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t limit, int_param(req, "limit", 1, 100, 50));
  KB_CO_ASSIGN(auto list, app.db().read([&](store::Connection& c) {
    return notify::list_broadcasts(c, app.areas(), user, static_cast<int>(limit));
  }));
  json::array a;
  for (const auto& b : list) a.push_back(broadcast_json(b, app.areas(), user));
  co_return Response::json(200, json::object{{"broadcasts", std::move(a)}});
}

awaitable<Result<Response>> get_broadcast(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_ASSIGN(auto b, app.db().read([&](store::Connection& c) {
    return notify::visible_broadcast(c, app.areas(), user, id);
  }));
  co_return Response::json(200, broadcast_json(b, app.areas(), user));
}

awaitable<Result<Response>> approve_broadcast(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_TRY(no_body(req));
  auto job = [&areas = app.areas(), user, id, now = app.now()](store::Connection& c) {
    return notify::approve_broadcast(c, areas, user, id, now);
  };
  KB_CO_ASSIGN(auto approved, co_await app.write(job));
  after_publish(app, approved);
  co_return Response::json(200, broadcast_json(approved, app.areas(), user));
}

awaitable<Result<Response>> recall_broadcast(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req, access::official));
  KB_CO_ASSIGN(int64_t id, path_id(req));
  KB_CO_ASSIGN(std::string reason, parse_recall_reason(req));
  auto job = [&areas = app.areas(), user, id, reason, now = app.now()](store::Connection& c) {
    return notify::recall_broadcast(c, areas, user, id, reason, now);
  };
  KB_CO_ASSIGN(auto recalled, co_await app.write(job));
  fan_out_recall(app, recalled.id, recalled.audience.area_codes());
  co_return Response::json(200, broadcast_json(recalled, app.areas(), user));
}

// ---- officials: messages to listed people ----

awaitable<Result<Response>> send_messages(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req, access::official));
  KB_CO_ASSIGN(Letter letter, parse_letter(req, app.now()));
  auto job = [user, letter, now = app.now()](store::Connection& c) {
    return notify::send_to_people(c, user, letter.people, letter.message, letter.request_key, now);
  };
  KB_CO_ASSIGN(auto sent, co_await app.write(job));
  app.inbox_hub().notify_people(letter.people);
  app.poke_deliveries();
  json::array out;
  for (size_t i = 0; i < letter.people.size(); ++i) {
    out.push_back(json::object{
        {"person_id", letter.people[i]}, {"id", sent[i].id}, {"created", sent[i].created}});
  }
  co_return Response::json(201, json::object{{"messages", std::move(out)}});
}

}  // namespace

void fan_out_broadcast(App& app, const notify::Broadcast& b) {
  notify::Wake covering{{}, b.audience.area_codes(), false};
  if (b.status != "sent" || b.audience.filter != notify::Filter::kEveryone) {
    // Who a filtered broadcast covers depends on each person's state: each stream reads.
    app.inbox_hub().notify(covering);
    return;
  }
  auto event = std::make_shared<notify::StreamEvent>();
  event->message_id = b.id;
  event->text = message_event(notify::inbox_item(b), app.areas());
  app.inbox_hub().deliver(covering, event);
}

void fan_out_recall(App& app, int64_t id, const std::vector<std::string>& areas) {
  auto event = std::make_shared<notify::StreamEvent>();
  event->kind = notify::StreamEvent::Kind::kRecall;
  event->message_id = id;
  event->text = recall_event(id);
  app.inbox_hub().deliver(notify::Wake{{}, areas, false}, event);
}

void register_notify_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kGet, "/api/v1/me/inbox", [&app](Request& req) { return get_inbox(app, req); },
      "the signed-in citizen's inbox, newest first (cursor pagination, unread count)");
  r.add(
      Method::kGet, "/api/v1/me/inbox/stream",
      [&app](Request& req) { return inbox_stream(app, req); },
      "new inbox messages as Server-Sent Events (Last-Event-ID resume, heartbeats)");
  r.add(
      Method::kPost, "/api/v1/me/inbox/read-all",
      [&app](Request& req) { return mark_all_read(app, req); }, "mark every inbox message read");
  r.add(
      Method::kPost, "/api/v1/me/inbox/{id}/read",
      [&app](Request& req) { return mark_read(app, req); }, "mark one inbox message read");
  r.add(
      Method::kPost, "/api/v1/broadcasts/preview",
      [&app](Request& req) { return preview_broadcast(app, req); },
      "how many people an audience covers, and whether a second official must approve");
  r.add(
      Method::kPost, "/api/v1/broadcasts",
      [&app](Request& req) { return create_broadcast(app, req); },
      "broadcast a message to an area (officials)");
  r.add(
      Method::kGet, "/api/v1/broadcasts",
      [&app](Request& req) { return list_broadcasts(app, req); },
      "recent broadcasts in the official's jurisdiction, with delivery figures and what they may "
      "do");
  r.add(
      Method::kGet, "/api/v1/broadcasts/{id}",
      [&app](Request& req) { return get_broadcast(app, req); },
      "one broadcast with its delivery figures");
  r.add(
      Method::kPost, "/api/v1/broadcasts/{id}/approve",
      [&app](Request& req) { return approve_broadcast(app, req); },
      "an official of the sender's level or above releases a broadcast waiting for approval");
  r.add(
      Method::kPost, "/api/v1/broadcasts/{id}/recall",
      [&app](Request& req) { return recall_broadcast(app, req); },
      "the sender or a level above recalls a broadcast: it leaves inboxes, pending deliveries stop "
      "(audited)");
  r.add(
      Method::kPost, "/api/v1/messages", [&app](Request& req) { return send_messages(app, req); },
      "send a message to listed people inside the official's jurisdiction");
}

}  // namespace kb::http
