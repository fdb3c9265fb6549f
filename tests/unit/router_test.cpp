// Routing a request: literal and {param} segments, HEAD served by GET routes, a path that
// exists with other methods (→ 405 with Allow), and paths no route has.
#include "http/router.h"

#include <gtest/gtest.h>

#include <string>

namespace kb::http {
namespace {

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add(Method::kGet, "/api/v1/venues/{id}", {});
    router_.add(Method::kPost, "/api/v1/venues/{id}/checkins", {});
    router_.add(Method::kGet, "/api/v1/venues/{id}/checkins", {});
    router_.add(Method::kPost, "/api/v1/venues", {});
  }
  Router::Match route(Method method, std::string path) {
    req_ = Request{};
    req_.method = method;
    req_.path = std::move(path);
    return router_.match(req_);
  }
  Router router_;
  Request req_;
};

TEST_F(RouterTest, MatchesLiteralsAndParameters) {
  auto m = route(Method::kPost, "/api/v1/venues/42/checkins");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/v1/venues/{id}/checkins");
  EXPECT_EQ(req_.params.at("id"), "42");
  m = route(Method::kGet, "//api/v1/venues/7/");  // empty segments are skipped
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/v1/venues/{id}");
  EXPECT_EQ(req_.params.at("id"), "7");
}

TEST_F(RouterTest, HeadIsServedByTheGetRoute) {
  auto m = route(Method::kHead, "/api/v1/venues/9");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->method, Method::kGet);
}

TEST_F(RouterTest, AnotherMethodOnAKnownPathListsTheMethodsItHas) {
  auto m = route(Method::kDelete, "/api/v1/venues/9/checkins");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_known);
  EXPECT_EQ(m.allow, "POST, GET, HEAD");
  m = route(Method::kGet, "/api/v1/venues");
  EXPECT_TRUE(m.path_known);
  EXPECT_EQ(m.allow, "POST");
}

TEST_F(RouterTest, UnknownAndOverlongPathsMatchNothing) {
  for (std::string path : {"/api/v1/venue/9", "/api/v1/venues/9/checkins/x", "/", ""}) {
    auto m = route(Method::kGet, path);
    EXPECT_EQ(m.route, nullptr) << path;
    EXPECT_FALSE(m.path_known) << path;
  }
  std::string deep;
  for (int i = 0; i < 40; ++i) deep += "/a";
  EXPECT_EQ(route(Method::kGet, deep).route, nullptr);
  EXPECT_THROW(router_.add(Method::kGet, deep, {}), std::logic_error);
}

}  // namespace
}  // namespace kb::http
