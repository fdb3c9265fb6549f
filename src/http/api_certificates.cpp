// EU Digital COVID Certificates: verifying one, ours or a foreign one, from its QR text.
#include <openssl/evp.h>

#include "certificates/dcc_signers.h"
#include "certificates/verifier.h"
#include "http/app.h"
#include "http/handler_util.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

// The longest QR text: version 40 at level Q holds 1,852 alphanumeric characters.
constexpr size_t kMaxPayload = 4096;

struct VerifyInput {
  std::string payload;
  int64_t at = 0;
};

Result<VerifyInput> parse_verify(const Request& req, int64_t now) {
  KB_ASSIGN(JsonBody body, json_body(req));
  VerifyInput in;
  KB_ASSIGN(in.payload, body.required_string("payload", kMaxPayload));
  KB_ASSIGN(auto at, body.optional_string("at", 64));
  KB_TRY(body.no_unknown_fields());
  in.at = now;
  if (at) {
    auto parsed = parse_rfc3339(*at);
    if (!parsed)
      return invalid("at", "invalid_time",
                     "at must be an RFC 3339 time, e.g. 2021-06-01T08:00:00+07:00");
    in.at = *parsed;
  }
  return in;
}

std::string_view algorithm_name(std::optional<int64_t> alg) {
  if (alg == certificates::kAlgEs256) return "ES256";
  if (alg == certificates::kAlgPs256) return "PS256";
  return "";
}

std::string base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

json::object verification_json(const certificates::Verification& v, int64_t at) {
  json::object o{{"status", certificates::status_name(v.status)},
                 {"reason", json_text(v.reason)},
                 {"checked_at", format_rfc3339(at)}};
  if (v.kid) o["kid"] = base64(*v.kid);
  if (v.algorithm) o["algorithm"] = json_text(std::string(algorithm_name(v.algorithm)));
  if (v.issued_at != 0 || v.expires_at != 0) {
    o["issuer_country"] = json_text(v.issuer_country);
    o["issued_at"] = format_rfc3339(v.issued_at);
    o["expires_at"] = format_rfc3339(v.expires_at);
  }
  if (!v.certificate) return o;
  // The signature holds: what the certificate says, as it says it.
  const auto& read = *v.certificate;
  const auto& c = read.certificate;
  o["signer"] = json_text(v.signer_subject.value_or(""));
  o["schema_version"] = c.version;
  o["holder"] = json::object{{"family_name", c.name.fn},
                             {"family_name_transliterated", c.name.fnt},
                             {"given_name", c.name.gn},
                             {"given_name_transliterated", c.name.gnt},
                             {"date_of_birth", c.dob}};
  auto kind = c.kind();
  o["kind"] = kind ? json::value(certificates::kind_name(*kind)) : json::value(nullptr);
  json::object hcert = certificates::health_certificate_json(c);
  json::array entries;
  for (auto k : {certificates::CertificateKind::kVaccination, certificates::CertificateKind::kTest,
                 certificates::CertificateKind::kRecovery}) {
    auto it = hcert.find(certificates::kind_key(k));
    if (it == hcert.end()) continue;
    for (auto& e : it->value().as_array()) {
      json::object entry = e.as_object();
      entry["kind"] = certificates::kind_name(k);
      entries.push_back(std::move(entry));
    }
  }
  o["entries"] = std::move(entries);
  json::array problems;
  for (const auto& p : read.problems)
    problems.push_back(json::object{{"path", p.path}, {"code", p.code}});
  o["problems"] = std::move(problems);
  json::array unknown;
  for (const auto& u : read.unknown_codes) {
    unknown.push_back(json::object{{"path", u.path}, {"value_set", u.value_set}, {"code", u.code}});
  }
  o["unknown_codes"] = std::move(unknown);
  return o;
}

awaitable<Result<Response>> verify_certificate(App& app, Request& req) {
  KB_CO_ASSIGN(VerifyInput in, parse_verify(req, app.now()));
  // Our own signers, from the database, beside the foreign ones given at start.
  KB_CO_ASSIGN(auto ours, app.db().read([&](store::Connection& c) {
    return certificates::dcc_signer_certificates(c);
  }));
  certificates::TrustList trust(std::move(ours));
  trust.add_all(app.foreign_dcc_signers());
  certificates::Verification v = certificates::verify(in.payload, in.at, trust);
  co_return Response::json(200, verification_json(v, in.at));
}

}  // namespace

void register_certificate_routes(App& app) {
  app.router().add(
      Method::kPost, "/api/v1/certificates/verify",
      [&app](Request& req) { return verify_certificate(app, req); },
      "verify an EU Digital COVID Certificate (HC1:) at a time: valid, expired, not_yet_valid, "
      "invalid_signature, unknown_signer or malformed");
}

}  // namespace kb::http
