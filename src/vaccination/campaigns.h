// Vaccination campaigns: what is given where and when, who is on the list, their invitations,
// the screening they answered at home, and the doses given at the sites with a certificate each.
//
// A campaign belongs to one province (or one ward of it): officials in charge of that area run it
// (access::in_charge); outside it a campaign answers kNotFound. Its sites are venues of kind
// hospital or vaccination_site; its slots are a slots:: owner ("vaccination", campaign id).
// The list is filled from a raw-list import's accepted rows (their priority group as the list
// gave it) or with people named by id. Sending invitations assigns every listed person a slot
// (slots/assignment.h: the campaign's priority groups in order, then the nearest site) and sends
// each one personal message (bulk lane) with the site, the time and a link to the invitation.
//
// The invitation's token is its capability: it is sent only to the person (their phone, the
// inbox of the account that manages them) and is the QR staff scan at the site; whoever holds it
// may answer the screening, confirm, ask for another slot or decline.
//
// At the site, the venue's staff (access::scans_at_venue) or an official in charge of the
// campaign find the person (invitation QR, personal QR, CCCD), see the screening, and record a
// dose: every check passes or nothing is written, and the dose's EU DCC is issued and stored in
// the same write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "core/result.h"
#include "people/person.h"
#include "slots/slots.h"
#include "store/database.h"
#include "vaccination/screening.h"

namespace kb::vaccination {

inline constexpr std::string_view kSlotOwner = "vaccination";
inline constexpr std::string_view kInvitationQrPrefix = "KBV1.";
// How long staff watch a person after a dose.
inline constexpr int64_t kObservationSeconds = 30 * 60;

struct NewCampaign {
  std::string name;
  std::string province_code;                 // empty: the official's own province
  std::string ward_code;                     // optional
  std::vector<std::string> products;         // EU value-set codes (mp)
  std::vector<std::string> priority_groups;  // in order: the first is invited first
  int64_t total_doses = 2;                   // sd of the certificates
  std::vector<int64_t> venue_ids;
  std::vector<slots::NewSlot> slots;
};

struct Site {
  int64_t venue_id = 0;
  std::string name, kind, province_code, ward_code, street;
};

struct Campaign {
  int64_t id = 0;
  std::string name, province_code, ward_code;
  std::vector<std::string> products, priority_groups;
  int64_t total_doses = 2;
  int64_t created_by = 0, created_at = 0;
  std::vector<Site> sites;
};

struct Figures {
  int64_t listed = 0, invited = 0, confirmed = 0, declined = 0, vaccinated = 0;
  int64_t unassigned = 0;  // invited without a slot (none was free)
  int64_t flagged = 0;     // screenings with a flagged answer
};

struct CampaignView {
  Campaign campaign;
  std::vector<slots::Slot> slots;
  Figures figures;
};

// Errors name the field: name, province_code, ward_code, products (unknown_product: not in the
// EU value set), priority_groups, total_doses, venue_ids (venue_not_found, not_a_site: another
// kind), slots. kForbidden outside the official's jurisdiction.
Result<CampaignView> create_campaign(store::Connection& c, const areas::AreaDirectory& areas,
                                     const accounts::User& official, const NewCampaign& n,
                                     int64_t now);
Result<CampaignView> campaign_for(store::Connection& c, const accounts::User& official, int64_t id);
Result<std::vector<CampaignView>> list_campaigns(store::Connection& c,
                                                 const accounts::User& official, int64_t limit);
// A site by the venue's id, or by its code (venue_code: the poster's) when the id is 0.
Result<CampaignView> add_site(store::Connection& c, const accounts::User& official,
                              int64_t campaign_id, int64_t venue_id, std::string_view venue_code);
// Slots at the campaign's sites (slot venue_id must be one of them).
Result<CampaignView> add_slots(store::Connection& c, const accounts::User& official,
                               int64_t campaign_id, const std::vector<slots::NewSlot>& slots);

// ---- the list ----

struct Listed {
  int64_t added = 0;    // new on the list
  int64_t already = 0;  // were on it
};
// The import's accepted rows (clean and fixed, with their person). Errors: import_id
// (import_not_found, import_not_done).
Result<Listed> list_import(store::Connection& c, const accounts::User& official,
                           int64_t campaign_id, int64_t import_id, int64_t now);
// People by id (person_ids: person_not_found names the first unknown).
Result<Listed> list_people(store::Connection& c, const accounts::User& official,
                           int64_t campaign_id, const std::vector<int64_t>& person_ids,
                           std::string_view priority_group, int64_t now);

struct Invitee {
  int64_t person_id = 0;
  std::string full_name, phone, province_code, ward_code;
  std::string priority_group, status;
  std::optional<int64_t> slot_id;
  bool screened = false;
  std::vector<Flag> flags;
};
// The list, audited as a read of personal data with `reason` (action vaccination.list).
Result<std::vector<Invitee>> invitees(store::Connection& c, const accounts::User& official,
                                      int64_t campaign_id, std::string_view reason, int64_t limit,
                                      int64_t now);

// ---- invitations ----

struct SentInvitations {
  int64_t invited = 0;     // messages sent now
  int64_t unassigned = 0;  // of them, without a slot (none free)
  std::vector<int64_t> messaged;
};
// Invites everyone listed and not invited yet (idempotent: a second call invites only people
// added since). `base_url` prefixes the link in the text message.
Result<SentInvitations> send_invitations(store::Connection& c, const accounts::User& official,
                                         int64_t campaign_id, std::string_view base_url,
                                         int64_t now);

struct Dose {
  int64_t id = 0;
  int64_t person_id = 0, campaign_id = 0, venue_id = 0;
  std::optional<int64_t> slot_id;
  std::string product, lot;
  int64_t dose_number = 0, total_doses = 0;
  int64_t vaccinated_at = 0;
  std::string vaccinator;
  std::string certificate, certificate_id, kid;
  int64_t issued_at = 0, expires_at = 0;
  std::string campaign_name, venue_name;
};

struct Invitation {
  std::string token;
  std::string status;  // invited | confirmed | declined | vaccinated
  int64_t person_id = 0;
  std::string full_name;
  Campaign campaign;
  std::optional<slots::Slot> slot;
  std::optional<Site> site;
  std::optional<Answers> screening;
  std::vector<Flag> flags;
  std::vector<Dose> doses;  // of this campaign
};

// By the token (kNotFound invitation_not_found otherwise).
Result<Invitation> invitation(store::Connection& c, std::string_view token);
enum class Reply { kConfirm, kAnotherSlot, kDecline };
// confirm: keeps the slot; another slot: the nearest free one after the current (kConflict
// no_free_slot, slot_id, when there is none: the invitation stays as it was); decline: gives the
// slot back. A vaccinated invitation answers kConflict already_vaccinated.
Result<Invitation> reply(store::Connection& c, std::string_view token, Reply r, int64_t now);
// Stores the screening answers (again: replaces them).
Result<Invitation> answer_screening(store::Connection& c, std::string_view token,
                                    const Answers& answers, int64_t now);
// The invitations of the people an account manages, newest first; then those of the people
// nobody manages with the account's phone (people::unmanaged_with_phone).
Result<std::vector<Invitation>> invitations_of_account(store::Connection& c, int64_t account_id,
                                                       std::string_view phone);

// ---- at the site ----

// Whom staff name at a venue that is a site: the invitation QR, a personal QR, a CCCD QR or its
// 12 digits. Audited (vaccination.scan). Errors name payload: unrecognised_payload,
// person_not_found, not_invited (no invitation of a campaign with this site), qr_*.
Result<Invitation> attendee(store::Connection& c, const accounts::User& user, int64_t venue_id,
                            std::string_view payload, int64_t now);

struct NewDose {
  int64_t campaign_id = 0, person_id = 0, venue_id = 0;
  std::optional<int64_t> slot_id;  // where they were seen, when not their booked slot
  std::string product, lot, vaccinator;
  int64_t dose_number = 0;
  std::optional<int64_t> vaccinated_at;  // default now
};
// Records the dose and issues its certificate. Errors name the field: person_id (not_invited),
// venue_id (not_a_site), product (product_not_in_campaign), slot_id (slot_full, slot_not_found),
// lot, vaccinator, dose_number (dose_recorded), vaccinated_at, or the certificate's
// (full_name, birth_date: the person's record lacks them).
Result<Dose> record_dose(store::Connection& c, const accounts::User& user, const NewDose& n,
                         int64_t now);

struct Reaction {
  int64_t id = 0, dose_id = 0;
  std::string severity, description;
  int64_t recorded_at = 0;
};
// severity: mild | moderate | severe | anaphylaxis.
Result<Reaction> record_reaction(store::Connection& c, const accounts::User& user, int64_t dose_id,
                                 std::string_view severity, std::string_view description,
                                 int64_t now);

// ---- certificates ----

// A person's doses with their certificates: for the account that manages them, or an official in
// charge of their area (with a reason, audited as certificates.read). kNotFound otherwise.
Result<std::vector<Dose>> certificates_of(store::Connection& c, const accounts::User& user,
                                          int64_t person_id, std::string_view reason, int64_t now);

}  // namespace kb::vaccination
