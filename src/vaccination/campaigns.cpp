#include "vaccination/campaigns.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "access/policy.h"
#include "audit/audit_log.h"
#include "certificates/issuer.h"
#include "certificates/value_sets.h"
#include "core/clock.h"
#include "core/crypto.h"
#include "crypto/sealing.h"
#include "identity/resolve.h"
#include "notify/messages.h"
#include "people/person.h"
#include "qr/personal_qr.h"
#include "scan/cccd_qr.h"
#include "slots/assignment.h"
#include "venues/venue.h"

namespace kb::vaccination {
namespace {

namespace json = boost::json;
using store::Param;
using store::Row;
using store::Sql;

constexpr Sql kInsertCampaign{
    "vaccination_insert_campaign",
    "INSERT INTO vaccination_campaigns (name, province_code, ward_code, products, "
    "priority_groups, total_doses, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, "
    "$8) RETURNING id"};
#define KB_CAMPAIGN_COLUMNS                                                                  \
  "id, name, province_code, ward_code, products, priority_groups, total_doses, created_by, " \
  "created_at"
constexpr Sql kSelectCampaign{"vaccination_select_campaign",
                              "SELECT " KB_CAMPAIGN_COLUMNS
                              " FROM vaccination_campaigns WHERE id = $1"};
constexpr Sql kSelectCampaignsAll{"vaccination_select_campaigns_all",
                                  "SELECT " KB_CAMPAIGN_COLUMNS
                                  " FROM vaccination_campaigns ORDER BY id DESC LIMIT $1"};
constexpr Sql kSelectCampaignsOfProvince{
    "vaccination_select_campaigns_of_province",
    "SELECT " KB_CAMPAIGN_COLUMNS
    " FROM vaccination_campaigns WHERE province_code = $1 ORDER BY id DESC LIMIT $2"};
#undef KB_CAMPAIGN_COLUMNS
constexpr Sql kInsertSite{
    "vaccination_insert_site",
    "INSERT INTO vaccination_sites (campaign_id, venue_id) VALUES ($1, $2) ON CONFLICT DO NOTHING"};
constexpr Sql kSelectSites{
    "vaccination_select_sites",
    "SELECT v.id, v.name, v.kind, v.province_code, v.ward_code, v.street FROM vaccination_sites s "
    "JOIN venues v ON v.id = s.venue_id WHERE s.campaign_id = $1 ORDER BY v.id"};
constexpr Sql kCountStatuses{
    "vaccination_count_statuses",
    "SELECT status, COUNT(*), SUM(CASE WHEN slot_id IS NULL THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN screening_flags NOT IN ('', '[]') THEN 1 ELSE 0 END) "
    "FROM vaccination_invitees WHERE campaign_id = $1 GROUP BY status"};
constexpr Sql kInsertInvitee{
    "vaccination_insert_invitee",
    "INSERT INTO vaccination_invitees (campaign_id, person_id, priority_group, import_id, status, "
    "added_at) VALUES ($1, $2, $3, $4, 'listed', $5) ON CONFLICT DO NOTHING"};
constexpr Sql kSelectImport{"vaccination_select_import_state",
                            "SELECT state FROM vaccination_imports WHERE id = $1"};
constexpr Sql kSelectAccepted{
    "vaccination_select_accepted_rows",
    "SELECT person_id, priority_group FROM vaccination_import_rows WHERE import_id = $1 "
    "AND status IN ('clean', 'fixed') AND person_id IS NOT NULL ORDER BY row_number"};
constexpr Sql kSelectInvitees{
    "vaccination_select_invitees",
    "SELECT i.person_id, p.full_name, p.phone, p.province_code, p.ward_code, i.priority_group, "
    "i.status, i.slot_id, i.screening, i.screening_flags FROM vaccination_invitees i "
    "JOIN people p ON p.id = i.person_id WHERE i.campaign_id = $1 ORDER BY i.person_id LIMIT $2"};
constexpr Sql kSelectToInvite{
    "vaccination_select_to_invite",
    "SELECT i.person_id, i.priority_group, p.province_code, p.ward_code FROM vaccination_invitees "
    "i JOIN people p ON p.id = i.person_id WHERE i.campaign_id = $1 AND i.status = 'listed' "
    "ORDER BY i.person_id"};
constexpr Sql kSetInvited{
    "vaccination_set_invited",
    "UPDATE vaccination_invitees SET status = 'invited', token = $3, slot_id = $4, invited_at = $5 "
    "WHERE campaign_id = $1 AND person_id = $2"};
#define KB_INVITEE_COLUMNS \
  "campaign_id, person_id, status, slot_id, screening, token FROM vaccination_invitees "
constexpr Sql kSelectByToken{"vaccination_select_invitation",
                             "SELECT " KB_INVITEE_COLUMNS "WHERE token = $1"};
constexpr Sql kSelectInvitee{"vaccination_select_invitee",
                             "SELECT " KB_INVITEE_COLUMNS
                             "WHERE campaign_id = $1 AND person_id = $2"};
#undef KB_INVITEE_COLUMNS
constexpr Sql kSetReply{
    "vaccination_set_reply",
    "UPDATE vaccination_invitees SET status = $2, slot_id = $3, answered_at = $4 "
    "WHERE token = $1"};
constexpr Sql kSetScreening{
    "vaccination_set_screening",
    "UPDATE vaccination_invitees SET screening = $2, screening_flags = $3, screened_at = $4 "
    "WHERE token = $1"};
constexpr Sql kSelectTokensOfAccount{
    "vaccination_select_tokens_of_account",
    "SELECT i.token FROM vaccination_invitees i JOIN people p ON p.id = i.person_id "
    "WHERE p.account_id = $1 AND i.token IS NOT NULL ORDER BY i.invited_at DESC LIMIT 50"};
constexpr Sql kSelectTokensOfPerson{
    "vaccination_select_tokens_of_person",
    "SELECT token FROM vaccination_invitees WHERE person_id = $1 AND token IS NOT NULL "
    "ORDER BY invited_at DESC LIMIT 10"};
constexpr Sql kSelectTokenAtVenue{
    "vaccination_select_token_at_venue",
    "SELECT i.token FROM vaccination_invitees i JOIN vaccination_sites s ON s.campaign_id = "
    "i.campaign_id WHERE i.person_id = $1 AND s.venue_id = $2 AND i.token IS NOT NULL "
    "ORDER BY i.campaign_id DESC LIMIT 1"};
constexpr Sql kInsertDose{
    "vaccination_insert_dose",
    "INSERT INTO vaccination_doses (person_id, campaign_id, venue_id, slot_id, product, lot, "
    "dose_number, total_doses, vaccinated_at, vaccinator, recorded_by, certificate, "
    "certificate_id, kid, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
    "$11, $12, $13, $14, $15, $16) RETURNING id"};
#define KB_DOSE_COLUMNS                                                                        \
  "d.id, d.person_id, d.campaign_id, d.venue_id, d.slot_id, d.product, d.lot, d.dose_number, " \
  "d.total_doses, d.vaccinated_at, d.vaccinator, d.certificate, d.certificate_id, d.kid, "     \
  "d.issued_at, d.expires_at, c.name, v.name FROM vaccination_doses d "                        \
  "JOIN vaccination_campaigns c ON c.id = d.campaign_id JOIN venues v ON v.id = d.venue_id "
constexpr Sql kSelectDosesOfPerson{"vaccination_select_doses_of_person",
                                   "SELECT " KB_DOSE_COLUMNS
                                   "WHERE d.person_id = $1 ORDER BY d.vaccinated_at, d.id"};
constexpr Sql kSelectDose{"vaccination_select_dose", "SELECT " KB_DOSE_COLUMNS "WHERE d.id = $1"};
#undef KB_DOSE_COLUMNS
constexpr Sql kSelectDoseNumber{
    "vaccination_select_dose_number",
    "SELECT id FROM vaccination_doses WHERE person_id = $1 AND dose_number = $2"};
constexpr Sql kSetVaccinated{
    "vaccination_set_vaccinated",
    "UPDATE vaccination_invitees SET status = 'vaccinated', slot_id = $3 WHERE campaign_id = $1 "
    "AND person_id = $2"};
constexpr Sql kInsertReaction{
    "vaccination_insert_reaction",
    "INSERT INTO vaccination_reactions (dose_id, severity, description, recorded_by, "
    "recorded_at) VALUES ($1, $2, $3, $4, $5) RETURNING id"};

constexpr size_t kMaxProducts = 10;
constexpr size_t kMaxGroups = 20;
constexpr size_t kMaxListed = 5000;

Param opt(const std::optional<int64_t>& v) { return v ? Param{*v} : Param{nullptr}; }

std::string json_list(const std::vector<std::string>& items) {
  return json::serialize(json::value_from(items));
}

std::vector<std::string> list_from(const std::string& text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& item : v.as_array()) {
    if (item.is_string()) out.emplace_back(item.as_string());
  }
  return out;
}

Campaign campaign_from(const Row& r) {
  Campaign c;
  c.id = r.i64(0);
  c.name = r.str(1);
  c.province_code = r.str(2);
  c.ward_code = r.str(3);
  c.products = list_from(r.str(4));
  c.priority_groups = list_from(r.str(5));
  c.total_doses = r.i64(6);
  c.created_by = r.i64(7);
  c.created_at = r.i64(8);
  return c;
}

Result<std::vector<Site>> sites_of(store::Connection& c, int64_t campaign_id) {
  KB_ASSIGN(auto rows, c.query(kSelectSites, {campaign_id}));
  std::vector<Site> out;
  for (const auto& r : rows) {
    out.push_back(Site{r.i64(0), r.str(1), r.str(2), r.str(3), r.str(4), r.str(5)});
  }
  return out;
}

Error campaign_not_found() {
  return Error{ErrorKind::kNotFound, "campaign_not_found", "no such campaign", "id"};
}

// The campaign with its sites, whoever asks (checks are the callers').
Result<Campaign> load_campaign(store::Connection& c, int64_t id) {
  KB_ASSIGN(auto row, c.query_one(kSelectCampaign, {id}));
  if (!row) return campaign_not_found();
  Campaign out = campaign_from(*row);
  KB_ASSIGN(out.sites, sites_of(c, id));
  return out;
}

// The campaign if the official is in charge of its area; kNotFound otherwise.
Result<Campaign> campaign_of_official(store::Connection& c, const accounts::User& official,
                                      int64_t id) {
  KB_TRY(access::official(official));
  KB_ASSIGN(Campaign campaign, load_campaign(c, id));
  if (!access::in_charge_of(official, campaign.province_code, campaign.ward_code)) {
    return campaign_not_found();
  }
  return campaign;
}

Result<CampaignView> view_of(store::Connection& c, Campaign campaign) {
  CampaignView v;
  KB_ASSIGN(v.slots, slots::slots_of(c, slots::Owner{kSlotOwner, campaign.id}));
  KB_ASSIGN(auto rows, c.query(kCountStatuses, {campaign.id}));
  for (const auto& r : rows) {
    std::string status = r.str(0);
    int64_t n = r.i64(1);
    v.figures.listed += n;
    if (status != "listed") {
      v.figures.invited += n;
      if (status != "declined" && status != "vaccinated") v.figures.unassigned += r.i64(2);
    }
    if (status == "confirmed") v.figures.confirmed += n;
    if (status == "declined") v.figures.declined += n;
    if (status == "vaccinated") v.figures.vaccinated += n;
    v.figures.flagged += r.i64(3);
  }
  v.campaign = std::move(campaign);
  return v;
}

bool is_site_kind(venues::Kind k) {
  return k == venues::Kind::kHospital || k == venues::Kind::kVaccinationSite;
}

Result<venues::Venue> site_venue(store::Connection& c, int64_t venue_id, std::string_view field) {
  KB_ASSIGN(auto venue, venues::find(c, venue_id));
  if (!venue) {
    return Error{ErrorKind::kNotFound, "venue_not_found", "no such venue", std::string(field)};
  }
  if (!is_site_kind(venue->kind)) {
    return invalid(std::string(field), "not_a_site",
                   "a vaccination site is a venue of kind hospital or vaccination_site");
  }
  return std::move(*venue);
}

Status check_slot_sites(const Campaign& campaign, const std::vector<slots::NewSlot>& slots) {
  for (const auto& s : slots) {
    bool ok = std::any_of(campaign.sites.begin(), campaign.sites.end(),
                          [&](const Site& site) { return site.venue_id == s.venue_id; });
    if (!ok) return invalid("slots", "not_a_site", "a slot's venue_id is one of the sites");
  }
  return {};
}

Status check_new_campaign(const NewCampaign& n) {
  if (n.name.empty()) return invalid("name", "missing_field", "name the campaign");
  if (n.products.empty() || n.products.size() > kMaxProducts) {
    return invalid("products", "missing_field", "list 1 to 10 vaccine products");
  }
  for (const auto& p : n.products) {
    if (!certificates::value_set_display(certificates::ValueSet::kVaccineProduct, p)) {
      return invalid("products", "unknown_product",
                     fmt::format("'{}' is not in the EU vaccine product value set", p));
    }
  }
  if (n.priority_groups.size() > kMaxGroups) {
    return invalid("priority_groups", "too_many", "at most 20 priority groups");
  }
  for (const auto& g : n.priority_groups) {
    if (g.empty() || g.size() > 100) {
      return invalid("priority_groups", "invalid_group", "a group is 1 to 100 characters");
    }
  }
  if (n.total_doses < 1 || n.total_doses > 9) {
    return invalid("total_doses", "out_of_range", "a course has 1 to 9 doses");
  }
  return {};
}

std::string local_time(int64_t t) { return format_rfc3339(t).substr(11, 5); }
std::string local_day(int64_t t) {
  std::string s = format_rfc3339(t);
  return fmt::format("{}/{}/{}", s.substr(8, 2), s.substr(5, 2), s.substr(0, 4));
}

std::string invitation_body(const Campaign& campaign, const std::string& full_name,
                            const std::optional<slots::Slot>& slot, const Site* site,
                            const std::string& link) {
  std::string where = site && slot
                          ? fmt::format("{}, {} {}–{}", site->name, local_day(slot->starts_at),
                                        local_time(slot->starts_at), local_time(slot->ends_at))
                          : std::string("chưa có chỗ trống, sẽ báo lại / no free slot yet");
  return fmt::format(
      "{}: mời {} tiêm vắc xin tại {}. Khai báo sàng lọc và xác nhận / screening and reply: {}",
      campaign.name, full_name.empty() ? "bạn" : full_name, where, link);
}

const Site* site_by_venue(const Campaign& campaign, int64_t venue_id) {
  for (const auto& s : campaign.sites) {
    if (s.venue_id == venue_id) return &s;
  }
  return nullptr;
}

int64_t rank_of(const Campaign& campaign, const std::string& group) {
  auto it = std::find(campaign.priority_groups.begin(), campaign.priority_groups.end(), group);
  return it == campaign.priority_groups.end()
             ? static_cast<int64_t>(campaign.priority_groups.size())
             : it - campaign.priority_groups.begin();
}

std::vector<slots::OpenSlot> open_slots(const Campaign& campaign,
                                        const std::vector<slots::Slot>& all, int64_t now,
                                        std::optional<int64_t> except) {
  std::vector<slots::OpenSlot> out;
  for (const auto& s : all) {
    if (s.free() <= 0 || s.ends_at <= now || (except && s.id == *except)) continue;
    const Site* site = site_by_venue(campaign, s.venue_id);
    if (!site) continue;
    out.push_back(
        slots::OpenSlot{s.id, s.starts_at, s.free(), site->province_code, site->ward_code});
  }
  return out;
}

std::vector<Flag> flags_from(const std::string& screening) {
  if (screening.empty()) return {};
  boost::system::error_code ec;
  json::value v = json::parse(screening, ec);
  if (ec) return {};
  auto a = parse_answers(v);
  return a.ok() ? flagged(*a) : std::vector<Flag>{};
}

Dose dose_from(const Row& r) {
  Dose d;
  d.id = r.i64(0);
  d.person_id = r.i64(1);
  d.campaign_id = r.i64(2);
  d.venue_id = r.i64(3);
  d.slot_id = r.opt_i64(4);
  d.product = r.str(5);
  d.lot = r.str(6);
  d.dose_number = r.i64(7);
  d.total_doses = r.i64(8);
  d.vaccinated_at = r.i64(9);
  d.vaccinator = r.str(10);
  d.certificate = r.str(11);
  d.certificate_id = r.str(12);
  d.kid = r.str(13);
  d.issued_at = r.i64(14);
  d.expires_at = r.i64(15);
  d.campaign_name = r.str(16);
  d.venue_name = r.str(17);
  return d;
}

Result<std::vector<Dose>> doses_of(store::Connection& c, int64_t person_id) {
  KB_ASSIGN(auto rows, c.query(kSelectDosesOfPerson, {person_id}));
  std::vector<Dose> out;
  for (const auto& r : rows) out.push_back(dose_from(r));
  return out;
}

Error invitation_not_found() {
  return Error{ErrorKind::kNotFound, "invitation_not_found", "no such invitation", "token"};
}

Result<Invitation> invitation_from(store::Connection& c, const Row& r) {
  Invitation inv;
  int64_t campaign_id = r.i64(0);
  inv.person_id = r.i64(1);
  inv.status = r.str(2);
  auto slot_id = r.opt_i64(3);
  std::string screening = r.str(4);
  inv.token = r.str(5);
  KB_ASSIGN(inv.campaign, load_campaign(c, campaign_id));
  KB_ASSIGN(auto person, people::find(c, inv.person_id));
  if (person) inv.full_name = person->full_name;
  if (slot_id) {
    KB_ASSIGN(auto slot,
              slots::slot_of(c, slots::Owner{kSlotOwner, campaign_id}, *slot_id, "slot_id"));
    if (const Site* site = site_by_venue(inv.campaign, slot.venue_id)) inv.site = *site;
    inv.slot = std::move(slot);
  }
  if (!screening.empty()) {
    boost::system::error_code ec;
    json::value v = json::parse(screening, ec);
    if (!ec) {
      auto a = parse_answers(v);
      if (a.ok()) {
        inv.flags = flagged(*a);
        inv.screening = std::move(*a);
      }
    }
  }
  KB_ASSIGN(auto doses, doses_of(c, inv.person_id));
  for (auto& d : doses) {
    if (d.campaign_id == campaign_id) inv.doses.push_back(std::move(d));
  }
  return inv;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\r' || s.back() == '\n' || s.back() == '\t'))
    s.remove_suffix(1);
  return s;
}

Error person_not_found(std::string_view what) {
  return Error{ErrorKind::kNotFound, "person_not_found",
               fmt::format("nobody known has this {}", what), "payload"};
}

// The person a scanned or typed code names (never records anyone: nobody new is invited).
Result<int64_t> person_of_code(store::Connection& c, std::string_view text, int64_t now) {
  if (qr::looks_like_personal_qr(text)) {
    KB_ASSIGN(auto check, qr::check_personal_qr(c, text, now));
    if (check.verdict != qr::Verdict::kValid) return qr::refusal(check.verdict, "payload");
    return check.person_id;
  }
  std::string id_number;
  if (scan::looks_like_cccd(text)) {
    KB_ASSIGN(scan::CccdCard card, scan::parse_cccd(text, now));
    id_number = card.id_number;
  } else if (all_digits(text) && text.size() == 12) {
    id_number = std::string(text);
  } else {
    return invalid("payload", "unrecognised_payload",
                   "not an invitation QR, a personal QR, a CCCD QR or a 12-digit CCCD number");
  }
  KB_ASSIGN(auto person, people::find_by_id_number(c, id_number));
  if (!person) return person_not_found("CCCD number");
  return person->id;
}

Result<Listed> list_many(store::Connection& c, int64_t campaign_id,
                         const std::vector<std::pair<int64_t, std::string>>& people,
                         std::optional<int64_t> import_id, int64_t now) {
  Listed out;
  for (const auto& [person_id, group] : people) {
    KB_ASSIGN(int64_t n, c.exec(kInsertInvitee, {campaign_id, person_id, std::string_view(group),
                                                 opt(import_id), now}));
    (n ? out.added : out.already) += 1;
  }
  return out;
}

}  // namespace

Result<CampaignView> create_campaign(store::Connection& c, const areas::AreaDirectory& areas,
                                     const accounts::User& official, const NewCampaign& n,
                                     int64_t now) {
  KB_TRY(access::official(official));
  KB_TRY(check_new_campaign(n));
  std::string province = n.province_code;
  if (province.empty() && official.jurisdiction) {
    const auto& j = *official.jurisdiction;
    if (j.level == areas::Jurisdiction::Level::kProvince) province = j.code;
    if (j.level == areas::Jurisdiction::Level::kWard) {
      if (const auto* w = areas.ward(j.code)) province = w->province_code;
    }
  }
  if (province.empty() || !areas.province(province)) {
    return invalid("province_code", "unknown_province", "name the campaign's province");
  }
  if (!n.ward_code.empty()) {
    const auto* w = areas.ward(n.ward_code);
    if (!w || w->province_code != province) {
      return invalid("ward_code", "unknown_ward", "no such ward in the province");
    }
  }
  KB_TRY(access::in_charge(official, province, n.ward_code));
  for (int64_t venue_id : n.venue_ids) KB_TRY(site_venue(c, venue_id, "venue_ids"));
  KB_ASSIGN(auto row, c.query_one(kInsertCampaign,
                                  {std::string_view(n.name), std::string_view(province),
                                   std::string_view(n.ward_code), json_list(n.products),
                                   json_list(n.priority_groups), n.total_doses, official.id, now}));
  int64_t id = row->i64(0);
  for (int64_t venue_id : n.venue_ids) KB_TRY(c.exec(kInsertSite, {id, venue_id}));
  KB_ASSIGN(Campaign campaign, load_campaign(c, id));
  KB_TRY(check_slot_sites(campaign, n.slots));
  KB_TRY(slots::add_slots(c, slots::Owner{kSlotOwner, id}, n.slots));
  return view_of(c, std::move(campaign));
}

Result<CampaignView> campaign_for(store::Connection& c, const accounts::User& official,
                                  int64_t id) {
  KB_ASSIGN(Campaign campaign, campaign_of_official(c, official, id));
  return view_of(c, std::move(campaign));
}

Result<std::vector<CampaignView>> list_campaigns(store::Connection& c,
                                                 const accounts::User& official, int64_t limit) {
  KB_TRY(access::official(official));
  const auto& j = official.jurisdiction;
  // A province official reads the province's campaigns; others read all and keep theirs.
  bool province = j && j->level == areas::Jurisdiction::Level::kProvince;
  Result<store::Rows> rows = province ? c.query(kSelectCampaignsOfProvince, {j->code, limit})
                                      : c.query(kSelectCampaignsAll, {limit});
  if (!rows.ok()) return std::move(rows).error();
  std::vector<CampaignView> out;
  for (const auto& r : *rows) {
    Campaign campaign = campaign_from(r);
    if (!access::in_charge_of(official, campaign.province_code, campaign.ward_code)) continue;
    KB_ASSIGN(campaign.sites, sites_of(c, campaign.id));
    KB_ASSIGN(auto v, view_of(c, std::move(campaign)));
    out.push_back(std::move(v));
  }
  return out;
}

Result<CampaignView> add_site(store::Connection& c, const accounts::User& official,
                              int64_t campaign_id, int64_t venue_id, std::string_view venue_code) {
  KB_ASSIGN(Campaign campaign, campaign_of_official(c, official, campaign_id));
  if (venue_id == 0) {
    KB_ASSIGN(auto venue, venues::find_by_code(c, venue_code));
    if (!venue) {
      return Error{ErrorKind::kNotFound, "venue_not_found", "no venue has this code", "venue_code"};
    }
    venue_id = venue->id;
  }
  KB_TRY(site_venue(c, venue_id, "venue_id"));
  KB_TRY(c.exec(kInsertSite, {campaign_id, venue_id}));
  KB_ASSIGN(campaign.sites, sites_of(c, campaign_id));
  return view_of(c, std::move(campaign));
}

Result<CampaignView> add_slots(store::Connection& c, const accounts::User& official,
                               int64_t campaign_id, const std::vector<slots::NewSlot>& slots) {
  KB_ASSIGN(Campaign campaign, campaign_of_official(c, official, campaign_id));
  if (slots.empty()) return invalid("slots", "missing_field", "add at least one slot");
  KB_TRY(check_slot_sites(campaign, slots));
  KB_TRY(slots::add_slots(c, slots::Owner{kSlotOwner, campaign_id}, slots));
  return view_of(c, std::move(campaign));
}

Result<Listed> list_import(store::Connection& c, const accounts::User& official,
                           int64_t campaign_id, int64_t import_id, int64_t now) {
  KB_TRY(campaign_of_official(c, official, campaign_id));
  KB_ASSIGN(auto state, c.query_one(kSelectImport, {import_id}));
  if (!state) {
    return Error{ErrorKind::kNotFound, "import_not_found", "no such import", "import_id"};
  }
  if (state->str(0) != "done") {
    return Error{ErrorKind::kConflict, "import_not_done", "the import has not finished",
                 "import_id"};
  }
  KB_ASSIGN(auto rows, c.query(kSelectAccepted, {import_id}));
  std::vector<std::pair<int64_t, std::string>> people;
  people.reserve(rows.size());
  for (const auto& r : rows) people.emplace_back(r.i64(0), r.str(1));
  KB_ASSIGN(Listed out, list_many(c, campaign_id, people, import_id, now));
  std::string subject = fmt::format("vaccination_campaign:{}", campaign_id);
  std::string detail = fmt::format("import:{} added {}", import_id, out.added);
  KB_TRY(audit::record(c, {now, official.id, "vaccination.list_import", subject, "", detail},
                       official));
  return out;
}

Result<Listed> list_people(store::Connection& c, const accounts::User& official,
                           int64_t campaign_id, const std::vector<int64_t>& person_ids,
                           std::string_view priority_group, int64_t now) {
  KB_TRY(campaign_of_official(c, official, campaign_id));
  if (person_ids.empty() || person_ids.size() > kMaxListed) {
    return invalid("person_ids", "missing_field", "list 1 to 5000 people");
  }
  std::vector<std::pair<int64_t, std::string>> people;
  for (int64_t id : person_ids) {
    KB_ASSIGN(auto p, people::find(c, id));
    if (!p) {
      return Error{ErrorKind::kNotFound, "person_not_found", fmt::format("no person {}", id),
                   "person_ids"};
    }
    people.emplace_back(id, std::string(priority_group));
  }
  return list_many(c, campaign_id, people, std::nullopt, now);
}

Result<std::vector<Invitee>> invitees(store::Connection& c, const accounts::User& official,
                                      int64_t campaign_id, std::string_view reason, int64_t limit,
                                      int64_t now) {
  KB_TRY(campaign_of_official(c, official, campaign_id));
  KB_ASSIGN(auto rows, c.query(kSelectInvitees, {campaign_id, limit}));
  std::vector<Invitee> out;
  for (const auto& r : rows) {
    Invitee i;
    i.person_id = r.i64(0);
    i.full_name = sealing::reveal(r.str(1));  // sealed at rest (crypto/sealing.h)
    i.phone = sealing::reveal(r.str(2));
    i.province_code = r.str(3);
    i.ward_code = r.str(4);
    i.priority_group = r.str(5);
    i.status = r.str(6);
    i.slot_id = r.opt_i64(7);
    i.screened = !r.str(8).empty();
    i.flags = flags_from(r.str(8));
    out.push_back(std::move(i));
  }
  std::string subject = fmt::format("vaccination_campaign:{}", campaign_id);
  std::string detail = fmt::format("{} people", out.size());
  KB_TRY(
      audit::record(c, {now, official.id, "vaccination.list", subject, reason, detail}, official));
  return out;
}

Result<SentInvitations> send_invitations(store::Connection& c, const accounts::User& official,
                                         int64_t campaign_id, std::string_view base_url,
                                         int64_t now) {
  KB_ASSIGN(Campaign campaign, campaign_of_official(c, official, campaign_id));
  KB_ASSIGN(auto rows, c.query(kSelectToInvite, {campaign_id}));
  std::vector<slots::Candidate> candidates;
  for (const auto& r : rows) {
    candidates.push_back(
        slots::Candidate{r.i64(0), rank_of(campaign, r.str(1)), r.str(2), r.str(3)});
  }
  const slots::Owner owner{kSlotOwner, campaign_id};
  KB_ASSIGN(auto all, slots::slots_of(c, owner));
  auto plan = slots::assign(candidates, open_slots(campaign, all, now, std::nullopt));
  SentInvitations out;
  for (const auto& a : plan) {
    std::optional<slots::Slot> slot;
    if (a.slot_id) {
      KB_TRY(slots::book(c, *a.slot_id));
      KB_ASSIGN(slot, slots::slot_of(c, owner, *a.slot_id));
    }
    std::string token = random_token(16);
    KB_TRY(c.exec(kSetInvited,
                  {campaign_id, a.candidate_id, std::string_view(token), opt(a.slot_id), now}));
    KB_ASSIGN(auto person, people::find(c, a.candidate_id));
    std::string link = fmt::format("{}/invitation/{}", base_url, token);
    notify::PersonalMessage m;
    m.person_id = a.candidate_id;
    m.kind = notify::Kind::kVaccination;
    m.title = fmt::format("Giấy mời tiêm chủng: {}", campaign.name);
    if (m.title.size() > notify::kMaxTitleBytes) m.title = "Giấy mời tiêm chủng";
    m.body = invitation_body(campaign, person ? person->full_name : "", slot,
                             slot ? site_by_venue(campaign, slot->venue_id) : nullptr, link);
    m.link = link;
    m.dedupe_key = fmt::format("vaccination:{}:invitation", campaign_id);
    m.sender_id = official.id;
    m.lane = notify::Lane::kBulk;
    KB_ASSIGN(auto sent, notify::send_personal(c, m, now));
    if (sent.created) out.messaged.push_back(a.candidate_id);
    ++out.invited;
    if (!a.slot_id) ++out.unassigned;
  }
  std::string subject = fmt::format("vaccination_campaign:{}", campaign_id);
  KB_TRY(audit::record(
      c,
      {now, official.id, "vaccination.invite", subject, "", fmt::format("{} invited", out.invited)},
      official));
  return out;
}

Result<Invitation> invitation(store::Connection& c, std::string_view token) {
  if (token.empty() || token.size() > 64) return invitation_not_found();
  KB_ASSIGN(auto row, c.query_one(kSelectByToken, {token}));
  if (!row) return invitation_not_found();
  return invitation_from(c, *row);
}

Result<Invitation> reply(store::Connection& c, std::string_view token, Reply r, int64_t now) {
  KB_ASSIGN(Invitation inv, invitation(c, token));
  if (inv.status == "vaccinated") {
    return Error{ErrorKind::kConflict, "already_vaccinated", "this invitation was used", "token"};
  }
  std::optional<int64_t> slot_id;
  if (inv.slot) slot_id = inv.slot->id;
  std::string status = "confirmed";
  if (r == Reply::kDecline) {
    if (slot_id) KB_TRY(slots::release(c, *slot_id));
    slot_id.reset();
    status = "declined";
  } else if (r == Reply::kAnotherSlot || !slot_id) {
    KB_ASSIGN(auto person, people::find(c, inv.person_id));
    slots::Candidate who{inv.person_id, 0, person ? person->province_code : "",
                         person ? person->ward_code : ""};
    KB_ASSIGN(auto all, slots::slots_of(c, slots::Owner{kSlotOwner, inv.campaign.id}));
    auto plan = slots::assign({who}, open_slots(inv.campaign, all, now, slot_id));
    if (plan.empty() || !plan.front().slot_id) {
      return Error{ErrorKind::kConflict, "no_free_slot", "no other slot has a free place",
                   "slot_id"};
    }
    KB_TRY(slots::move(c, slot_id, *plan.front().slot_id));
    slot_id = plan.front().slot_id;
  }
  KB_TRY(c.exec(kSetReply, {token, std::string_view(status), opt(slot_id), now}));
  return invitation(c, token);
}

Result<Invitation> answer_screening(store::Connection& c, std::string_view token,
                                    const Answers& answers, int64_t now) {
  KB_ASSIGN(Invitation inv, invitation(c, token));
  std::string text = json::serialize(answers_json(answers));
  std::string flags = json::serialize(flags_json(flagged(answers)));
  KB_TRY(c.exec(kSetScreening, {token, std::string_view(text), std::string_view(flags), now}));
  return invitation(c, token);
}

Result<std::vector<Invitation>> invitations_of_account(store::Connection& c, int64_t account_id,
                                                       std::string_view phone) {
  KB_ASSIGN(auto rows, c.query(kSelectTokensOfAccount, {account_id}));
  KB_ASSIGN(auto unmanaged, people::unmanaged_with_phone(c, phone));
  for (int64_t person_id : unmanaged) {
    KB_ASSIGN(auto theirs, c.query(kSelectTokensOfPerson, {person_id}));
    for (auto& r : theirs) rows.push_back(std::move(r));
  }
  std::vector<Invitation> out;
  for (const auto& r : rows) {
    KB_ASSIGN(auto inv, invitation(c, r.str(0)));
    out.push_back(std::move(inv));
  }
  return out;
}

Result<Invitation> attendee(store::Connection& c, const accounts::User& user, int64_t venue_id,
                            std::string_view payload, int64_t now) {
  KB_ASSIGN(auto venue, site_venue(c, venue_id, "venue_id"));
  KB_ASSIGN(auto role, access::venue_role(c, user, venue));
  // Nobody but the site's people and officials learns whom a code names (a campaign's officials
  // are checked below, once the campaign is known).
  if (role == access::VenueRole::kNone && user.role != accounts::Role::kOfficial) {
    KB_TRY(access::vaccinates_at(user, role, "", ""));
  }
  std::string_view text = trim(payload);
  if (text.empty()) return invalid("payload", "empty", "scan or type a code");
  std::string token;
  if (text.starts_with(kInvitationQrPrefix)) {
    token = std::string(text.substr(kInvitationQrPrefix.size()));
  } else {
    KB_ASSIGN(int64_t person_id, person_of_code(c, text, now));
    KB_ASSIGN(auto row, c.query_one(kSelectTokenAtVenue, {person_id, venue_id}));
    if (row) token = row->str(0);
  }
  auto inv = invitation(c, token);
  bool here = inv.ok() && site_by_venue(inv->campaign, venue_id);
  if (!here) {
    if (!inv.ok() && inv.error().kind != ErrorKind::kNotFound) return std::move(inv).error();
    return Error{ErrorKind::kNotFound, "not_invited",
                 "this person has no invitation of a campaign at this site", "payload"};
  }
  KB_TRY(access::vaccinates_at(user, role, inv->campaign.province_code, inv->campaign.ward_code));
  std::string subject = fmt::format("person:{}", inv->person_id);
  KB_TRY(audit::record(c,
                       {now, user.id, "vaccination.scan", subject, "vaccination site",
                        fmt::format("venue:{}", venue_id)},
                       user));
  return inv;
}

Result<Dose> record_dose(store::Connection& c, const accounts::User& user, const NewDose& n,
                         int64_t now) {
  KB_ASSIGN(Campaign campaign, load_campaign(c, n.campaign_id));
  KB_ASSIGN(auto venue, site_venue(c, n.venue_id, "venue_id"));
  if (!site_by_venue(campaign, n.venue_id)) {
    return invalid("venue_id", "not_a_site", "this venue is not one of the campaign's sites");
  }
  KB_ASSIGN(auto role, access::venue_role(c, user, venue));
  KB_TRY(access::vaccinates_at(user, role, campaign.province_code, campaign.ward_code));
  KB_ASSIGN(auto invitee, c.query_one(kSelectInvitee, {n.campaign_id, n.person_id}));
  if (!invitee || invitee->is_null(5)) {
    return invalid("person_id", "not_invited", "this person was not invited to this campaign");
  }
  if (std::find(campaign.products.begin(), campaign.products.end(), n.product) ==
      campaign.products.end()) {
    return invalid("product", "product_not_in_campaign",
                   "this product is not one the campaign gives");
  }
  if (n.lot.empty()) return invalid("lot", "missing_field", "give the lot number");
  if (n.vaccinator.empty()) return invalid("vaccinator", "missing_field", "name the vaccinator");
  if (n.dose_number < 1 || n.dose_number > 9) {
    return invalid("dose_number", "out_of_range", "a dose number is 1 to 9");
  }
  int64_t at = n.vaccinated_at.value_or(now);
  if (at > now + 300) return invalid("vaccinated_at", "in_future", "a dose is not in the future");
  KB_ASSIGN(auto given, c.query_one(kSelectDoseNumber, {n.person_id, n.dose_number}));
  if (given) {
    return Error{ErrorKind::kConflict, "dose_recorded", "this dose number is recorded already",
                 "dose_number"};
  }
  std::optional<int64_t> slot_id = invitee->opt_i64(3);
  if (n.slot_id && n.slot_id != slot_id) {
    KB_ASSIGN(auto slot, slots::slot_of(c, slots::Owner{kSlotOwner, n.campaign_id}, *n.slot_id));
    if (slot.venue_id != n.venue_id) {
      return invalid("slot_id", "not_this_site", "the slot is at another site");
    }
    KB_TRY(slots::move(c, invitee->str(2) == "declined" ? std::nullopt : slot_id, *n.slot_id));
    slot_id = n.slot_id;
  }
  KB_ASSIGN(auto person, people::find(c, n.person_id));
  if (!person) return invalid("person_id", "not_invited", "no such person");
  certificates::DoseRecord record;
  record.full_name = person->full_name;
  record.birth_date = person->birth_date;
  record.product = n.product;
  record.dose_number = n.dose_number;
  record.total_doses = campaign.total_doses;
  record.vaccinated_on = format_rfc3339(at).substr(0, 10);
  KB_ASSIGN(auto cert, certificates::issue_vaccination_certificate(c, record, now));
  KB_ASSIGN(
      auto row,
      c.query_one(kInsertDose, {n.person_id, n.campaign_id, n.venue_id, opt(slot_id),
                                std::string_view(n.product), std::string_view(n.lot), n.dose_number,
                                campaign.total_doses, at, std::string_view(n.vaccinator), user.id,
                                std::string_view(cert.text), std::string_view(cert.certificate_id),
                                std::string_view(cert.kid), cert.issued_at, cert.expires_at}));
  KB_TRY(c.exec(kSetVaccinated, {n.campaign_id, n.person_id, opt(slot_id)}));
  KB_TRY(audit::record(c,
                       {now, user.id, "vaccination.dose", fmt::format("person:{}", n.person_id), "",
                        fmt::format("campaign:{} dose {}", n.campaign_id, n.dose_number)},
                       user));
  KB_ASSIGN(auto stored, c.query_one(kSelectDose, {row->i64(0)}));
  return dose_from(*stored);
}

Result<Reaction> record_reaction(store::Connection& c, const accounts::User& user, int64_t dose_id,
                                 std::string_view severity, std::string_view description,
                                 int64_t now) {
  KB_ASSIGN(auto row, c.query_one(kSelectDose, {dose_id}));
  if (!row) {
    return Error{ErrorKind::kNotFound, "dose_not_found", "no such dose", "id"};
  }
  Dose dose = dose_from(*row);
  KB_ASSIGN(Campaign campaign, load_campaign(c, dose.campaign_id));
  KB_ASSIGN(auto venue, venues::find(c, dose.venue_id));
  if (!venue) return Error{ErrorKind::kNotFound, "dose_not_found", "no such dose", "id"};
  KB_ASSIGN(auto role, access::venue_role(c, user, *venue));
  KB_TRY(access::vaccinates_at(user, role, campaign.province_code, campaign.ward_code));
  if (severity != "mild" && severity != "moderate" && severity != "severe" &&
      severity != "anaphylaxis") {
    return invalid("severity", "invalid_severity",
                   "severity is mild, moderate, severe or anaphylaxis");
  }
  if (description.empty()) return invalid("description", "missing_field", "describe the reaction");
  // What the person felt is sealed at rest (crypto/sealing.h).
  KB_ASSIGN(auto id, c.query_one(kInsertReaction,
                                 {dose_id, severity, sealing::seal(description), user.id, now}));
  KB_TRY(audit::record(c,
                       {now, user.id, "vaccination.reaction",
                        fmt::format("person:{}", dose.person_id), "", std::string(severity)},
                       user));
  return Reaction{id->i64(0), dose_id, std::string(severity), std::string(description), now};
}

Result<std::vector<Dose>> certificates_of(store::Connection& c, const accounts::User& user,
                                          int64_t person_id, std::string_view reason, int64_t now) {
  Error not_found{ErrorKind::kNotFound, "person_not_found", "no such person", "id"};
  KB_ASSIGN(auto person, people::find(c, person_id));
  if (!person) return not_found;
  if (user.role == accounts::Role::kCitizen) {
    KB_ASSIGN(bool mine, access::manages(c, user.id, person_id));
    if (!mine) return not_found;
    return doses_of(c, person_id);
  }
  auto [province, ward] = identity::area_of(*person);
  if (!access::in_charge_of(user, province, ward)) return not_found;
  if (reason.size() < 3) {
    return invalid("reason", "missing_reason", "give a reason for reading personal data");
  }
  KB_TRY(audit::record(
      c, {now, user.id, "certificates.read", fmt::format("person:{}", person_id), reason, ""},
      user));
  return doses_of(c, person_id);
}

}  // namespace kb::vaccination
