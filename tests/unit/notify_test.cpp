#include <gtest/gtest.h>

#include "notify/audience.h"
#include "notify/cache_events.h"
#include "notify/inbox.h"
#include "notify/inbox_hub.h"
#include "notify/text.h"

namespace kb::notify {
namespace {

TEST(Wake, EncodesAndDecodes) {
  Wake w{{1, 22}, {"79", "26734"}, false};
  EXPECT_EQ(w.encode(), "p:1,22;a:79,26734");
  Wake back = Wake::decode(w.encode());
  EXPECT_EQ(back.people, w.people);
  EXPECT_EQ(back.areas, w.areas);
  EXPECT_FALSE(back.everyone);
  EXPECT_TRUE(Wake::decode("*").everyone);
  EXPECT_TRUE(Wake::decode("garbage").everyone) << "anything unreadable wakes everyone";
  EXPECT_TRUE(Wake::decode("p:1,x").everyone);
}

TEST(Stale, EncodesAndDecodesAndFallsBackToEverything) {
  for (Stale s : {Stale{Stale::Kind::kSession, "a1b2"}, Stale{Stale::Kind::kAccount, "42"},
                  Stale{Stale::Kind::kVenue, "7"}}) {
    Stale back = Stale::decode(s.encode());
    EXPECT_EQ(back.kind, s.kind);
    EXPECT_EQ(back.id, s.id);
  }
  EXPECT_EQ(Stale{}.encode(), "*");
  // Anything unreadable drops every cached entry: a read more, never a stale answer.
  for (const char* junk : {"*", "", "x:1", "s:", "s1", "q"})
    EXPECT_EQ(Stale::decode(junk).kind, Stale::Kind::kEverything) << junk;
}

TEST(InboxHub, WakesOnlyTheStreamsConcerned) {
  InboxHub hub;
  int a = 0, b = 0;
  auto sa = hub.subscribe({1}, {"79", "26734"}, [&] { ++a; });
  auto sb = hub.subscribe({2}, {"01", "00004"}, [&] { ++b; });
  hub.notify_people({1});
  hub.notify(Wake{{}, {"26734", "79"}, false});
  EXPECT_EQ(a, 2);  // once per notify, even when two keys match
  EXPECT_EQ(b, 0);
  hub.notify_everyone();
  EXPECT_EQ(a, 3);
  EXPECT_EQ(b, 1);
  hub.notify(Wake{{}, {"*"}, false});
  EXPECT_EQ(b, 2);
  EXPECT_EQ(hub.open_streams(), 2u);
  sb.reset();
  hub.notify_people({2});
  EXPECT_EQ(b, 2);
  EXPECT_EQ(hub.open_streams(), 1u);
}

TEST(MessageText, ChecksEveryField) {
  auto ok = check_text("  Tiêu đề ", "Dòng 1\nDòng 2", "https://moh.gov.vn", 0, 100);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->title, "Tiêu đề");
  EXPECT_EQ(ok->body, "Dòng 1\nDòng 2");
  EXPECT_EQ(check_text("", "b", "", 0, 100).error().field, "title");
  EXPECT_EQ(check_text("a\nb", "b", "", 0, 100).error().field, "title");
  EXPECT_EQ(check_text("t", std::string(2001, 'x'), "", 0, 100).error().code, "too_long");
  EXPECT_EQ(check_text("t", "a\x01", "", 0, 100).error().field, "body");
  EXPECT_EQ(check_text("t", "\xff", "", 0, 100).error().code, "invalid_text");
  EXPECT_EQ(check_text("t", "b", "ftp://x", 0, 100).error().field, "link");
  EXPECT_EQ(check_text("t", "b", "", 50, 100).error().field, "expires_at");
}

TEST(InboxCursor, RoundTripsAndRefusesJunk) {
  InboxCursor c{1700000000, 42};
  auto back = InboxCursor::decode(c.encode());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->published_at, 1700000000);
  EXPECT_EQ(back->id, 42);
  for (const char* bad : {"", "1", "1.", ".2", "a.b", "1.2.3", "1.2x"}) {
    EXPECT_FALSE(InboxCursor::decode(bad).ok()) << bad;
  }
}

TEST(Audience, JsonRoundTrip) {
  Audience a;
  a.provinces = {"79"};
  a.wards = {"00004"};
  a.filter = Filter::kUnderQuarantine;
  Audience back = Audience::from_json(a.to_json());
  EXPECT_EQ(back.provinces, a.provinces);
  EXPECT_EQ(back.wards, a.wards);
  EXPECT_EQ(back.filter, Filter::kUnderQuarantine);
  EXPECT_EQ(back.area_codes(), (std::vector<std::string>{"79", "00004"}));
  Audience n;
  n.national = true;
  EXPECT_EQ(n.area_codes(), std::vector<std::string>{"*"});
}

}  // namespace
}  // namespace kb::notify
