#include "chat/conversation.h"

#include <boost/json.hpp>

#include "core/crypto.h"
#include "core/phone.h"
#include "declarations/declaration.h"
#include "notify/delivery.h"
#include "people/person.h"
#include "vaccination/text.h"

namespace kb::chat {
namespace json = boost::json;
namespace {

// States of a conversation (chat_followers.state).
constexpr std::string_view kIdle = "idle";
constexpr std::string_view kPhone = "phone";          // waiting for a phone number
constexpr std::string_view kCode = "code";            // waiting for the code sent to it
constexpr std::string_view kConsent = "consent";      // waiting for yes/no
constexpr std::string_view kPerson = "person";        // who is declaring
constexpr std::string_view kSymptoms = "symptoms";    // which symptoms
constexpr std::string_view kExposures = "exposures";  // which exposures
constexpr std::string_view kConfirm = "confirm";      // send it?

// The words of the symptom and exposure answers, in the order of the declaration's own lists
// (declarations::kSymptoms, kExposures): the buttons and the typed digits name them by number.
constexpr std::string_view kSymptomWords[] = {
    "Sốt", "Ho", "Khó thở", "Đau họng", "Mất vị giác/khứu giác", "Mệt mỏi"};
constexpr std::string_view kExposureWords[] = {"Tiếp xúc ca bệnh (F0)", "Tiếp xúc người nghi nhiễm",
                                               "Đến vùng có dịch"};
static_assert(std::size(kSymptomWords) == std::size(declarations::kSymptoms));
static_assert(std::size(kExposureWords) == std::size(declarations::kExposures));

std::string percent_encoded(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

struct Conversation {
  store::Connection& c;
  const ConversationContext& ctx;
  Follower f;
  int64_t now;
  Turn turn;
  json::object data;  // the answers so far

  Status say(ChatReply reply) {
    KB_ASSIGN(int64_t id, notify::queue_text(c, ctx.channel, f.user_id, reply_json(reply), now,
                                             notify::Lane::kNotice));
    turn.replies.push_back(id);
    return spend_reply(c, ctx.platform, f.user_id);
  }
  Status say(std::string text, std::vector<QuickReply> buttons = {}) {
    return say(ChatReply{.text = std::move(text), .buttons = std::move(buttons)});
  }
  Status go(std::string_view state) {
    f.state = std::string(state);
    return save_state(c, ctx.platform, f.user_id, state, json::serialize(data), now);
  }
  Status menu(std::string lead) {
    KB_TRY(go(kIdle));
    ChatReply reply{
        .text = lead + (lead.empty() ? "" : "\n") +
                "Bạn có thể chọn: Khai báo y tế, Mã QR, Lịch sử khai báo. Gõ \"hủy\" "
                "để dừng bất cứ lúc nào.",
        .buttons = {{"Khai báo y tế", "khai báo lại"}, {"Mã QR", "mã QR"}, {"Lịch sử", "lịch sử"}},
        .link_url = ctx.public_base_url + "/declare",
        .link_title = "Khai báo trên web"};
    return say(std::move(reply));
  }
  Status ask_phone(std::string lead) {
    KB_TRY(go(kPhone));
    return say(lead +
               "Để khai báo y tế qua Zalo, hãy gửi số điện thoại di động của bạn (ví dụ "
               "0912345678). Chúng tôi sẽ gửi mã xác nhận qua SMS.");
  }
  Status ask_consent() {
    KB_TRY(go(kConsent));
    return say(
        "Bạn có đồng ý để thông tin sức khỏe (tờ khai, màu sức khỏe, thông báo truy vết) được "
        "gửi qua Zalo không? Bạn có thể rút lại bằng cách bỏ quan tâm tài khoản này.",
        {{"Đồng ý", "đồng ý"}, {"Không đồng ý", "không đồng ý"}});
  }

  // ---- steps ----

  Status phone_given(std::string_view text) {
    auto phone = normalize_mobile(text);
    if (!phone.ok()) return ask_phone("Số điện thoại chưa đúng (cần số di động Việt Nam). ");
    auto queued = accounts::queue_otp(c, ctx.auth, ctx.secrets, *phone, "chat:" + f.user_id, now);
    if (!queued.ok())
      return say("Chưa gửi được mã lúc này (" + queued.error().message +
                 "). Bạn hãy thử lại sau ít phút.");
    turn.codes.push_back(queued->delivery_id);
    data = json::object{{"phone", *phone}};
    KB_TRY(go(kCode));
    return say("Mã xác nhận 6 số đã được gửi tới " + mask_phone(*phone) +
               ". Hãy gửi mã đó vào đây. Gõ \"hủy\" để nhập số khác.");
  }

  Status code_given(std::string_view text) {
    std::string phone = data.contains("phone") ? std::string(data["phone"].as_string()) : "";
    KB_ASSIGN(auto checked, accounts::check_otp(c, ctx.auth, ctx.secrets, phone, text, now));
    if (checked.refusal)
      return say("Mã chưa đúng hoặc đã hết hạn. Hãy gửi lại mã, hoặc gõ \"hủy\" để bắt đầu lại.");
    KB_TRY(link_account(c, ctx.platform, f.user_id, checked.session->user.id, phone, now));
    f.account_id = checked.session->user.id;
    f.phone = phone;
    // The account now has its own person record (the web does the same at first sign-in).
    KB_TRY(people::self_of(c, *f.account_id, phone, now));
    data = json::object();
    KB_TRY(say("Đã liên kết số " + mask_phone(phone) + " với Zalo của bạn."));
    return ask_consent();
  }

  Status consent_given(std::string_view cmd) {
    if (cmd == "dong y") {
      KB_TRY(record_consent(c, ctx.platform, f.user_id, true, now));
      f.consent_at = now;
      return menu("Cảm ơn bạn. Bạn đã có thể khai báo y tế qua Zalo.");
    }
    if (cmd == "khong dong y") {
      KB_TRY(go(kIdle));
      return say(ChatReply{
          .text = "Chúng tôi sẽ không gửi thông tin sức khỏe qua Zalo. Bạn vẫn khai báo được trên "
                  "web; thông báo sẽ đến qua SMS.",
          .link_url = ctx.public_base_url + "/declare",
          .link_title = "Khai báo trên web"});
    }
    return ask_consent();
  }

  Status start_declaring() {
    KB_ASSIGN(auto people, people::managed_by(c, *f.account_id));
    if (people.size() > 1) {
      std::vector<QuickReply> buttons;
      for (size_t i = 0; i < people.size() && i < 5; ++i) {
        std::string name = people[i].full_name.empty() ? "Bản thân" : people[i].full_name;
        buttons.push_back({name, std::to_string(i + 1)});
      }
      data = json::object();
      KB_TRY(go(kPerson));
      return say("Bạn khai báo cho ai?", std::move(buttons));
    }
    if (people.empty()) KB_TRY(people::self_of(c, *f.account_id, f.phone, now));
    KB_ASSIGN(people, people::managed_by(c, *f.account_id));
    data = json::object{{"person_id", people.at(0).id}};
    return ask_symptoms();
  }

  Status person_chosen(std::string_view text) {
    KB_ASSIGN(auto people, people::managed_by(c, *f.account_id));
    size_t pick = 0;
    if (text.size() == 1 && text[0] >= '1' && text[0] <= '9') pick = text[0] - '0';
    if (pick == 0 || pick > people.size()) {
      return say("Hãy chọn người khai báo bằng các nút ở trên, hoặc gõ \"hủy\".");
    }
    data = json::object{{"person_id", people[pick - 1].id}};
    return ask_symptoms();
  }

  Status ask_symptoms() {
    KB_TRY(go(kSymptoms));
    std::string list;
    for (size_t i = 0; i < std::size(kSymptomWords); ++i)
      list += "\n" + std::to_string(i + 1) + ". " + std::string(kSymptomWords[i]);
    return say("Trong 14 ngày qua bạn có triệu chứng nào? Gõ các số, ví dụ \"1 3\"," +
                   std::string(" hoặc bấm nút.") + list,
               {{"Không có", "0"}, {"Sốt", "1"}, {"Ho", "2"}, {"Khó thở", "3"}});
  }
  Status ask_exposures() {
    KB_TRY(go(kExposures));
    std::string list;
    for (size_t i = 0; i < std::size(kExposureWords); ++i)
      list += "\n" + std::to_string(i + 1) + ". " + std::string(kExposureWords[i]);
    return say("Trong 14 ngày qua bạn có tiếp xúc hoặc đi đến nơi nào dưới đây?" + list,
               {{"Không", "0"}, {"1", "1"}, {"2", "2"}, {"3", "3"}});
  }

  // "0" (none), or digits among 1..n: the answers' codes; nothing when unreadable.
  template <size_t N>
  static std::optional<json::array> picks(std::string_view text,
                                          const std::string_view (&codes)[N]) {
    json::array out;
    bool none = false;
    for (char ch : text) {
      if (ch == ' ' || ch == ',' || ch == ';') continue;
      if (ch == '0') {
        none = true;
        continue;
      }
      if (ch < '1' || ch > '0' + static_cast<int>(N)) return std::nullopt;
      json::string code(codes[ch - '1']);
      if (std::find(out.begin(), out.end(), json::value(code)) == out.end()) out.push_back(code);
    }
    if (none == !out.empty()) return std::nullopt;  // "0" alone, or some answers
    if (none) out.push_back("none");
    return out;
  }

  Status symptoms_given(std::string_view text) {
    auto chosen = picks(text, declarations::kSymptoms);
    if (!chosen)
      return say(
          "Chưa hiểu câu trả lời. Gõ các số triệu chứng (ví dụ \"1 2\"), hoặc 0 "
          "nếu không có.");
    data["symptoms"] = *chosen;
    return ask_exposures();
  }
  Status exposures_given(std::string_view text) {
    auto chosen = picks(text, declarations::kExposures);
    if (!chosen) return say("Chưa hiểu câu trả lời. Gõ các số (ví dụ \"1\"), hoặc 0 nếu không.");
    data["exposures"] = *chosen;
    KB_TRY(go(kConfirm));
    return say("Gửi tờ khai này?", {{"Gửi", "gửi"}, {"Hủy", "hủy"}});
  }

  static std::vector<std::string> strings(const json::value& v) {
    std::vector<std::string> out;
    if (v.is_array())
      for (const auto& s : v.as_array())
        if (s.is_string()) out.emplace_back(s.as_string());
    return out;
  }

  Status confirmed(std::string_view cmd) {
    if (cmd != "gui")
      return say("Bấm \"Gửi\" để gửi tờ khai, hoặc \"Hủy\".", {{"Gửi", "gửi"}, {"Hủy", "hủy"}});
    declarations::DeclarationInput in;
    in.person_id = data["person_id"].to_number<int64_t>();
    in.kind = "domestic";
    in.symptoms = strings(data["symptoms"]);
    in.exposures = strings(data["exposures"]);
    auto valid = declarations::validate(in, ctx.areas, now);
    auto submitted = valid.ok() ? declarations::submit(c, *f.account_id, *valid, now)
                                : Result<declarations::Submitted>(valid.error());
    data = json::object();
    if (!submitted.ok()) {
      KB_TRY(go(kIdle));
      if (submitted.error().code == "profile_incomplete") {
        return say(ChatReply{.text = "Hồ sơ của người khai báo chưa đủ (họ tên, ngày sinh, địa "
                                     "chỉ). Hãy hoàn thiện hồ sơ trên web rồi khai báo lại.",
                             .link_url = ctx.public_base_url + "/people",
                             .link_title = "Hoàn thiện hồ sơ"});
      }
      return say("Chưa gửi được tờ khai: " + submitted.error().message);
    }
    KB_TRY(go(kIdle));
    return send_qr("Đã nhận tờ khai. Màu sức khỏe: " +
                       colour_words(health::colour_name(submitted->status.colour)) + ".",
                   submitted->qr.payload);
  }

  static std::string colour_words(std::string_view colour) {
    if (colour == "green") return "XANH";
    if (colour == "yellow") return "VÀNG";
    if (colour == "red") return "ĐỎ";
    return "chưa khai báo";
  }

  Status send_qr(std::string lead, std::string_view payload) {
    return say(ChatReply{.text = lead + " Đây là mã QR cá nhân để quét khi vào các địa điểm.",
                         .image_url = qr_image_url(ctx, payload, now),
                         .link_url = ctx.public_base_url + "/qr",
                         .link_title = "Mở mã QR"});
  }

  Status my_qr() {
    KB_ASSIGN(auto people, people::managed_by(c, *f.account_id));
    if (people.empty()) return start_declaring();
    auto qr = declarations::personal_qr(c, *f.account_id, people[0].id, now);
    if (!qr.ok()) return menu("Bạn chưa có mã QR: hãy khai báo y tế trước.");
    return send_qr("Màu sức khỏe: " + colour_words(health::colour_name(qr->status.colour)) + ".",
                   qr->qr.payload);
  }

  Status my_history() {
    KB_ASSIGN(auto people, people::managed_by(c, *f.account_id));
    std::string text = "Các lần khai báo gần đây:";
    bool any = false;
    for (const auto& p : people) {
      KB_ASSIGN(auto past, declarations::history(c, p.id, 3));
      for (const auto& d : past) {
        any = true;
        text += "\n- " + (p.full_name.empty() ? std::string("Bản thân") : p.full_name) + ": " +
                format_rfc3339(d.created_at).substr(0, 10) +
                (d.symptoms == std::vector<std::string>{"none"} ? ", không triệu chứng"
                                                                : ", có triệu chứng");
      }
    }
    return menu(any ? text : "Chưa có lần khai báo nào.");
  }

  // ---- one message ----

  Status text(std::string_view typed) {
    std::string cmd = vaccination::text::fold(typed);
    if (cmd == "huy") {
      data = json::object();
      if (!f.account_id) return ask_phone("Đã hủy. ");
      return menu("Đã hủy.");
    }
    if (!f.account_id) {
      if (f.state == kCode) return code_given(typed);
      if (f.state == kPhone || normalize_mobile(typed).ok()) return phone_given(typed);
      return ask_phone("Xin chào! ");
    }
    if (f.consent_at == 0) return consent_given(cmd);
    if (cmd == "ma qr" || cmd == "qr") return my_qr();
    if (cmd == "lich su") return my_history();
    if (cmd == "khai bao lai" || cmd == "khai bao") return start_declaring();
    if (f.state == kPerson) return person_chosen(cmd);
    if (f.state == kSymptoms) return symptoms_given(cmd);
    if (f.state == kExposures) return exposures_given(cmd);
    if (f.state == kConfirm) return confirmed(cmd);
    return menu("Xin chào! Tài khoản này nhận khai báo y tế.");
  }
};

}  // namespace

std::string qr_image_url(const ConversationContext& ctx, std::string_view payload, int64_t now,
                         int64_t ttl) {
  int64_t expires = now + ttl;
  std::string signature =
      keyed_hash(std::string(payload) + "|" + std::to_string(expires), ctx.secrets.otp_pepper);
  return ctx.public_base_url + "/api/v1/chat/qr.png?code=" + percent_encoded(payload) +
         "&exp=" + std::to_string(expires) + "&sig=" + signature;
}

bool qr_image_signature_ok(const accounts::Secrets& secrets, std::string_view payload,
                           int64_t expires, std::string_view signature, int64_t now) {
  if (expires < now) return false;
  std::string expected =
      keyed_hash(std::string(payload) + "|" + std::to_string(expires), secrets.otp_pepper);
  return constant_time_equal(expected, signature);
}

Result<Turn> take_chat_event(store::Connection& c, const ConversationContext& ctx,
                             const ChatEvent& event, int64_t now) {
  KB_ASSIGN(auto known, find_follower(c, ctx.platform, event.user_id));
  if (!known && event.kind != EventKind::kFollow) {
    return Error{ErrorKind::kNotFound, "unknown_follower",
                 "the event comes from someone who does not follow the account", "sender.id"};
  }
  KB_ASSIGN(bool fresh, take_event(c, ctx.platform, event.key, now));
  if (!fresh)
    return Error{ErrorKind::kConflict, "replayed_event", "the event was taken in already"};
  if (event.kind == EventKind::kUnfollow) {
    KB_TRY(record_unfollow(c, ctx.platform, event.user_id, now));
    return Turn{};
  }
  if (event.kind == EventKind::kFollow) KB_TRY(record_follow(c, ctx.platform, event.user_id, now));
  KB_TRY(open_window(c, ctx.platform, event.user_id, now));
  KB_ASSIGN(known, find_follower(c, ctx.platform, event.user_id));
  Conversation talk{c, ctx, *known, now, {}, {}};
  {
    boost::system::error_code ec;
    auto v = json::parse(talk.f.state_data, ec);
    if (!ec && v.is_object()) talk.data = v.as_object();
  }
  // A step left too long starts over, politely.
  if (talk.f.state != kIdle && talk.f.state_at > 0 && now - talk.f.state_at > ctx.timeout_seconds) {
    talk.data = json::object();
    std::string was = talk.f.state;
    KB_TRY(talk.go(kIdle));
    if (was == kCode || was == kPhone) talk.f.state = std::string(kIdle);
    KB_TRY(talk.say("Phiên trước đã hết hạn vì lâu không trả lời; mời bạn bắt đầu lại."));
  }
  switch (event.kind) {
    case EventKind::kFollow:
      if (talk.f.account_id)
        KB_TRY(talk.menu("Chào mừng bạn quay lại!"));
      else
        KB_TRY(talk.ask_phone("Cảm ơn bạn đã quan tâm! "));
      break;
    case EventKind::kText:
      KB_TRY(talk.text(event.text));
      break;
    case EventKind::kSubmitInfo:
      if (!talk.f.account_id && !event.phone.empty())
        KB_TRY(talk.phone_given(event.phone));
      else
        KB_TRY(talk.menu("Đã nhận thông tin của bạn."));
      break;
    case EventKind::kLocation:
      KB_TRY(
          talk.say("Cảm ơn bạn đã gửi vị trí. Để khai báo nơi đã đến, hãy dùng mục Khai báo y "
                   "tế; để xem các địa điểm có ca bệnh, mở trang Địa điểm.",
                   {{"Khai báo y tế", "khai báo lại"}}));
      break;
    case EventKind::kUnfollow:
      break;
  }
  return talk.turn;
}

}  // namespace kb::chat
