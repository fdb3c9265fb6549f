// The health-status rule table.
#include "health/health_status.h"

#include <gtest/gtest.h>

namespace kb::health {
namespace {

TEST(HealthStatus, RuleTable) {
  struct Row {
    StatusInputs in;
    Colour colour;
    std::string_view reason;
  };
  const Row rows[] = {
      {{}, Colour::kGreen, "none"},
      {{.has_declaration = true}, Colour::kGreen, "none"},
      {{.has_declaration = true, .symptoms = true}, Colour::kYellow, "symptoms"},
      {{.has_declaration = true, .exposure = true}, Colour::kYellow, "exposure"},
      {{.has_declaration = true, .symptoms = true, .exposure = true}, Colour::kYellow, "symptoms"},
      {{.f1_quarantine = true}, Colour::kYellow, "f1_quarantine"},
      {{.has_declaration = true, .symptoms = true, .f1_quarantine = true}, Colour::kYellow, "f1_quarantine"},
      {{.confirmed_case = true}, Colour::kRed, "confirmed_case"},
      {{.has_declaration = true, .symptoms = true, .exposure = true, .confirmed_case = true, .f1_quarantine = true},
       Colour::kRed, "confirmed_case"},
  };
  for (size_t i = 0; i < std::size(rows); ++i) {
    HealthStatus s = health_status(rows[i].in);
    EXPECT_EQ(s.colour, rows[i].colour) << "row " << i;
    EXPECT_EQ(s.reason, rows[i].reason) << "row " << i;
  }
}

TEST(HealthStatus, ColourNames) {
  EXPECT_EQ(colour_name(Colour::kGreen), "green");
  EXPECT_EQ(colour_name(Colour::kYellow), "yellow");
  EXPECT_EQ(colour_name(Colour::kRed), "red");
}

}  // namespace
}  // namespace kb::health
