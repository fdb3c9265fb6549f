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

TEST(Wake, CarriesTheBroadcastOrRecallItNames) {
  Wake w{{}, {"79"}, false, 12};
  EXPECT_EQ(w.encode(), "a:79;b:12");
  Wake back = Wake::decode(w.encode());
  EXPECT_EQ(back.broadcast, 12);
  EXPECT_EQ(back.areas, w.areas);
  EXPECT_FALSE(back.everyone);
  Wake national = Wake::decode(Wake{{}, {}, true, 0, 7}.encode());
  EXPECT_TRUE(national.everyone);
  EXPECT_EQ(national.recall, 7);
  EXPECT_TRUE(Wake::decode("a:79;b:x").everyone);
}

// A stream as the hub sees it: what it was handed, and how often it was told to read.
struct FakeStream {
  std::vector<SharedEvent> events;
  int reads = 0;
  InboxHub::Receiver receiver() {
    return [this](const SharedEvent& e) {
      if (e) {
        events.push_back(e);
      } else {
        ++reads;
      }
    };
  }
};

SharedEvent message_event(int64_t id) {
  return std::make_shared<StreamEvent>(
      StreamEvent{StreamEvent::Kind::kMessage, id, "event: message\ndata: {}\n\n"});
}

TEST(InboxHub, HandsABroadcastToTheCoveredStreamsOnceWithoutAskingThemToRead) {
  InboxHub hub;
  FakeStream ward, province, elsewhere;
  auto sw = hub.subscribe({1}, {"79", "26734"}, ward.receiver());
  auto sp = hub.subscribe({2}, {"79", "26737"}, province.receiver());
  auto se = hub.subscribe({3}, {"01", "00004"}, elsewhere.receiver());
  auto event = message_event(40);
  hub.deliver(Wake{{}, {"79", "26734"}, false}, event);
  ASSERT_EQ(ward.events.size(), 1u) << "under two keys of the broadcast, handed it once";
  EXPECT_EQ(ward.events[0].get(), event.get()) << "the one serialised event, shared";
  EXPECT_EQ(province.events.size(), 1u);
  EXPECT_TRUE(elsewhere.events.empty());
  EXPECT_EQ(ward.reads + province.reads + elsewhere.reads, 0);
  EXPECT_EQ(hub.delivered(), 2u);
  EXPECT_TRUE(hub.has_delivered(StreamEvent::Kind::kMessage, 40));
  EXPECT_FALSE(hub.has_delivered(StreamEvent::Kind::kRecall, 40));

  // Heard again from PostgreSQL (the publishing process listens too): not handed again.
  hub.deliver(Wake{{}, {"79"}, false}, message_event(40));
  EXPECT_EQ(ward.events.size(), 1u);
  EXPECT_EQ(hub.delivered(), 2u);

  // A personal message still asks the stream to read; a national event reaches everyone.
  hub.notify_people({1});
  EXPECT_EQ(ward.reads, 1);
  EXPECT_TRUE(ward.events.size() == 1u && province.reads == 0);
  hub.deliver(Wake{{}, {"*"}, false}, message_event(41));
  EXPECT_EQ(elsewhere.events.size(), 1u);
  EXPECT_EQ(ward.events.size(), 2u);

  // A stream gone is told nothing; its keys leave the hub with it.
  sw.reset();
  hub.deliver(Wake{{}, {"26734"}, false}, message_event(42));
  EXPECT_EQ(ward.events.size(), 2u);
  EXPECT_EQ(hub.open_streams(), 2u);
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
