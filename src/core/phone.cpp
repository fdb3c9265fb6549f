#include "core/phone.h"

#include <array>
#include <cctype>

namespace kb {
namespace {

struct PrefixChange {
  std::string_view old_prefix;  // national number prefix before 15 Sep 2018
  std::string_view new_prefix;
};

// Ministry of Information and Communications' 2018 conversion of 11-digit mobile numbers.
constexpr std::array<PrefixChange, 21> kPrefixChanges{{
    {"162", "32"}, {"163", "33"}, {"164", "34"}, {"165", "35"}, {"166", "36"},
    {"167", "37"}, {"168", "38"}, {"169", "39"},                                // Viettel
    {"120", "70"}, {"121", "79"}, {"122", "77"}, {"126", "76"}, {"128", "78"},  // MobiFone
    {"123", "83"}, {"124", "84"}, {"125", "85"}, {"127", "81"}, {"129", "82"},  // VinaPhone
    {"186", "56"}, {"188", "58"},                                               // Vietnamobile
    {"199", "59"},                                                              // Gmobile
}};

bool is_mobile_national_number(std::string_view n) {
  if (n.size() != 9) return false;
  char a = n[0], b = n[1];
  switch (a) {
    case '3':
      return b >= '2' && b <= '9';
    case '5':
      return b == '2' || b == '5' || b == '6' || b == '8' || b == '9';
    case '7':
      return b == '0' || (b >= '6' && b <= '9');
    case '8':
      return b >= '1' && b <= '9';
    case '9':
      return true;
    default:
      return false;
  }
}

}  // namespace

Result<std::string> normalize_mobile(std::string_view input, std::string_view field) {
  auto fail = [&](std::string message) {
    return invalid(std::string(field), "invalid_phone", std::move(message));
  };
  std::string digits;
  bool plus = false;
  for (char ch : input) {
    if (ch >= '0' && ch <= '9') {
      digits.push_back(ch);
    } else if (ch == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (ch == ' ' || ch == '.' || ch == '-' || ch == '(' || ch == ')' || ch == '\t') {
      continue;
    } else {
      return fail("phone number may contain only digits, spaces, dots, dashes and a leading +");
    }
  }
  if (digits.empty()) return fail("phone number is empty");
  std::string_view national;
  if (plus || (digits.size() >= 11 && digits.starts_with("84"))) {
    if (!digits.starts_with("84")) return fail("only Vietnamese numbers (+84) are accepted");
    national = std::string_view(digits).substr(2);
    if (national.starts_with("0")) national.remove_prefix(1);  // "+84 0912…" is a common slip
  } else if (digits.starts_with("0")) {
    national = std::string_view(digits).substr(1);
  } else {
    return fail("phone number must start with 0, 84 or +84");
  }
  std::string converted;
  if (national.size() == 10 && national.starts_with("1")) {
    for (const auto& change : kPrefixChanges) {
      if (national.starts_with(change.old_prefix)) {
        converted = std::string(change.new_prefix) + std::string(national.substr(3));
        break;
      }
    }
    if (converted.empty()) return fail("unknown 11-digit mobile prefix");
    national = converted;
  }
  if (national.size() != 9) return fail("a mobile number has 10 digits (0 and 9 more)");
  if (!is_mobile_national_number(national)) return fail("not a Vietnamese mobile number prefix");
  return "+84" + std::string(national);
}

std::string mask_phone(std::string_view e164) {
  if (e164.size() < 6) return "•••";
  return std::string(e164.substr(0, 3)) + " ••• ••• " + std::string(e164.substr(e164.size() - 3));
}

}  // namespace kb
