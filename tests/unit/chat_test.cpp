// The chat channel's pure parts: the Zalo signature check and event parsing, the sending
// rules, and SMS text as the carriers take it.
#include <gtest/gtest.h>

#include "chat/followers.h"
#include "chat/zalo_oa.h"
#include "notify/sms_text.h"

namespace kb::chat {
namespace {

ZaloConfig config() {
  ZaloConfig c;
  c.app_id = "123";
  c.oa_id = "999";
  c.oa_secret_key = "secret";
  return c;
}

constexpr int64_t kNow = 1'800'000'000;

std::string text_event(std::string_view text, int64_t at_ms = kNow * 1000) {
  return R"({"app_id":"123","user_id_by_app":"a1","event_name":"user_send_text","timestamp":")" +
         std::to_string(at_ms) +
         R"(","sender":{"id":"u1"},"recipient":{"id":"999"},"message":{"msg_id":"m1","text":")" +
         std::string(text) + R"("}})";
}
std::string signed_for(const std::string& body, int64_t at_ms = kNow * 1000) {
  return zalo_signature("123", body, std::to_string(at_ms), "secret");
}

TEST(ZaloSignature, IsShaOfAppBodyTimestampAndSecret) {
  // sha256("a" "b" "c" "d") = sha256("abcd"), a published test vector.
  EXPECT_EQ(zalo_signature("a", "b", "c", "d"),
            "mac=88d4266fd4e6338d13b845fcf289579d209c897823b9217da3e161936f031589");
}

TEST(ZaloEvent, TakesASignedFreshText) {
  std::string body = text_event("Xin chào");
  auto e = read_zalo_event(config(), body, signed_for(body), kNow);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->kind, EventKind::kText);
  EXPECT_EQ(e->user_id, "u1");
  EXPECT_EQ(e->text, "Xin chào");
  EXPECT_EQ(e->key, "m1");
  EXPECT_EQ(e->at, kNow);
}

TEST(ZaloEvent, RefusesBadSignaturesAndStaleEvents) {
  std::string body = text_event("hi");
  EXPECT_EQ(read_zalo_event(config(), body, "", kNow).error().code, "bad_signature");
  EXPECT_EQ(read_zalo_event(config(), body, "mac=00", kNow).error().code, "bad_signature");
  std::string other = text_event("hi!");
  EXPECT_EQ(read_zalo_event(config(), other, signed_for(body), kNow).error().code, "bad_signature");
  ZaloConfig another = config();
  another.oa_secret_key = "other";
  EXPECT_EQ(read_zalo_event(another, body, signed_for(body), kNow).error().code, "bad_signature");
  EXPECT_EQ(read_zalo_event(config(), body, signed_for(body), kNow + 301).error().code,
            "stale_event");
  EXPECT_EQ(read_zalo_event(config(), body, signed_for(body), kNow - 301).error().code,
            "stale_event");
  EXPECT_TRUE(read_zalo_event(config(), body, signed_for(body), kNow + 299).ok());
}

TEST(ZaloEvent, RefusesUnknownEventsAndLongTexts) {
  std::string sticker = R"({"app_id":"123","event_name":"user_send_sticker","timestamp":")" +
                        std::to_string(kNow * 1000) +
                        R"(","sender":{"id":"u1"},"recipient":{"id":"999"}})";
  EXPECT_EQ(read_zalo_event(config(), sticker, signed_for(sticker), kNow).error().code,
            "unknown_event");
  std::string long_text = text_event(std::string(2001, 'a'));
  auto e = read_zalo_event(config(), long_text, signed_for(long_text), kNow);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().field, "message.text");
}

std::string location_event(std::string_view latitude, std::string_view longitude) {
  return R"({"app_id":"123","event_name":"user_send_location","timestamp":")" +
         std::to_string(kNow * 1000) +
         R"(","sender":{"id":"u1"},"recipient":{"id":"999"},"message":{"msg_id":"m2",)"
         R"("attachments":[{"payload":{"coordinates":{"latitude":)" +
         std::string(latitude) + R"(,"longitude":)" + std::string(longitude) + "}}}]}}";
}

TEST(ZaloEvent, TakesAPlaceAndRefusesCoordinatesThatAreNotNumbers) {
  std::string place = location_event("10.776", R"("106.700")");
  auto e = read_zalo_event(config(), place, signed_for(place), kNow);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_DOUBLE_EQ(e->latitude, 10.776);
  EXPECT_DOUBLE_EQ(e->longitude, 106.7);
  for (auto [lat, lon] : {std::pair{"91", "106"}, std::pair{R"("nan")", "106"},
                          std::pair{"10", R"("-nan")"}, std::pair{R"("inf")", "106"}}) {
    std::string bad = location_event(lat, lon);
    auto r = read_zalo_event(config(), bad, signed_for(bad), kNow);
    ASSERT_FALSE(r.ok()) << lat << ", " << lon;
    EXPECT_EQ(r.error().code, "invalid_coordinates");
  }
  // Boost.JSON reads 0e400 as NaN: refused before anything reads it.
  std::string nan = location_event("0e400", "106");
  auto r = read_zalo_event(config(), nan, signed_for(nan), kNow);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "not_finite");
  EXPECT_EQ(r.error().field, "message");
}

TEST(SendingRules, ChatInsideTheWindowThenTemplateThenSms) {
  SendingRules rules;
  Follower f;
  f.following = true;
  f.consent_at = 1;
  f.phone = "+84912345678";
  f.window_opened_at = kNow - 3600;
  EXPECT_EQ(route_notice(f, rules, kNow, true), Route::kChat);
  f.window_replies = 8;  // the window's messages are spent
  EXPECT_EQ(route_notice(f, rules, kNow, true), Route::kTemplate);
  f.window_replies = 0;
  f.window_opened_at = kNow - 48 * 3600;  // the window closed
  EXPECT_EQ(route_notice(f, rules, kNow, true), Route::kTemplate);
  EXPECT_EQ(route_notice(f, rules, kNow, false), Route::kSms);
  f.phone.clear();
  EXPECT_EQ(route_notice(f, rules, kNow, true), Route::kSms);
  f.window_opened_at = kNow;
  f.consent_at = 0;  // no consent: no health data over the chat
  EXPECT_EQ(route_notice(f, rules, kNow, true), Route::kSms);
  f.consent_at = 1;
  f.following = false;
  EXPECT_EQ(route_notice(f, rules, kNow, true), Route::kSms);
}

}  // namespace
}  // namespace kb::chat

namespace kb::notify {
namespace {

TEST(SmsText, FoldsVietnameseToAscii) {
  EXPECT_EQ(fold_for_sms("Đà Nẵng: Sở Y tế thông báo"), "Da Nang: So Y te thong bao");
  EXPECT_EQ(fold_for_sms("ĐỖ THỊ HƯƠNG – “khẩn”…"), "DO THI HUONG - \"khan\"...");
  EXPECT_EQ(fold_for_sms("dòng 1\ndòng 2"), "dong 1 dong 2");
  // Accents typed apart from their letters (NFD) fold the same.
  EXPECT_EQ(fold_for_sms("Vie\xCC\xA3\xCC\x82t"), "Viet");
  EXPECT_EQ(fold_for_sms("a\xFF"
                         "b"),
            "ab")
      << "invalid bytes are dropped, not the text";
  EXPECT_EQ(fold_for_sms("😷 ok"), " ok");
}

TEST(SmsText, OnePartWithTheLinkUncut) {
  std::string link = "https://kb.example.vn/inbox/123";
  std::string body(400, 'a');
  for (size_t i = 10; i < body.size(); i += 11) body[i] = ' ';
  std::string part = sms_part(body, link);
  EXPECT_LE(part.size(), kSmsPart);
  EXPECT_TRUE(part.ends_with("... " + link)) << part;
  EXPECT_EQ(sms_part("Ngắn gọn", link), "Ngan gon " + link);
  EXPECT_EQ(sms_part("Ngắn gọn", ""), "Ngan gon");
  // 160 Vietnamese characters fit one part once folded (UCS-2 would need 3 parts).
  std::string viet;
  for (int i = 0; i < 32; ++i) viet += "Việt ";
  EXPECT_EQ(sms_part(viet, ""), fold_for_sms(viet));
  EXPECT_EQ(sms_part(viet, "").size(), 160u);
  EXPECT_TRUE(sms_part(viet + "x", "").ends_with("...")) << "one more character is cut";
}

TEST(SmsText, CarrierByPrefix) {
  EXPECT_EQ(carrier_of("+84987654321"), "viettel");
  EXPECT_EQ(carrier_of("+84351234567"), "viettel");
  EXPECT_EQ(carrier_of("+84912345678"), "vinaphone");
  EXPECT_EQ(carrier_of("+84901234567"), "mobifone");
  EXPECT_EQ(carrier_of("+84921234567"), "vietnamobile");
  EXPECT_EQ(carrier_of("+84991234567"), "gmobile");
  EXPECT_EQ(carrier_of("+84871234567"), "itel");
  EXPECT_EQ(carrier_of("+84241234567"), "other");
}

}  // namespace
}  // namespace kb::notify
