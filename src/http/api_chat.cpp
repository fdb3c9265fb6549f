// The chat official account's webhook (chat/): POST /api/v1/chat/zalo/events takes the
// platform's signed events; GET /api/v1/chat/qr.png serves the personal QR image a reply links
// to (signed, short-lived address: the platform fetches it).
#include <spdlog/spdlog.h>

#include "access/policy.h"
#include "certificates/dcc_qr.h"
#include "chat/conversation.h"
#include "chat/zalo_oa.h"
#include "http/app.h"
#include "http/handler_util.h"
#include "notify/preferences.h"

namespace kb::http {
namespace {

using boost::asio::awaitable;
namespace json = boost::json;

// Refused before anything is written: unsigned, wrongly signed, stale, unknown, oversized and
// replayed events, and events from someone who never followed.
awaitable<Result<Response>> zalo_event(App& app, Request& req) {
  const chat::ZaloConfig& zalo = app.config().zalo;
  if (!zalo.enabled())
    co_return make_error(ErrorKind::kNotFound, "chat_not_configured", "no chat account is set up");
  KB_CO_ASSIGN(chat::ChatEvent event,
               chat::read_zalo_event(zalo, req.body, req.chat_signature, app.now()));
  auto take = [&app, event, now = app.now()](store::Connection& c) {
    return chat::take_chat_event(c, app.zalo_conversation(), event, now);
  };
  KB_CO_ASSIGN(chat::Turn turn, co_await app.write(take));
  for (int64_t code : turn.codes) {
    if (auto sent = app.urgent_texts().attempt(code); !sent.ok())
      spdlog::warn("a chat sign-in code's first attempt failed (it will be retried): {}",
                   sent.error().message);
  }
  app.poke_deliveries();
  co_return Response::json(200, json::object{{"replies", turn.replies.size()}});
}

awaitable<Result<Response>> qr_image(App& app, Request& req) {
  std::string code = req.query_param("code").value_or("");
  std::string sig = req.query_param("sig").value_or("");
  KB_CO_ASSIGN(int64_t expires, int_param(req, "exp", 0, INT64_MAX / 2, 0));
  if (!chat::qr_image_signature_ok(app.secrets(), code, expires, sig, app.now()))
    co_return make_error(ErrorKind::kNotFound, "not_found", "no such image");
  KB_CO_ASSIGN(std::string png, certificates::dcc_qr_png(code, 8));
  Response res{.status = 200, .content_type = "image/png", .body = std::move(png)};
  res.headers.emplace_back("Cache-Control", "private, max-age=300");
  co_return res;
}

json::object choice_json(const notify::ChannelChoice& choice) {
  json::array channels;
  for (const auto& ch : choice.channels) channels.emplace_back(ch);
  return json::object{{"channels", std::move(channels)}, {"chat_linked", choice.chat_linked}};
}

awaitable<Result<Response>> get_channels(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req, access::citizen));
  auto read = [id = user.id](store::Connection& c) { return notify::preferred_channels(c, id); };
  KB_CO_ASSIGN(auto choice, app.db().read(read));
  co_return Response::json(200, choice_json(choice));
}

Result<std::vector<std::string>> parse_channels(const Request& req) {
  KB_ASSIGN(JsonBody body, json_body(req));
  const json::value* list = body.raw("channels");
  if (!list || !list->is_array())
    return invalid("channels", "wrong_type", "channels is a list such as [\"chat\", \"sms\"]");
  std::vector<std::string> out;
  for (size_t i = 0; i < list->as_array().size() && i < 10; ++i) {
    const json::value& v = list->as_array()[i];
    if (!v.is_string())
      return invalid("channels[" + std::to_string(i) + "]", "wrong_type", "a channel's name");
    out.emplace_back(v.as_string());
  }
  KB_TRY(body.no_unknown_fields());
  return out;
}

awaitable<Result<Response>> put_channels(App& app, Request& req) {
  KB_CO_ASSIGN(auto user, signed_in(app, req, access::citizen));
  KB_CO_ASSIGN(auto channels, parse_channels(req));
  auto save = [id = user.id, channels](store::Connection& c) -> Result<notify::ChannelChoice> {
    KB_TRY(notify::set_preferred_channels(c, id, channels));
    return notify::preferred_channels(c, id);
  };
  KB_CO_ASSIGN(auto choice, co_await app.write(save));
  co_return Response::json(200, choice_json(choice));
}

}  // namespace

void register_chat_routes(App& app) {
  app.router().add(
      Method::kGet, "/api/v1/me/channels", [&app](Request& req) { return get_channels(app, req); },
      "the channels a citizen wants notices on (sms, chat), and whether the chat is linked");
  app.router().add(
      Method::kPut, "/api/v1/me/channels", [&app](Request& req) { return put_channels(app, req); },
      "choose the channels for notices");
  app.router().add(
      Method::kPost, "/api/v1/chat/zalo/events",
      [&app](Request& req) { return zalo_event(app, req); },
      "the Zalo official account's webhook (signed events)");
  app.router().add(
      Method::kGet, "/api/v1/chat/qr.png", [&app](Request& req) { return qr_image(app, req); },
      "a personal QR image a chat reply links to (signed address)");
}

}  // namespace kb::http
