// Public QR verification and the public keys that let anyone verify offline.
#include "http/app.h"
#include "http/handler_util.h"
#include "people/person.h"
#include "qr/personal_qr.h"
#include "qr/signing_keys.h"
#include "qr/token.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

struct Verified {
  qr::PersonalQrCheck check;
  std::optional<people::Person> person;
};

awaitable<Response> verify(App& app, Request& req) {
  auto body = json_body(req);
  if (!body.ok()) co_return Response::error(body.error());
  auto payload = body->required_string("payload", 2000);
  if (!payload.ok()) co_return Response::error(payload.error());
  if (auto st = body->no_unknown_fields(); !st.ok()) co_return Response::error(st.error());
  int64_t now = app.now();
  auto verified = app.db().read([&](store::Connection& c) -> Result<Verified> {
    Verified v;
    KB_ASSIGN(v.check, qr::check_personal_qr(c, *payload, now));
    if (v.check.person_id != 0) {
      KB_ASSIGN(v.person, people::find(c, v.check.person_id));
    }
    return v;
  });
  if (!verified.ok()) co_return Response::error(verified.error());
  const auto& ch = verified->check;
  json::object o{{"verdict", qr::verdict_name(ch.verdict)},
                 {"valid", ch.verdict == qr::Verdict::kValid},
                 {"checked_at", format_rfc3339(now)}};
  if (ch.verdict != qr::Verdict::kForged && ch.verdict != qr::Verdict::kMalformed) {
    o["person_id"] = ch.person_id;
    o["colour"] = ch.colour;
    o["issued_at"] = format_rfc3339(ch.issued_at);
    o["expires_at"] = format_rfc3339(ch.expires_at);
    o["key_id"] = ch.key_id;
    const auto& p = verified->person;
    o["masked_name"] = p ? json::value(people::mask_name(p->full_name)) : json::value(nullptr);
    o["birth_year"] = p && p->birth_date.size() >= 4 ? json::value(std::stoi(p->birth_date.substr(0, 4)))
                                                     : json::value(nullptr);
  }
  co_return Response::json(200, o);
}

awaitable<Response> keys(App& app, Request&) {
  auto list = app.db().read([&](store::Connection& c) { return qr::public_keys(c, app.now()); });
  if (!list.ok()) co_return Response::error(list.error());
  json::array a;
  for (const auto& k : *list) {
    json::object o{{"key_id", k.key_id},
                   {"algorithm", "Ed25519"},
                   {"public_key", qr::base64url_encode(k.public_key)},
                   {"created_at", format_rfc3339(k.created_at)}};
    o["retired_at"] = k.retired_at ? json::value(format_rfc3339(*k.retired_at)) : json::value(nullptr);
    o["not_after"] = k.not_after ? json::value(format_rfc3339(*k.not_after)) : json::value(nullptr);
    a.push_back(std::move(o));
  }
  Response res = Response::json(200, json::object{{"keys", std::move(a)},
                                                  {"token_prefix", qr::kPersonalQrPrefix},
                                                  {"token_ttl_seconds", qr::kPersonalQrTtlSeconds}});
  res.headers.emplace_back("Cache-Control", "public, max-age=300");
  co_return res;
}

}  // namespace

void register_qr_routes(App& app) {
  auto& r = app.router();
  r.add(Method::kPost, "/api/v1/qr/verify", [&app](Request& req) { return verify(app, req); },
        "verify a personal QR online: valid, expired, revoked, forged or malformed");
  r.add(Method::kGet, "/api/v1/keys", [&app](Request& req) { return keys(app, req); },
        "public Ed25519 keys that verify personal QR codes offline");
}

}  // namespace kb::http
