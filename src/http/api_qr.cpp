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

Result<Verified> verify_payload(store::Connection& c, std::string_view payload, int64_t now) {
  Verified v;
  KB_ASSIGN(v.check, qr::check_personal_qr(c, payload, now));
  if (v.check.person_id != 0) {
    KB_ASSIGN(v.person, people::find(c, v.check.person_id));
  }
  return v;
}

// A verdict says why a code is not accepted: expired (when), revoked (when, and whether its
// holder's colour changed or the holder revoked it), forged or malformed. The person is shown
// only by initials and birth year.
json::object verdict_json(const Verified& v, int64_t now) {
  const qr::PersonalQrCheck& ch = v.check;
  json::object o{{"verdict", qr::verdict_name(ch.verdict)},
                 {"valid", ch.verdict == qr::Verdict::kValid},
                 {"checked_at", format_rfc3339(now)}};
  if (ch.verdict == qr::Verdict::kForged || ch.verdict == qr::Verdict::kMalformed) return o;
  const auto& p = v.person;
  o["person_id"] = ch.person_id;
  o["colour"] = ch.colour;
  o["issued_at"] = format_rfc3339(ch.issued_at);
  o["expires_at"] = format_rfc3339(ch.expires_at);
  o["key_id"] = ch.key_id;
  o["masked_name"] = p ? json::value(people::mask_name(p->full_name)) : json::value(nullptr);
  bool dated = p && p->birth_date.size() >= 4;
  o["birth_year"] =
      dated ? json::value(std::stoi(p->birth_date.substr(0, 4))) : json::value(nullptr);
  o["revoked_at"] = json_time(ch.revoked_at);
  o["revoked_reason"] = ch.revoked_at ? json_text(ch.revoked_reason) : json::value(nullptr);
  return o;
}

json::object key_json(const qr::PublicKey& k) {
  return {{"key_id", k.key_id},
          {"algorithm", "Ed25519"},
          {"public_key", qr::base64url_encode(k.public_key)},
          {"created_at", format_rfc3339(k.created_at)},
          {"retired_at", json_time(k.retired_at)},
          {"not_after", json_time(k.not_after)}};
}

Result<std::string> parse_payload(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  KB_ASSIGN(std::string payload, body.required_string("payload", 2000));
  KB_TRY(body.no_unknown_fields());
  return payload;
}

awaitable<Result<Response>> verify(App& app, Request& req) {
  KB_CO_ASSIGN(std::string payload, parse_payload(req));
  int64_t now = app.now();
  KB_CO_ASSIGN(Verified verified, app.db().read([&](store::Connection& c) {
    return verify_payload(c, payload, now);
  }));
  co_return Response::json(200, verdict_json(verified, now));
}

awaitable<Result<Response>> keys(App& app) {
  KB_CO_ASSIGN(auto list,
               app.db().read([&](store::Connection& c) { return qr::public_keys(c, app.now()); }));
  json::array a;
  for (const auto& k : list) a.push_back(key_json(k));
  Response res =
      Response::json(200, json::object{{"keys", std::move(a)},
                                       {"token_prefix", qr::kPersonalQrPrefix},
                                       {"token_ttl_seconds", qr::kPersonalQrTtlSeconds}});
  res.headers.emplace_back("Cache-Control", "public, max-age=300");
  co_return res;
}

}  // namespace

void register_qr_routes(App& app) {
  auto& r = app.router();
  r.add(
      Method::kPost, "/api/v1/qr/verify", [&app](Request& req) { return verify(app, req); },
      "verify a personal QR online: valid, expired, revoked, forged or malformed");
  r.add(
      Method::kGet, "/api/v1/keys", [&app](Request&) { return keys(app); },
      "public Ed25519 keys that verify personal QR codes offline");
}

}  // namespace kb::http
