// Who a person is: the rules that compare what a door knows of someone arriving with a person
// already recorded. Pure: no database; identity/resolve.h applies them to the people recorded.
//
// Before any scoring, exact identifiers decide (resolve.h): the same CCCD, social-insurance
// (BHYT) number, passport or CMND is the same person, and a CCCD card whose old-ID field holds
// a known CMND is that CMND's person. Scoring is for everyone else. Each detail is compared
// on its own:
//
//   name        same (case, spacing; accents when one side has none; family name moved last),
//               similar (other accents, other order, one word one letter apart, a middle name
//               left out), or different — identity/names.h
//   birth date  same, near (day and month swapped, or one digit apart), different, unknown
//   sex         same, different, unknown
//   ward        same (equal codes, or a card's printed address naming the person's ward),
//               different (two codes), unknown
//   phone       shared (any phone of one is a phone of the other: their own, one seen with
//               them, or the phone of the account that manages them), different, unknown
//
// and kMatchRules below, read top to bottom, give the verdict (the first row that holds):
//
//   holds when                                                         verdict   rule
//   a CCCD or social-insurance number differs (both known)             no match
//   different_identifier sex differs                                                        no
//   match  different_sex birth dates differ, not near                                       no
//   match  different_birth_date names differ no match  different_name same name, same birth date,
//   same sex, same ward or shared phone    sure      name_birth_sex_place same name, same birth
//   date, same ward and shared phone (no sex)    sure      name_birth_ward_phone same name, and a
//   phone proven at this door by a code is theirs     sure      name_proven_phone same or similar
//   name, same or near birth date                      likely    name_birth same name, shared phone
//   (a birth date unknown)                     likely    name_phone otherwise no match  too_little
//
// What "sure" means: a match that links without an official. It always needs the same name
// and more than the birth date: a place (ward) or a phone, and the sex, or a phone proven at
// the door. Name and birth date alone are never sure — Nguyễn Văn An born on one day is many
// people — nor is anything with a similar name: twins share a birth date, a phone and a ward,
// and their names often differ by a letter (An, Anh), so they are at most likely. A sure match
// found for two recorded people at once links to neither (the two are queued).
//
// What follows a verdict (resolve.h): sure links the arriving identifiers to the person;
// likely records the arrival as a new person and queues the pair for officials, who merge or
// dismiss it (identity/candidates.h, identity/merge.h); no match records a new person.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "identity/identifiers.h"
#include "identity/names.h"

namespace kb::identity {

// What is known of a person, from a door or from their record; every field may be empty.
struct Details {
  std::string full_name;
  std::string birth_date;           // YYYY-MM-DD
  std::string sex;                  // "male" | "female"
  std::vector<std::string> phones;  // E.164
  std::string province_code;
  std::string ward_code;
  std::string ward_name;  // the ward's name ("Phường Sài Gòn"), for reading printed addresses
  std::string address_text;             // an address as a card prints it, free text
  std::vector<Identifier> identifiers;  // CCCD, CMND, passports, social-insurance number
};

enum class Agreement { kUnknown, kSame, kNear, kDifferent };
std::string_view agreement_name(Agreement a);  // "unknown" | "same" | "near" | "different"

enum class Verdict { kNoMatch, kLikely, kSure };
std::string_view verdict_name(Verdict v);  // "no_match" | "likely" | "sure"

// How two people's details compare, and the verdict of the rules.
struct Comparison {
  NameMatch name = NameMatch::kDifferent;
  Agreement birth_date = Agreement::kUnknown;
  Agreement sex = Agreement::kUnknown;
  Agreement ward = Agreement::kUnknown;
  Agreement phone = Agreement::kUnknown;
  bool phone_proven = false;                   // the shared phone was proven at the door
  std::optional<IdKind> different_identifier;  // a lifelong identifier that differs
  Verdict verdict = Verdict::kNoMatch;
  std::string_view rule = "too_little";
};

struct MatchRule {
  bool (*holds)(const Comparison&);
  Verdict verdict;
  std::string_view rule;
};
// The table described above; the last row always holds.
extern const MatchRule kMatchRules[10];

// Compares someone arriving with someone recorded. `phone_proven`: the arriving person's
// first phone was proven at this door by a code texted to it.
Comparison compare(const Details& arriving, const Details& recorded, bool phone_proven = false);

// The birth dates' agreement alone (both YYYY-MM-DD, or empty for unknown).
Agreement compare_birth_dates(std::string_view a, std::string_view b);
// Whether a printed address names the ward: its name with the kind of unit first ("Phường Sài
// Gòn", "P. Sài Gòn", "Xã Tân Phú", "X. Tân Phú", "Thị trấn …", "TT …"), accents and case aside.
bool address_names_ward(std::string_view address, std::string_view ward_name);

}  // namespace kb::identity
