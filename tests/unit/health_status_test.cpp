// The health-status rule table: every row, in order, and nobody green by default.
#include "health/health_status.h"

#include <gtest/gtest.h>

namespace kb::health {
namespace {

TEST(HealthStatus, RuleTable) {
  struct Row {
    StatusInputs in;
    Colour colour;
    std::string_view reason;
    std::string_view instruction;
  };
  const Row rows[] = {
      {{}, Colour::kNotDeclared, "no_declaration", "ask_to_declare"},
      {{.unlinked_card = true}, Colour::kNotDeclared, "card_not_linked", "ask_to_declare"},
      {{.has_declaration = true}, Colour::kGreen, "declared", "admit"},
      {{.has_declaration = true, .unlinked_card = true}, Colour::kGreen, "declared", "admit"},
      {{.has_declaration = true, .declaration_stale = true},
       Colour::kNotDeclared,
       "declaration_stale",
       "ask_to_declare_again"},
      {{.has_declaration = true, .declaration_stale = true, .symptoms = true},
       Colour::kNotDeclared,
       "declaration_stale",
       "ask_to_declare_again"},
      {{.has_declaration = true, .symptoms = true},
       Colour::kYellow,
       "symptoms",
       "refer_to_medical_check"},
      {{.has_declaration = true, .exposure = true},
       Colour::kYellow,
       "exposure",
       "screen_before_admitting"},
      {{.has_declaration = true, .symptoms = true, .exposure = true},
       Colour::kYellow,
       "symptoms",
       "refer_to_medical_check"},
      {{.f1_quarantine = true}, Colour::kYellow, "f1_quarantine", "do_not_admit_in_quarantine"},
      {{.has_declaration = true, .symptoms = true, .f1_quarantine = true},
       Colour::kYellow,
       "f1_quarantine",
       "do_not_admit_in_quarantine"},
      {{.confirmed_case = true},
       Colour::kRed,
       "confirmed_case",
       "do_not_admit_call_health_station"},
      {{.has_declaration = true,
        .declaration_stale = true,
        .confirmed_case = true,
        .unlinked_card = true},
       Colour::kRed,
       "confirmed_case",
       "do_not_admit_call_health_station"},
      {{.has_declaration = true,
        .symptoms = true,
        .exposure = true,
        .confirmed_case = true,
        .f1_quarantine = true},
       Colour::kRed,
       "confirmed_case",
       "do_not_admit_call_health_station"},
      // Monitoring orders (monitoring/orders.h): F0 home care is red before anything else; an entry
      // quarantine is yellow as an F1 quarantine is.
      {{.has_declaration = true, .confirmed_case = true, .f0_home_care = true},
       Colour::kRed,
       "f0_home_care",
       "do_not_admit_in_home_care"},
      {{.has_declaration = true, .entry_quarantine = true},
       Colour::kYellow,
       "entry_quarantine",
       "do_not_admit_in_quarantine"},
      {{.f1_quarantine = true, .entry_quarantine = true},
       Colour::kYellow,
       "f1_quarantine",
       "do_not_admit_in_quarantine"},
  };
  for (size_t i = 0; i < std::size(rows); ++i) {
    HealthStatus s = health_status(rows[i].in);
    EXPECT_EQ(s.colour, rows[i].colour) << "row " << i;
    EXPECT_EQ(s.reason, rows[i].reason) << "row " << i;
    EXPECT_EQ(s.instruction, rows[i].instruction) << "row " << i;
  }
}

TEST(HealthStatus, TheLastRuleAlwaysHolds) {
  EXPECT_TRUE(kColourRules[std::size(kColourRules) - 1].holds(StatusInputs{}));
  EXPECT_EQ(kColourRules[std::size(kColourRules) - 1].colour, Colour::kGreen);
}

TEST(HealthStatus, ColourNames) {
  EXPECT_EQ(colour_name(Colour::kGreen), "green");
  EXPECT_EQ(colour_name(Colour::kYellow), "yellow");
  EXPECT_EQ(colour_name(Colour::kRed), "red");
  EXPECT_EQ(colour_name(Colour::kNotDeclared), "not_declared");
}

}  // namespace
}  // namespace kb::health
