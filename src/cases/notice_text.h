// The words of tracing notices. A personal message lands in the inbox of the account that
// manages the person (notify/inbox.h: one inbox per account, merging the messages of everyone
// it manages), so a notice speaks to that reader: "bạn" when the person is the account holder
// themselves (or has no account, when only their own phone gets it), and by name when the
// person is someone the reader manages ("Nguyễn Văn A, người bạn quản lý, …"). The name of a
// case never appears in another household's notice.
//
// Every text fits the limits of notify/messages.h: the English part and then places are left
// out of a body that would not fit, and long names are shortened.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "people/person.h"

namespace kb::cases {

// The person a notice is about, as its reader knows them.
struct Addressee {
  bool self = true;  // the reader is the person
  std::string name;  // otherwise their name (never empty)
};
Addressee addressee_of(const people::Person& p);

struct NoticeText {
  std::string title, body;
};

// The case's own message: they are F0; isolate; what happens next; whom to call.
struct CaseNoticeFacts {
  Addressee person;
  int64_t test_date = 0;
  std::string health_station;  // "Trạm Y tế Phường Sài Gòn", or empty when the ward is unknown
};
NoticeText case_notice(const CaseNoticeFacts& facts);

// An F1's message: where and when they met a case (or that they live with one), and what to do.
struct ContactNoticeFacts {
  Addressee contact;
  bool household = false;
  // Household: the case as the same reader knows them (self: the reader is the case).
  std::optional<Addressee> household_case;
  std::vector<std::string> places;  // "Quán X (12 Lê Lợi, Phường Y), từ 09:30 21/11/2026 đến …"
  int64_t isolate_until = 0;
};
NoticeText contact_notice(const ContactNoticeFacts& facts);

}  // namespace kb::cases
