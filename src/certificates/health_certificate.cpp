#include "certificates/health_certificate.h"

#include <charconv>
#include <regex>

#include "certificates/value_sets.h"
#include "core/clock.h"

namespace kb::certificates {
namespace {

// What changes between schema versions 1.0 to 1.3 (eu-dcc-schema releases 1.0.0 … 1.3.x).
struct Rules {
  int minor = 3;

  // Names, issuer, UVCI, test centre: 1.3 raised the limit from 50 to 80 characters because
  // issuers had exceeded 50 (HU's test centres and UVCIs); older certificates are held to 80 too.
  size_t max_text() const { return 80; }
  int64_t max_dose() const { return minor >= 3 ? INT64_MAX : 9; }
  bool test_centre_required() const { return minor < 3; }
  bool one_entry_only() const { return minor >= 3; }
  bool dob_ok(const std::string& dob) const {
    // The schema's own patterns: 1.0 asks for a full date somewhere in the text (its pattern is
    // not anchored), 1.1 and 1.2 for YYYY[-MM[-DD]], 1.3 also allows an unknown (empty) date.
    static const std::regex v10("(19|20)\\d{2}-\\d{2}-\\d{2}");
    static const std::regex v11("^(19|20)\\d\\d(-\\d\\d){0,2}$");
    if (minor == 0) return std::regex_search(dob, v10);
    if (dob.empty()) return minor >= 3;
    return std::regex_match(dob, v11);
  }
};

std::optional<Rules> rules_for(const std::string& version) {
  static const std::regex semver("^(\\d+)\\.(\\d+)\\.(\\d+)$");
  std::smatch m;
  if (!std::regex_match(version, m, semver) || m[1] != "1") return std::nullopt;
  Rules r;
  int minor = 0;
  std::from_chars(m[2].first.base(), m[2].second.base(), minor);
  r.minor = std::min(minor, 3);
  return r;
}

size_t code_points(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool valid_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80           ? 1
                 : (c >> 5) == 0x6  ? 2
                 : (c >> 4) == 0xE  ? 3
                 : (c >> 3) == 0x1E ? 4
                                    : 0;
    if (len == 0 || i + len > s.size()) return false;
    uint32_t cp = len == 1 ? c : c & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// YYYY-MM-DD naming a day of the Gregorian calendar (JSON schema "format": "date").
bool full_date(std::string_view s) {
  if (s.size() != 10) return false;
  static const std::regex shape("^\\d{4}-\\d{2}-\\d{2}$");
  if (!std::regex_match(s.begin(), s.end(), shape)) return false;
  int y = std::stoi(std::string(s.substr(0, 4)));
  int m = std::stoi(std::string(s.substr(5, 2)));
  int d = std::stoi(std::string(s.substr(8, 2)));
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  return d <= kDays[m - 1] + (m == 2 && leap(y) ? 1 : 0);
}

// YYYY-MM-DDTHH:MM:SS without a zone (BG's early certificates).
bool local_date_time(std::string_view s) {
  static const std::regex shape("^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?$");
  return std::regex_match(s.begin(), s.end(), shape);
}

// A date of birth's month and day, when given, name a real day.
bool dob_calendar_ok(const std::string& dob) {
  if (dob.size() >= 10) return full_date(dob.substr(0, 10));
  if (dob.size() == 7) return full_date(dob + "-01");
  return true;
}

class Reader {
 public:
  Reader(Rules rules, ReadHealthCertificate& out) : rules_(rules), out_(out) {}

  const Rules& rules() const { return rules_; }

  void problem(std::string path, std::string code) {
    out_.problems.push_back({std::move(path), std::move(code)});
  }

  static std::string join(const std::string& base, std::string_view key) {
    return base.empty() ? std::string(key) : base + "." + std::string(key);
  }

  // A text field; tags (0, 1004: dates) around it are looked through.
  std::string text(const Cbor& map, std::string_view key, const std::string& base, bool required,
                   size_t max_len = 0) {
    const Cbor* v = map.find(key);
    std::string path = join(base, key);
    if (!v) {
      if (required) problem(path, "missing");
      return {};
    }
    const Cbor& t = v->untagged();
    if (!t.is_text()) {
      problem(path, "wrong_type");
      return {};
    }
    if (!valid_utf8(t.bytes)) {
      problem(path, "bad_encoding");
      return {};
    }
    if (max_len > 0 && code_points(t.bytes) > max_len) problem(path, "too_long");
    return t.bytes;
  }

  // An integer field (an integral float counts, as in JSON schema).
  int64_t integer(const Cbor& map, std::string_view key, const std::string& base, int64_t min,
                  int64_t max) {
    const Cbor* v = map.find(key);
    std::string path = join(base, key);
    if (!v) {
      problem(path, "missing");
      return 0;
    }
    const Cbor& t = v->untagged();
    int64_t n = 0;
    if (t.is_integer()) {
      n = t.integer;
    } else if (t.type == Cbor::Type::kFloat &&
               t.number == static_cast<double>(static_cast<int64_t>(t.number))) {
      n = static_cast<int64_t>(t.number);
    } else {
      problem(path, "wrong_type");
      return 0;
    }
    if (n < min || n > max) problem(path, "out_of_range");
    return n;
  }

  void code(const std::string& base, std::string_view key, const std::string& value, ValueSet set,
            const Cbor& map) {
    if (!map.find(key)) return;  // absent: already a problem when required
    if (!value_set_display(set, value)) {
      out_.unknown_codes.push_back({join(base, key), std::string(value_set_id(set)), value});
    }
  }

  // A date field: YYYY-MM-DD, or an RFC 3339 date-time whose date counts (PL, SG and BG issued
  // dates of vaccination and recovery that way; the schema's "format" is only an annotation).
  void date(const std::string& base, std::string_view key, const std::string& value,
            const Cbor& map) {
    if (!map.find(key)) return;
    bool ok = value.size() == 10
                  ? full_date(value)
                  : value.size() > 10 && value[10] == 'T' && full_date(value.substr(0, 10)) &&
                        (parse_rfc3339(value) || local_date_time(value));
    if (!ok) problem(join(base, key), "bad_format");
  }

  void date_time(const std::string& base, std::string_view key, const std::string& value,
                 const Cbor& map) {
    if (map.find(key) && !parse_rfc3339(value)) problem(join(base, key), "bad_format");
  }

  void country(const std::string& base, const std::string& value, const Cbor& map) {
    static const std::regex pattern("[A-Z]{1,10}");
    if (!map.find("co")) return;
    if (!std::regex_search(value, pattern)) problem(join(base, "co"), "bad_format");
    code(base, "co", value, ValueSet::kCountry, map);
  }

 private:
  Rules rules_;
  ReadHealthCertificate& out_;
};

VaccinationEntry read_vaccination(Reader& r, const Cbor& m, const std::string& p) {
  size_t max = r.rules().max_text();
  VaccinationEntry e;
  e.tg = r.text(m, "tg", p, true);
  e.vp = r.text(m, "vp", p, true);
  e.mp = r.text(m, "mp", p, true);
  e.ma = r.text(m, "ma", p, true);
  e.dn = r.integer(m, "dn", p, 1, r.rules().max_dose());
  e.sd = r.integer(m, "sd", p, 1, r.rules().max_dose());
  e.dt = r.text(m, "dt", p, true);
  e.co = r.text(m, "co", p, true);
  e.is = r.text(m, "is", p, true, max);
  e.ci = r.text(m, "ci", p, true, max);
  r.date(p, "dt", e.dt, m);
  r.country(p, e.co, m);
  r.code(p, "tg", e.tg, ValueSet::kDisease, m);
  r.code(p, "vp", e.vp, ValueSet::kVaccineProphylaxis, m);
  r.code(p, "mp", e.mp, ValueSet::kVaccineProduct, m);
  r.code(p, "ma", e.ma, ValueSet::kVaccineManufacturer, m);
  return e;
}

TestEntry read_test(Reader& r, const Cbor& m, const std::string& p) {
  size_t max = r.rules().max_text();
  TestEntry e;
  e.tg = r.text(m, "tg", p, true);
  e.tt = r.text(m, "tt", p, true);
  e.nm = r.text(m, "nm", p, false, r.rules().minor >= 3 ? 80 : 0);
  e.ma = r.text(m, "ma", p, false);
  e.sc = r.text(m, "sc", p, true);
  if (r.rules().minor < 2) e.dr = r.text(m, "dr", p, false);
  e.tr = r.text(m, "tr", p, true);
  e.tc = r.text(m, "tc", p, r.rules().test_centre_required(), max);
  e.co = r.text(m, "co", p, true);
  e.is = r.text(m, "is", p, true, max);
  e.ci = r.text(m, "ci", p, true, max);
  r.date_time(p, "sc", e.sc, m);
  if (r.rules().minor < 2) r.date_time(p, "dr", e.dr, m);
  r.country(p, e.co, m);
  r.code(p, "tg", e.tg, ValueSet::kDisease, m);
  r.code(p, "tt", e.tt, ValueSet::kTestType, m);
  r.code(p, "ma", e.ma, ValueSet::kTestDevice, m);
  r.code(p, "tr", e.tr, ValueSet::kTestResult, m);
  return e;
}

RecoveryEntry read_recovery(Reader& r, const Cbor& m, const std::string& p) {
  size_t max = r.rules().max_text();
  RecoveryEntry e;
  e.tg = r.text(m, "tg", p, true);
  e.fr = r.text(m, "fr", p, true);
  e.co = r.text(m, "co", p, true);
  e.is = r.text(m, "is", p, true, max);
  e.df = r.text(m, "df", p, true);
  e.du = r.text(m, "du", p, true);
  e.ci = r.text(m, "ci", p, true, max);
  r.date(p, "fr", e.fr, m);
  r.date(p, "df", e.df, m);
  r.date(p, "du", e.du, m);
  r.country(p, e.co, m);
  r.code(p, "tg", e.tg, ValueSet::kDisease, m);
  return e;
}

template <class Entry, class ReadOne>
void read_entries(Reader& r, const Cbor& hcert, std::string_view key, std::vector<Entry>& out,
                  ReadOne read_one) {
  const Cbor* list = hcert.find(key);
  if (!list || list->type == Cbor::Type::kNull) return;  // BG's early certificates carry t: null
  if (!list->is_array()) {
    r.problem(std::string(key), "wrong_type");
    return;
  }
  if (list->items.empty()) r.problem(std::string(key), "no_entries");
  if (r.rules().one_entry_only() && list->items.size() > 1)
    r.problem(std::string(key), "too_many_entries");
  for (size_t i = 0; i < list->items.size(); ++i) {
    std::string path = std::string(key) + "[" + std::to_string(i) + "]";
    const Cbor& item = list->items[i].untagged();
    if (!item.is_map()) {
      r.problem(path, "wrong_type");
      continue;
    }
    out.push_back(read_one(r, item, path));
  }
}

void put(CborMap& m, std::string_view key, const std::string& value, bool always = true) {
  if (always || !value.empty())
    m.emplace_back(Cbor::text_of(std::string(key)), Cbor::text_of(value));
}

void put_code(boost::json::object& o, std::string_view key, const std::string& value,
              ValueSet set) {
  o[key] = value;
  if (auto display = value_set_display(set, value)) o[std::string(key) + "_name"] = *display;
}

}  // namespace

std::optional<CertificateKind> HealthCertificate::kind() const {
  int kinds = !vaccinations.empty() + !tests.empty() + !recoveries.empty();
  if (kinds != 1) return std::nullopt;
  if (!vaccinations.empty()) return CertificateKind::kVaccination;
  if (!tests.empty()) return CertificateKind::kTest;
  return CertificateKind::kRecovery;
}

ReadHealthCertificate read_health_certificate(const Cbor& hcert_item) {
  ReadHealthCertificate out;
  const Cbor& hcert = hcert_item.untagged();
  if (!hcert.is_map()) {
    out.problems.push_back({"", "wrong_type"});
    return out;
  }
  Reader version_reader(Rules{}, out);
  std::string version = version_reader.text(hcert, "ver", "", true);
  std::optional<Rules> rules = rules_for(version);
  if (!rules && hcert.find("ver")) out.problems.push_back({"ver", "unsupported_version"});
  Reader r(rules.value_or(Rules{}), out);
  HealthCertificate& c = out.certificate;
  c.version = version;

  const Cbor* nam = hcert.find("nam");
  if (!nam) {
    r.problem("nam", "missing");
  } else if (!nam->untagged().is_map()) {
    r.problem("nam", "wrong_type");
  } else {
    static const std::regex transliterated("^[A-Z<]*$");
    const Cbor& n = nam->untagged();
    size_t max = r.rules().max_text();
    c.name.fn = r.text(n, "fn", "nam", false, max);
    c.name.fnt = r.text(n, "fnt", "nam", true, max);
    c.name.gn = r.text(n, "gn", "nam", false, max);
    c.name.gnt = r.text(n, "gnt", "nam", false, max);
    if (n.find("fnt") && !std::regex_match(c.name.fnt, transliterated))
      r.problem("nam.fnt", "bad_format");
    if (n.find("gnt") && !std::regex_match(c.name.gnt, transliterated))
      r.problem("nam.gnt", "bad_format");
  }

  c.dob = r.text(hcert, "dob", "", true);
  if (hcert.find("dob") && (!r.rules().dob_ok(c.dob) || !dob_calendar_ok(c.dob)))
    r.problem("dob", "bad_format");

  read_entries(r, hcert, "v", c.vaccinations, read_vaccination);
  read_entries(r, hcert, "t", c.tests, read_test);
  read_entries(r, hcert, "r", c.recoveries, read_recovery);
  auto present = [&](const char* key) {
    const Cbor* list = hcert.find(key);
    return list && list->type != Cbor::Type::kNull;
  };
  int kinds = present("v") + present("t") + present("r");
  if (kinds == 0) r.problem("", "no_entries");
  if (kinds > 1) r.problem("", "several_kinds");
  return out;
}

Cbor health_certificate_cbor(const HealthCertificate& c) {
  CborMap name;
  put(name, "fn", c.name.fn, false);
  put(name, "fnt", c.name.fnt);
  put(name, "gn", c.name.gn, false);
  put(name, "gnt", c.name.gnt, false);
  CborMap root;
  put(root, "ver", c.version);
  root.emplace_back(Cbor::text_of("nam"), Cbor::map_of(std::move(name)));
  put(root, "dob", c.dob);
  if (!c.vaccinations.empty()) {
    std::vector<Cbor> list;
    for (const auto& v : c.vaccinations) {
      CborMap m;
      put(m, "tg", v.tg);
      put(m, "vp", v.vp);
      put(m, "mp", v.mp);
      put(m, "ma", v.ma);
      m.emplace_back(Cbor::text_of("dn"), Cbor::integer_of(v.dn));
      m.emplace_back(Cbor::text_of("sd"), Cbor::integer_of(v.sd));
      put(m, "dt", v.dt);
      put(m, "co", v.co);
      put(m, "is", v.is);
      put(m, "ci", v.ci);
      list.push_back(Cbor::map_of(std::move(m)));
    }
    root.emplace_back(Cbor::text_of("v"), Cbor::array_of(std::move(list)));
  }
  if (!c.tests.empty()) {
    std::vector<Cbor> list;
    for (const auto& t : c.tests) {
      CborMap m;
      put(m, "tg", t.tg);
      put(m, "tt", t.tt);
      put(m, "nm", t.nm, false);
      put(m, "ma", t.ma, false);
      put(m, "sc", t.sc);
      put(m, "tr", t.tr);
      put(m, "tc", t.tc, false);
      put(m, "co", t.co);
      put(m, "is", t.is);
      put(m, "ci", t.ci);
      list.push_back(Cbor::map_of(std::move(m)));
    }
    root.emplace_back(Cbor::text_of("t"), Cbor::array_of(std::move(list)));
  }
  if (!c.recoveries.empty()) {
    std::vector<Cbor> list;
    for (const auto& r : c.recoveries) {
      CborMap m;
      put(m, "tg", r.tg);
      put(m, "fr", r.fr);
      put(m, "co", r.co);
      put(m, "is", r.is);
      put(m, "df", r.df);
      put(m, "du", r.du);
      put(m, "ci", r.ci);
      list.push_back(Cbor::map_of(std::move(m)));
    }
    root.emplace_back(Cbor::text_of("r"), Cbor::array_of(std::move(list)));
  }
  return Cbor::map_of(std::move(root));
}

boost::json::object health_certificate_json(const HealthCertificate& c) {
  boost::json::object o;
  o["ver"] = c.version;
  o["nam"] = boost::json::object{
      {"fn", c.name.fn}, {"fnt", c.name.fnt}, {"gn", c.name.gn}, {"gnt", c.name.gnt}};
  o["dob"] = c.dob;
  if (!c.vaccinations.empty()) {
    boost::json::array a;
    for (const auto& v : c.vaccinations) {
      boost::json::object e;
      put_code(e, "tg", v.tg, ValueSet::kDisease);
      put_code(e, "vp", v.vp, ValueSet::kVaccineProphylaxis);
      put_code(e, "mp", v.mp, ValueSet::kVaccineProduct);
      put_code(e, "ma", v.ma, ValueSet::kVaccineManufacturer);
      e["dn"] = v.dn;
      e["sd"] = v.sd;
      e["dt"] = v.dt;
      put_code(e, "co", v.co, ValueSet::kCountry);
      e["is"] = v.is;
      e["ci"] = v.ci;
      a.push_back(std::move(e));
    }
    o["v"] = std::move(a);
  }
  if (!c.tests.empty()) {
    boost::json::array a;
    for (const auto& t : c.tests) {
      boost::json::object e;
      put_code(e, "tg", t.tg, ValueSet::kDisease);
      put_code(e, "tt", t.tt, ValueSet::kTestType);
      if (!t.nm.empty()) e["nm"] = t.nm;
      if (!t.ma.empty()) put_code(e, "ma", t.ma, ValueSet::kTestDevice);
      e["sc"] = t.sc;
      if (!t.dr.empty()) e["dr"] = t.dr;
      put_code(e, "tr", t.tr, ValueSet::kTestResult);
      if (!t.tc.empty()) e["tc"] = t.tc;
      put_code(e, "co", t.co, ValueSet::kCountry);
      e["is"] = t.is;
      e["ci"] = t.ci;
      a.push_back(std::move(e));
    }
    o["t"] = std::move(a);
  }
  if (!c.recoveries.empty()) {
    boost::json::array a;
    for (const auto& r : c.recoveries) {
      boost::json::object e;
      put_code(e, "tg", r.tg, ValueSet::kDisease);
      e["fr"] = r.fr;
      put_code(e, "co", r.co, ValueSet::kCountry);
      e["is"] = r.is;
      e["df"] = r.df;
      e["du"] = r.du;
      e["ci"] = r.ci;
      a.push_back(std::move(e));
    }
    o["r"] = std::move(a);
  }
  return o;
}

}  // namespace kb::certificates
