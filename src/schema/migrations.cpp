// The migrations of khaibao's schema (schema/schema.h). Placeholders: {{pk}} is an
// auto-assigned 64-bit primary key.
#include <fmt/format.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <string>

#include "checkin/recent_visits.h"
#include "checkin/visit_days.h"
#include "schema/schema.h"

namespace kb::schema {
namespace {

using store::Connection;
using store::Dialect;
using store::Migration;
using store::Rows;
using store::Sql;

constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE provinces (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  short_code TEXT NOT NULL,
  place_type TEXT NOT NULL
);
CREATE TABLE wards (
  code TEXT PRIMARY KEY,
  province_code TEXT NOT NULL REFERENCES provinces(code),
  name TEXT NOT NULL
);
CREATE INDEX wards_by_province ON wards(province_code, code);
CREATE TABLE ward_mappings (
  id {{pk}},
  old_ward_code TEXT,
  old_ward_name TEXT,
  old_district_name TEXT NOT NULL,
  old_province_name TEXT NOT NULL,
  new_ward_code TEXT NOT NULL,  -- not a foreign key: the source has ~430 codes it does not list
  new_ward_name TEXT NOT NULL,
  new_province_name TEXT NOT NULL
);
CREATE INDEX ward_mappings_by_old_code ON ward_mappings(old_ward_code);
CREATE TABLE users (
  id {{pk}},
  role TEXT NOT NULL,
  phone TEXT UNIQUE,
  username TEXT UNIQUE,
  password_hash TEXT,
  jurisdiction_level TEXT,
  jurisdiction_code TEXT,
  must_change_password INTEGER NOT NULL DEFAULT 0,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE TABLE otp_challenges (
  phone TEXT PRIMARY KEY,
  code_hash TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL,
  last_sent_at BIGINT NOT NULL,
  window_start BIGINT NOT NULL,
  sends_in_window INTEGER NOT NULL
);
CREATE TABLE rate_limits (
  bucket TEXT PRIMARY KEY,
  window_start BIGINT NOT NULL,
  hits INTEGER NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX sessions_by_user ON sessions(user_id);
CREATE TABLE audit_log (
  id {{pk}},
  at BIGINT NOT NULL,
  actor_id BIGINT,
  action TEXT NOT NULL,
  subject TEXT,
  reason TEXT,
  detail TEXT
);
CREATE INDEX audit_log_by_actor ON audit_log(actor_id, at);
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql"},
    {2, R"sql(
CREATE TABLE people (
  id {{pk}},
  account_id BIGINT REFERENCES users(id),
  is_self INTEGER NOT NULL DEFAULT 0,
  full_name TEXT NOT NULL DEFAULT '',
  id_number TEXT,
  id_kind TEXT,
  birth_date TEXT,
  sex TEXT,
  phone TEXT,
  province_code TEXT,
  ward_code TEXT,
  street TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX people_by_id_number ON people(id_number);
CREATE INDEX people_by_account ON people(account_id);
CREATE INDEX people_by_phone ON people(phone);
CREATE INDEX people_by_ward ON people(province_code, ward_code);
)sql"},
    {3, R"sql(
-- Health declarations, the health-status colour, and the signed personal QR.
ALTER TABLE people ADD COLUMN status_colour TEXT NOT NULL DEFAULT 'green';
ALTER TABLE people ADD COLUMN status_reason TEXT NOT NULL DEFAULT 'none';
ALTER TABLE people ADD COLUMN status_updated_at BIGINT;
ALTER TABLE people ADD COLUMN confirmed_case INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN quarantine_until BIGINT;
CREATE TABLE declarations (
  id {{pk}},
  person_id BIGINT NOT NULL REFERENCES people(id),
  declared_by BIGINT REFERENCES users(id),
  kind TEXT NOT NULL,
  travel_provinces TEXT NOT NULL,
  travel_countries TEXT NOT NULL,
  symptoms TEXT NOT NULL,
  exposures TEXT NOT NULL,
  vaccine_doses INTEGER NOT NULL,
  entry TEXT,
  created_at BIGINT NOT NULL,
  superseded_at BIGINT
);
CREATE INDEX declarations_by_person ON declarations(person_id, id);
CREATE INDEX declarations_by_time ON declarations(created_at);
CREATE TABLE signing_keys (
  key_id TEXT PRIMARY KEY,
  public_key TEXT NOT NULL,
  secret_key TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  retired_at BIGINT,
  not_after BIGINT
);
CREATE TABLE personal_qr_tokens (
  id {{pk}},
  person_id BIGINT NOT NULL REFERENCES people(id),
  colour TEXT NOT NULL,
  key_id TEXT NOT NULL,
  payload TEXT NOT NULL,
  issued_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX personal_qr_tokens_by_person ON personal_qr_tokens(person_id, id);
)sql"},
    {4, R"sql(
-- Venues, their staff, and visits (check-ins). visits is the hottest table: no foreign keys
-- (checked by the code that writes it), small integers for source and trust.
CREATE TABLE venues (
  id {{pk}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  province_code TEXT NOT NULL,
  ward_code TEXT NOT NULL,
  street TEXT NOT NULL,
  capacity BIGINT,
  contact_phone TEXT,
  status TEXT NOT NULL,
  created_by BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX venues_by_province ON venues(province_code, id);
CREATE INDEX venues_by_ward ON venues(ward_code, id);
CREATE TABLE venue_staff (
  venue_id BIGINT NOT NULL REFERENCES venues(id),
  user_id BIGINT NOT NULL REFERENCES users(id),
  role TEXT NOT NULL,
  added_at BIGINT NOT NULL,
  PRIMARY KEY (venue_id, user_id)
);
CREATE INDEX venue_staff_by_user ON venue_staff(user_id);
CREATE TABLE visits (
  id {{pk}},
  venue_id BIGINT NOT NULL,
  person_id BIGINT NOT NULL,
  t_in BIGINT NOT NULL,
  t_out BIGINT,
  assumed_out BIGINT NOT NULL,
  source SMALLINT NOT NULL,
  trust SMALLINT NOT NULL,
  recorded_by BIGINT,
  created_at BIGINT NOT NULL
);
CREATE INDEX visits_by_venue ON visits(venue_id, t_in);
CREATE INDEX visits_by_person ON visits(person_id, t_in);
CREATE TABLE scan_otps (
  venue_id BIGINT NOT NULL,
  phone TEXT NOT NULL,
  code_hash TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL,
  sent_at BIGINT NOT NULL,
  PRIMARY KEY (venue_id, phone)
);
)sql"},
    {5, R"sql(
-- Confirmed cases (F0), their contacts (F1, F2) and each contact's exposures (which of their
-- visits overlapped which of the case's). A case's area is a province and/or ward code, '' for
-- none (national).
CREATE TABLE cases (
  id {{pk}},
  person_id BIGINT NOT NULL REFERENCES people(id),
  province_code TEXT NOT NULL,
  ward_code TEXT NOT NULL,
  test_date BIGINT NOT NULL,
  onset_date BIGINT,
  isolation_date BIGINT,
  status TEXT NOT NULL,
  notes TEXT NOT NULL,
  close_note TEXT NOT NULL DEFAULT '',
  from_contact_id BIGINT,
  recorded_by BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  closed_at BIGINT
);
CREATE INDEX cases_by_person ON cases(person_id, status);
CREATE INDEX cases_by_province ON cases(province_code, id);
CREATE INDEX cases_by_ward ON cases(ward_code, id);
CREATE INDEX cases_by_isolation ON cases(isolation_date);
CREATE TABLE contacts (
  id {{pk}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  person_id BIGINT NOT NULL REFERENCES people(id),
  degree INTEGER NOT NULL,
  via_person_id BIGINT,
  basis TEXT NOT NULL,
  first_exposure BIGINT NOT NULL,
  last_exposure BIGINT NOT NULL,
  overlap_seconds BIGINT NOT NULL,
  status TEXT NOT NULL,
  quarantine_until BIGINT,
  found_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  decided_by BIGINT,
  notice_id BIGINT,
  converted_case_id BIGINT,
  UNIQUE (case_id, person_id)
);
CREATE INDEX contacts_by_person ON contacts(person_id, degree);
CREATE TABLE contact_exposures (
  contact_id BIGINT NOT NULL REFERENCES contacts(id),
  case_id BIGINT NOT NULL,
  venue_id BIGINT NOT NULL,
  source_visit_id BIGINT NOT NULL,
  visit_id BIGINT NOT NULL,
  source_in BIGINT NOT NULL,
  source_out BIGINT NOT NULL,
  contact_in BIGINT NOT NULL,
  contact_out BIGINT NOT NULL,
  overlap_seconds BIGINT NOT NULL,
  PRIMARY KEY (contact_id, source_visit_id, visit_id)
);
CREATE INDEX contact_exposures_by_case ON contact_exposures(case_id);
CREATE INDEX contact_exposures_by_venue ON contact_exposures(venue_id, source_in);
)sql"},
    {6, R"sql(
-- Notifications. A personal message has person_id; a broadcast has none and is stored once,
-- with one message_areas row per area it covers ('*' for national) — never a row per
-- recipient. Read state is per account. deliveries is the persistent queue of outside
-- delivery (webhook / outbox) with retries and a dead-letter state.
CREATE TABLE messages (
  id {{pk}},
  kind TEXT NOT NULL,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  link TEXT,
  person_id BIGINT,
  dedupe_key TEXT,
  audience TEXT,
  audience_size BIGINT,
  sender_id BIGINT,
  sender_jurisdiction TEXT,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  published_at BIGINT,
  expires_at BIGINT,
  approved_by BIGINT,
  recalled_at BIGINT,
  recalled_by BIGINT,
  recall_reason TEXT
);
CREATE UNIQUE INDEX messages_by_dedupe_key ON messages(person_id, dedupe_key);
CREATE INDEX messages_by_person ON messages(person_id, id);
CREATE INDEX messages_by_recall ON messages(recalled_at);
CREATE TABLE message_areas (
  area_code TEXT NOT NULL,
  message_id BIGINT NOT NULL,
  audience_filter TEXT NOT NULL,
  PRIMARY KEY (area_code, message_id)
);
CREATE TABLE message_reads (
  account_id BIGINT NOT NULL,
  message_id BIGINT NOT NULL,
  read_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, message_id)
);
CREATE INDEX message_reads_by_message ON message_reads(message_id);
CREATE TABLE deliveries (
  id {{pk}},
  message_id BIGINT NOT NULL,
  channel TEXT NOT NULL,
  recipient TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  lease_until BIGINT NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries(state, next_attempt_at);
CREATE INDEX deliveries_by_message ON deliveries(message_id, state);
)sql"},
    {7, R"sql(
-- Contact tracing reads every stay at a venue around a case's stays: with the columns it
-- needs in the index, that read never touches the table (10 M visits on SQLite, one run each
-- on a loaded machine: F1 p99 70 → 20 ms). It replaces the narrower index of migration 4.
CREATE INDEX visits_by_venue_covering ON visits(venue_id, t_in, person_id, t_out, assumed_out);
DROP INDEX visits_by_venue;
)sql"},
    // Visits move into one table per day, so retention drops whole days (checkin/visit_days.h).
    {8, nullptr, checkin::split_visits_by_day},
    // PostgreSQL: the tracer's venue read also returns the visit id, which its venue index
    // lacked, so every contact row cost a heap visit (10 M visits: F1 p50 26 → 5 ms, p99 100 → 13
    // ms).
    {9, nullptr, checkin::cover_visit_ids},
    {10, R"sql(
-- Nobody is green by default: people who never declared are "not declared" (health/health_status.h).
UPDATE people SET status_colour = 'not_declared', status_reason = 'no_declaration'
  WHERE status_colour = 'green' AND NOT EXISTS (SELECT 1 FROM declarations d WHERE d.person_id = people.id);
UPDATE people SET status_reason = 'declared' WHERE status_reason = 'none';
)sql"},
    {11, R"sql(
-- People who must not be admitted (a case, someone who should be in quarantine) are still
-- recorded at the door, for tracing, and the entry is flagged here for the health officials.
CREATE TABLE door_alerts (
  id {{pk}},
  visit_id BIGINT NOT NULL,
  person_id BIGINT NOT NULL REFERENCES people(id),
  venue_id BIGINT NOT NULL REFERENCES venues(id),
  path TEXT NOT NULL,
  colour TEXT NOT NULL,
  reason TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX door_alerts_by_person ON door_alerts(person_id, at);
CREATE INDEX door_alerts_by_venue ON door_alerts(venue_id, at);
-- Writes a client named with an id of its own making, so a resend records once (store/client_writes.h).
CREATE TABLE client_writes (
  scope TEXT NOT NULL,
  client_id TEXT NOT NULL,
  reference TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (scope, client_id)
);
CREATE INDEX client_writes_by_age ON client_writes(created_at);
)sql"},
    {12, R"sql(
-- When each scheduled job last ran, by whichever process held its lease (jobs/scheduler.h).
CREATE TABLE job_runs (
  job TEXT PRIMARY KEY,
  last_run_at BIGINT NOT NULL,
  outcome TEXT NOT NULL
);
)sql"},
    {13, R"sql(
-- Outside deliveries in lanes (notify/delivery.h): 0 urgent codes, 1 personal notices, 2 bulk.
-- A text that is no stored message (a sign-in code) has message_id 0 and its own text.
ALTER TABLE deliveries ADD COLUMN lane INTEGER NOT NULL DEFAULT 1;
ALTER TABLE deliveries ADD COLUMN text TEXT;
UPDATE deliveries SET lane = 2 WHERE channel = 'broadcast';
DROP INDEX deliveries_due;
CREATE INDEX deliveries_due ON deliveries(state, lane, next_attempt_at);
)sql"},
    {23, R"sql(
-- Why a personal QR was revoked ('colour_changed': its holder's health colour changed;
-- 'holder': its holder revoked it), so a verifier can say so. NULL for older revocations.
ALTER TABLE personal_qr_tokens ADD COLUMN revoked_reason TEXT;
)sql"},
    {25, R"sql(
-- One person, many identifiers (identity/identifiers.h): CCCD, CMND, passports, the
-- social-insurance number of BHYT cards, and phones, each with where and when it was first and
-- last seen. All but phones name one person. Records made before keep their ID number here too.
CREATE TABLE person_identifiers (
  id {{pk}},
  person_id BIGINT NOT NULL REFERENCES people(id),
  kind TEXT NOT NULL,
  value TEXT NOT NULL,
  country TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL,
  place TEXT NOT NULL DEFAULT '',
  first_seen_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX person_identifiers_one_person ON person_identifiers(kind, value, country) WHERE kind <> 'phone';
CREATE UNIQUE INDEX person_identifiers_of_person ON person_identifiers(person_id, kind, value, country);
CREATE INDEX person_identifiers_phones ON person_identifiers(value) WHERE kind = 'phone';
INSERT INTO person_identifiers(person_id, kind, value, country, source, place, first_seen_at, last_seen_at)
  SELECT id, id_kind, id_number, '', 'record', '', created_at, updated_at FROM people
  WHERE id_number IS NOT NULL AND id_number <> '' AND id_kind IN ('cccd', 'passport', 'bhxh');
-- Matching finds candidates by birth date and a folded name key (identity/names.h; filled by
-- the identity.name_keys job for records written before), or by birth date and ward. A record
-- merged into another points to it; where a record without an address was made decides whose
-- officials see it.
ALTER TABLE people ADD COLUMN name_key TEXT;
ALTER TABLE people ADD COLUMN merged_into BIGINT;
ALTER TABLE people ADD COLUMN origin_province_code TEXT;
ALTER TABLE people ADD COLUMN origin_ward_code TEXT;
CREATE INDEX people_by_birth_and_name ON people(birth_date, name_key);
CREATE INDEX people_by_birth_and_ward ON people(birth_date, ward_code);
CREATE INDEX people_without_name_key ON people(id) WHERE name_key IS NULL;
)sql"},
    {26, R"sql(
-- The officials' duplicates queue (identity/candidates.h): pairs of records that may be one
-- person. person_id is the newer record, match_id the older; a pair is queued once, and a
-- dismissed pair stays dismissed. Its areas are each record's address (or where it was made).
CREATE TABLE identity_candidates (
  id {{pk}},
  person_id BIGINT NOT NULL REFERENCES people(id),
  match_id BIGINT NOT NULL REFERENCES people(id),
  rule TEXT NOT NULL,
  evidence TEXT NOT NULL,
  door TEXT NOT NULL,
  province_code TEXT NOT NULL,
  ward_code TEXT NOT NULL,
  match_province_code TEXT NOT NULL,
  match_ward_code TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  decided_by BIGINT,
  decided_at BIGINT,
  decision_reason TEXT,
  merge_id BIGINT,
  UNIQUE (person_id, match_id)
);
CREATE INDEX identity_candidates_by_province ON identity_candidates(province_code, status, id);
CREATE INDEX identity_candidates_by_ward ON identity_candidates(ward_code, status, id);
CREATE INDEX identity_candidates_by_status ON identity_candidates(status, id);
CREATE INDEX identity_candidates_by_match ON identity_candidates(match_id);
)sql"},
    {27, R"sql(
-- Merges of two records into one person, and every change a merge made (identity/merge.h):
-- the table, row, column and the values before and after, so that an unmerge puts each back.
CREATE TABLE identity_merges (
  id {{pk}},
  survivor_id BIGINT NOT NULL REFERENCES people(id),
  merged_id BIGINT NOT NULL REFERENCES people(id),
  candidate_id BIGINT,
  province_code TEXT NOT NULL,
  ward_code TEXT NOT NULL,
  merged_province_code TEXT NOT NULL,
  merged_ward_code TEXT NOT NULL,
  merged_by BIGINT NOT NULL REFERENCES users(id),
  reason TEXT NOT NULL,
  merged_at BIGINT NOT NULL,
  changes BIGINT NOT NULL,
  unmerged_by BIGINT,
  unmerge_reason TEXT,
  unmerged_at BIGINT
);
CREATE INDEX identity_merges_by_survivor ON identity_merges(survivor_id, id);
CREATE INDEX identity_merges_by_merged ON identity_merges(merged_id, id);
CREATE TABLE identity_merge_changes (
  merge_id BIGINT NOT NULL REFERENCES identity_merges(id),
  seq INTEGER NOT NULL,
  table_name TEXT NOT NULL,
  row_id BIGINT NOT NULL,
  column_name TEXT NOT NULL,
  value_type TEXT NOT NULL,
  old_value TEXT,
  new_value TEXT,
  visit_day BIGINT,
  PRIMARY KEY (merge_id, seq)
);
)sql"},
    {30, R"sql(
-- Monitoring (monitoring/): orders placing a person under quarantine or home care, or the
-- residents of listed wards under area monitoring (an area order is one monitoring_areas row and
-- its wards, never a row per resident until that resident reports: then they get an order of
-- their own); daily health reports; the red-flag alerts reports raise. The board's figures live
-- on the order (last report, open alerts), so that a board of 200,000 people never reads the
-- reports table; monitoring_tallies counts the open orders per area and kind, kept in the
-- transaction that opens or closes one.
CREATE TABLE monitoring_orders (
  id {{pk}},
  kind TEXT NOT NULL,
  person_id BIGINT NOT NULL REFERENCES people(id),
  area_id BIGINT,
  contact_id BIGINT,
  case_id BIGINT,
  province_code TEXT NOT NULL,
  ward_code TEXT NOT NULL,
  place TEXT NOT NULL,
  facility_name TEXT NOT NULL DEFAULT '',
  facility_address TEXT NOT NULL DEFAULT '',
  fully_vaccinated INTEGER NOT NULL DEFAULT 0,
  reports_per_day INTEGER NOT NULL,
  starts_at BIGINT NOT NULL,
  quarantine_until BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  status TEXT NOT NULL,
  negative_test_at BIGINT,
  negative_test_by BIGINT,
  last_report_at BIGINT NOT NULL DEFAULT 0,
  last_report_red INTEGER NOT NULL DEFAULT 0,
  open_alerts INTEGER NOT NULL DEFAULT 0,
  last_alert_at BIGINT NOT NULL DEFAULT 0,
  note TEXT NOT NULL DEFAULT '',
  placed_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  closed_at BIGINT,
  closed_by BIGINT,
  close_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX monitoring_orders_by_person ON monitoring_orders(person_id, status);
CREATE INDEX monitoring_orders_by_area ON monitoring_orders(area_id);
CREATE INDEX monitoring_by_province_report ON monitoring_orders(province_code, status, last_report_at);
CREATE INDEX monitoring_by_province_end ON monitoring_orders(province_code, status, ends_at);
CREATE INDEX monitoring_by_province_closed ON monitoring_orders(province_code, closed_at);
CREATE INDEX monitoring_by_ward ON monitoring_orders(ward_code, status);
CREATE INDEX monitoring_red_flags ON monitoring_orders(province_code, last_alert_at)
  WHERE status = 'open' AND (open_alerts > 0 OR last_report_red = 1);
CREATE TABLE monitoring_areas (
  id {{pk}},
  province_code TEXT NOT NULL,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  status TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  placed_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  closed_at BIGINT,
  closed_by BIGINT,
  close_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX monitoring_areas_by_province ON monitoring_areas(province_code, status);
CREATE TABLE monitoring_area_wards (
  ward_code TEXT NOT NULL,
  area_id BIGINT NOT NULL,
  PRIMARY KEY (ward_code, area_id)
);
CREATE TABLE monitoring_tallies (
  province_code TEXT NOT NULL,
  ward_code TEXT NOT NULL,
  kind TEXT NOT NULL,
  open_orders BIGINT NOT NULL,
  PRIMARY KEY (province_code, ward_code, kind)
);
-- Daily health reports: from a person under monitoring (order_id), or a member of an
-- organisation whose daily check is the report form (no order). Temperature in tenths of a
-- degree (372 = 37.2 °C); day is Vietnam's day number (store::visit_day), slot 0 the morning
-- (or the whole day), 1 the afternoon.
CREATE TABLE health_reports (
  id {{pk}},
  person_id BIGINT NOT NULL REFERENCES people(id),
  order_id BIGINT,
  day BIGINT NOT NULL,
  slot INTEGER NOT NULL,
  measured_at BIGINT NOT NULL,
  temperature_tenths INTEGER,
  spo2 INTEGER,
  breathing_rate INTEGER,
  pulse INTEGER,
  symptoms TEXT NOT NULL,
  note TEXT NOT NULL,
  red_flags TEXT NOT NULL,
  reported_by BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX health_reports_by_person ON health_reports(person_id, day, slot);
CREATE INDEX health_reports_by_order ON health_reports(order_id, measured_at);
CREATE TABLE monitoring_alerts (
  id {{pk}},
  order_id BIGINT NOT NULL,
  person_id BIGINT NOT NULL,
  report_id BIGINT NOT NULL,
  province_code TEXT NOT NULL,
  ward_code TEXT NOT NULL,
  red_flags TEXT NOT NULL,
  raised_at BIGINT NOT NULL,
  acknowledged_at BIGINT,
  acknowledged_by BIGINT,
  note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX monitoring_alerts_by_order ON monitoring_alerts(order_id, id);
CREATE INDEX monitoring_alerts_by_province ON monitoring_alerts(province_code, id);
CREATE INDEX monitoring_alerts_by_ward ON monitoring_alerts(ward_code, id);
-- The colour's monitoring inputs (health/health_status.h): the kind of the person's open order
-- and the end of its quarantine. A traced contact that an order took over no longer sets the
-- person's quarantine: the order does (cases::refresh_health).
ALTER TABLE people ADD COLUMN monitoring_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN monitoring_until BIGINT;
ALTER TABLE contacts ADD COLUMN monitoring_order_id BIGINT;
)sql"},
    {31, R"sql(
-- Organisations (organisations/): a company, school or agency, its manager (a citizen or
-- venue-staff account), its roster (a member is a name and a phone; they join by signing in
-- with that phone) and its daily check with the local hour of its reminder; reminded_day is the
-- last day whose reminders went out (one run a day sends them).
CREATE TABLE organisations (
  id {{pk}},
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  province_code TEXT NOT NULL,
  ward_code TEXT NOT NULL,
  street TEXT NOT NULL,
  manager_id BIGINT NOT NULL REFERENCES users(id),
  check_kind TEXT NOT NULL DEFAULT 'none',
  check_hour INTEGER NOT NULL DEFAULT 9,
  reminded_day BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX organisations_by_manager ON organisations(manager_id);
CREATE INDEX organisations_by_province ON organisations(province_code, id);
CREATE INDEX organisations_by_ward ON organisations(ward_code, id);
CREATE TABLE organisation_members (
  id {{pk}},
  organisation_id BIGINT NOT NULL REFERENCES organisations(id),
  full_name TEXT NOT NULL,
  phone TEXT NOT NULL,
  id_number TEXT NOT NULL DEFAULT '',
  added_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (organisation_id, phone)
);
CREATE INDEX organisation_members_by_phone ON organisation_members(phone);
)sql"},
    {32, R"sql(
-- The board's "due for release" figures of a province (monitoring/board.cpp) read from the index
-- alone: with 200,000 people under monitoring, reading ten thousand orders' rows cost 100 ms of
-- every board opening. It covers monitoring_by_province_end's uses, which it replaces.
CREATE INDEX monitoring_by_province_due ON monitoring_orders(province_code, status, ends_at,
  open_alerts, last_report_red, kind, negative_test_at, last_report_at);
DROP INDEX monitoring_by_province_end;
)sql"},
    {33, R"sql(
-- The board's non-reporting and reporting lists are ordered by (last_report_at, id). Orders
-- placed together share their last_report_at (an area order, a day's contacts who have not yet
-- reported), and PostgreSQL sorted a whole group of them, with their people, before taking a
-- page (45 ms for 15,000 at 200,000 under monitoring). With the id in the index the walk stops at
-- the page. (SQLite's index already ends with the rowid.)
CREATE INDEX monitoring_by_province_report_id ON monitoring_orders(province_code, status,
  last_report_at, id);
DROP INDEX monitoring_by_province_report;
)sql"},
    {35, R"sql(
-- Document signers of EU Digital COVID Certificates (certificates/dcc_signers.h): an EC P-256
-- key and its self-signed X.509 certificate. kid is the base64 of the certificate's 8-byte key
-- identifier; not_after is the end of the certificate's validity.
CREATE TABLE dcc_signers (
  kid TEXT PRIMARY KEY,
  certificate TEXT NOT NULL,
  private_key TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  not_after BIGINT NOT NULL,
  retired_at BIGINT
);
)sql"},
    {36, R"sql(
-- Imports of raw vaccination lists (vaccination/imports.h): who imported which file, within
-- which jurisdiction, and the counts by row status. created_by is NULL for an operator's
-- command-line import.
CREATE TABLE vaccination_imports (
  id {{pk}},
  created_by BIGINT REFERENCES users(id),
  created_at BIGINT NOT NULL,
  finished_at BIGINT,
  state TEXT NOT NULL,
  file_name TEXT NOT NULL DEFAULT '',
  jurisdiction_level TEXT NOT NULL,
  jurisdiction_code TEXT NOT NULL DEFAULT '',
  jurisdiction_province TEXT NOT NULL DEFAULT '',
  columns TEXT NOT NULL DEFAULT '',
  total_rows BIGINT NOT NULL DEFAULT 0,
  clean_rows BIGINT NOT NULL DEFAULT 0,
  fixed_rows BIGINT NOT NULL DEFAULT 0,
  duplicate_rows BIGINT NOT NULL DEFAULT 0,
  rejected_rows BIGINT NOT NULL DEFAULT 0,
  people_created BIGINT NOT NULL DEFAULT 0,
  people_matched BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX vaccination_imports_by_province ON vaccination_imports(jurisdiction_province, id);
)sql"},
    {37, R"sql(
-- Every row of an import with its outcome: the per-row report. Rows are written in row order,
-- so both indexes grow at their ends; fixes and reasons are JSON arrays (empty when none).
CREATE TABLE vaccination_import_rows (
  import_id BIGINT NOT NULL REFERENCES vaccination_imports(id),
  row_number BIGINT NOT NULL,
  status TEXT NOT NULL,
  fixes TEXT NOT NULL DEFAULT '',
  reasons TEXT NOT NULL DEFAULT '',
  duplicate_of BIGINT,
  person_id BIGINT,
  full_name TEXT NOT NULL DEFAULT '',
  birth_date TEXT NOT NULL DEFAULT '',
  sex TEXT NOT NULL DEFAULT '',
  id_number TEXT NOT NULL DEFAULT '',
  id_kind TEXT NOT NULL DEFAULT '',
  phone TEXT NOT NULL DEFAULT '',
  province_code TEXT NOT NULL DEFAULT '',
  ward_code TEXT NOT NULL DEFAULT '',
  street TEXT NOT NULL DEFAULT '',
  priority_group TEXT NOT NULL DEFAULT '',
  original TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (import_id, row_number)
);
CREATE INDEX vaccination_import_rows_by_status ON vaccination_import_rows(import_id, status, row_number);
)sql"},
    {38, R"sql(
-- Slots (slots/slots.h): a site's day cut into time slots with a capacity, owned by something
-- that invites people to them (owner_kind 'vaccination' with a campaign's id; later testing
-- rounds). booked counts the bookings held; it never exceeds capacity.
CREATE TABLE slots (
  id {{pk}},
  owner_kind TEXT NOT NULL,
  owner_id BIGINT NOT NULL,
  venue_id BIGINT NOT NULL REFERENCES venues(id),
  day TEXT NOT NULL,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  capacity BIGINT NOT NULL,
  booked BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX slots_by_owner ON slots(owner_kind, owner_id, starts_at);
-- Vaccination campaigns (vaccination/campaigns.h): products (EU value-set codes) and priority
-- groups as JSON arrays in order; the area whose officials run it; its sites (venues).
CREATE TABLE vaccination_campaigns (
  id {{pk}},
  name TEXT NOT NULL,
  province_code TEXT NOT NULL,
  ward_code TEXT NOT NULL DEFAULT '',
  products TEXT NOT NULL,
  priority_groups TEXT NOT NULL,
  total_doses INTEGER NOT NULL,
  created_by BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX vaccination_campaigns_by_province ON vaccination_campaigns(province_code, id);
CREATE TABLE vaccination_sites (
  campaign_id BIGINT NOT NULL REFERENCES vaccination_campaigns(id),
  venue_id BIGINT NOT NULL REFERENCES venues(id),
  PRIMARY KEY (campaign_id, venue_id)
);
CREATE INDEX vaccination_sites_by_venue ON vaccination_sites(venue_id);
-- A campaign's list and each person's invitation: status listed → invited → confirmed |
-- declined (→ vaccinated); token is the invitation's opaque QR and link; slot_id the booking;
-- the screening answers as JSON with the flagged questions.
CREATE TABLE vaccination_invitees (
  campaign_id BIGINT NOT NULL REFERENCES vaccination_campaigns(id),
  person_id BIGINT NOT NULL REFERENCES people(id),
  priority_group TEXT NOT NULL DEFAULT '',
  import_id BIGINT,
  status TEXT NOT NULL,
  token TEXT,
  slot_id BIGINT REFERENCES slots(id),
  added_at BIGINT NOT NULL,
  invited_at BIGINT,
  answered_at BIGINT,
  screening TEXT NOT NULL DEFAULT '',
  screening_flags TEXT NOT NULL DEFAULT '',
  screened_at BIGINT,
  PRIMARY KEY (campaign_id, person_id)
);
CREATE UNIQUE INDEX vaccination_invitees_by_token ON vaccination_invitees(token);
CREATE INDEX vaccination_invitees_by_person ON vaccination_invitees(person_id);
-- Doses given, each with the EU DCC issued for it; reactions seen after a dose.
CREATE TABLE vaccination_doses (
  id {{pk}},
  person_id BIGINT NOT NULL REFERENCES people(id),
  campaign_id BIGINT NOT NULL REFERENCES vaccination_campaigns(id),
  venue_id BIGINT NOT NULL REFERENCES venues(id),
  slot_id BIGINT,
  product TEXT NOT NULL,
  lot TEXT NOT NULL,
  dose_number INTEGER NOT NULL,
  total_doses INTEGER NOT NULL,
  vaccinated_at BIGINT NOT NULL,
  vaccinator TEXT NOT NULL,
  recorded_by BIGINT NOT NULL REFERENCES users(id),
  certificate TEXT NOT NULL,
  certificate_id TEXT NOT NULL,
  kid TEXT NOT NULL,
  issued_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX vaccination_doses_by_person ON vaccination_doses(person_id, id);
CREATE TABLE vaccination_reactions (
  id {{pk}},
  dose_id BIGINT NOT NULL REFERENCES vaccination_doses(id),
  severity TEXT NOT NULL,
  description TEXT NOT NULL,
  recorded_by BIGINT NOT NULL REFERENCES users(id),
  recorded_at BIGINT NOT NULL
);
CREATE INDEX vaccination_reactions_by_dose ON vaccination_reactions(dose_id, id);
)sql"},
    {39, R"sql(
-- One index for identity's two birth-date lookups (identity/resolve.cpp: same birth date and
-- name key; same birth date and ward) instead of one each. Both are keyed at random, so each
-- new person dirtied a page of each: a raw-list import of a million rows wrote every such page
-- again with each chunk. A birth date holds a few dozen people per million, so the name-key
-- lookup reads them from this index and keeps those whose key matches.
CREATE INDEX people_by_birth ON people(birth_date, ward_code, name_key);
DROP INDEX people_by_birth_and_name;
DROP INDEX people_by_birth_and_ward;
)sql"},
    {40, R"sql(
-- Area risk levels (levels/levels.h). A case records where it was found: cases found among
-- people already in quarantine are no community cases and do not raise an area's level.
ALTER TABLE cases ADD COLUMN found_in TEXT NOT NULL DEFAULT 'community';
CREATE INDEX cases_by_test_date ON cases(test_date);
CREATE TABLE ward_populations (
  ward_code TEXT PRIMARY KEY,
  population BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by BIGINT
);
-- Adult first-dose coverage per ward, imported until vaccination records give it.
CREATE TABLE ward_coverage (
  ward_code TEXT PRIMARY KEY,
  adults BIGINT NOT NULL,
  first_dose BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  updated_by BIGINT
);
CREATE TABLE level_overrides (
  id {{pk}},
  area_code TEXT NOT NULL,
  level INTEGER NOT NULL,
  reason TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  set_by BIGINT NOT NULL,
  set_at BIGINT NOT NULL,
  lifted_at BIGINT,
  lifted_by BIGINT,
  lift_reason TEXT
);
CREATE INDEX level_overrides_by_area ON level_overrides(area_code, id);
-- The current level of each province and ward, as last decided; level NULL: not computable.
CREATE TABLE area_levels (
  area_code TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  province_code TEXT NOT NULL,
  level INTEGER,
  computed_level INTEGER,
  community_cases BIGINT NOT NULL,
  population BIGINT,
  coverage DOUBLE PRECISION,
  raised INTEGER NOT NULL,
  override_id BIGINT,
  override_level INTEGER,
  override_reason TEXT,
  override_expires_at BIGINT,
  explanation TEXT NOT NULL,
  explanation_vi TEXT NOT NULL,
  since BIGINT NOT NULL,
  computed_at BIGINT NOT NULL
);
CREATE INDEX area_levels_by_province ON area_levels(province_code, kind);
CREATE TABLE area_level_history (
  id {{pk}},
  area_code TEXT NOT NULL,
  level INTEGER,
  cause TEXT NOT NULL,
  explanation TEXT NOT NULL,
  explanation_vi TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX area_level_history_by_area ON area_level_history(area_code, id);
)sql"},
    {41, R"sql(
-- The officials' dashboards (dashboard/figures.h): figures per area and day, kept as data
-- arrives. area_code is a ward, a province or '*' (the country); parent_code the area it is
-- part of ('' for the country). venue_days: which venues recorded a check-in on which day.
CREATE TABLE daily_figures (
  area_code TEXT NOT NULL,
  parent_code TEXT NOT NULL,
  day BIGINT NOT NULL,
  figure TEXT NOT NULL,
  value BIGINT NOT NULL,
  PRIMARY KEY (area_code, day, figure)
);
CREATE INDEX daily_figures_by_parent ON daily_figures(parent_code, day);
CREATE TABLE venue_days (
  venue_id BIGINT NOT NULL,
  day BIGINT NOT NULL,
  PRIMARY KEY (venue_id, day)
);
CREATE INDEX cases_by_created_at ON cases(created_at);
CREATE INDEX contacts_by_found_at ON contacts(found_at);
CREATE INDEX deliveries_by_state_time ON deliveries(state, updated_at);
)sql"},
    {42, R"sql(
-- Citizen feedback (feedback/feedback.h): reports with a tracking number, the area whose
-- officials triage them, and each change of status with its note.
CREATE TABLE feedback_reports (
  id {{pk}},
  tracking_number TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  text TEXT NOT NULL,
  venue_id BIGINT,
  province_code TEXT NOT NULL,
  ward_code TEXT NOT NULL,
  status TEXT NOT NULL,
  channel TEXT NOT NULL,
  sender_phone TEXT NOT NULL,
  sender_account_id BIGINT,
  sender_person_id BIGINT NOT NULL,
  recorded_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX feedback_by_area ON feedback_reports(province_code, ward_code, id);
CREATE INDEX feedback_by_account ON feedback_reports(sender_account_id, id);
CREATE INDEX feedback_by_phone ON feedback_reports(sender_phone, created_at);
CREATE TABLE feedback_events (
  id {{pk}},
  report_id BIGINT NOT NULL REFERENCES feedback_reports(id),
  at BIGINT NOT NULL,
  status TEXT NOT NULL,
  note TEXT NOT NULL,
  actor_id BIGINT
);
CREATE INDEX feedback_events_by_report ON feedback_events(report_id, id);
)sql"},
    {43, R"sql(
-- Officials' search (search/person_search.h): a person by name and birth year.
CREATE INDEX people_by_name ON people(full_name, birth_date);
)sql"},
    {44, R"sql(
-- Venue safety self-assessments (assessment/safety.h): every answer set a manager submits, and
-- each venue's newest one in venue_safety (one row per venue) for the officials' area lists.
CREATE TABLE venue_assessments (
  id {{pk}},
  venue_id BIGINT NOT NULL REFERENCES venues(id),
  answers TEXT NOT NULL,
  score INTEGER NOT NULL,
  risk_class TEXT NOT NULL,
  assessed_by BIGINT NOT NULL,
  assessed_at BIGINT NOT NULL,
  due_at BIGINT NOT NULL
);
CREATE INDEX venue_assessments_by_venue ON venue_assessments(venue_id, id);
CREATE TABLE venue_safety (
  venue_id BIGINT PRIMARY KEY REFERENCES venues(id),
  assessment_id BIGINT NOT NULL,
  score INTEGER NOT NULL,
  risk_class TEXT NOT NULL,
  assessed_at BIGINT NOT NULL,
  due_at BIGINT NOT NULL
);
-- Locations of interest (locations/locations_of_interest.h): a venue and a time window where a
-- case was, published by an official from the case's stays; and who said "I was there".
CREATE TABLE locations_of_interest (
  id {{pk}},
  case_id BIGINT NOT NULL REFERENCES cases(id),
  visit_id BIGINT NOT NULL,
  venue_id BIGINT NOT NULL REFERENCES venues(id),
  province_code TEXT NOT NULL,
  ward_code TEXT NOT NULL,
  starts_at BIGINT NOT NULL,
  ends_at BIGINT NOT NULL,
  note TEXT NOT NULL,
  published_by BIGINT NOT NULL,
  published_at BIGINT NOT NULL,
  withdrawn_at BIGINT,
  withdrawn_by BIGINT,
  UNIQUE (case_id, visit_id)
);
CREATE INDEX locations_of_interest_by_start ON locations_of_interest(starts_at);
CREATE TABLE location_reports (
  location_id BIGINT NOT NULL REFERENCES locations_of_interest(id),
  person_id BIGINT NOT NULL,
  contact_id BIGINT NOT NULL,
  reported_by BIGINT NOT NULL,
  reported_at BIGINT NOT NULL,
  PRIMARY KEY (location_id, person_id)
);
)sql"},
    {45, R"sql(
-- Mass testing rounds (testing/testing.h): a round for wards, a case's contacts or walk-ins,
-- in one province; its sites and days; the people invited to it.
CREATE TABLE test_rounds (
  id {{pk}},
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  province_code TEXT NOT NULL,
  ward_code TEXT NOT NULL DEFAULT '',
  case_id BIGINT,
  pool_size INTEGER NOT NULL,
  created_by BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE INDEX test_rounds_by_province ON test_rounds(province_code, id);
CREATE TABLE test_round_wards (
  round_id BIGINT NOT NULL REFERENCES test_rounds(id),
  ward_code TEXT NOT NULL,
  PRIMARY KEY (round_id, ward_code)
);
CREATE TABLE test_sites (
  id {{pk}},
  round_id BIGINT NOT NULL REFERENCES test_rounds(id),
  name TEXT NOT NULL,
  day TEXT NOT NULL
);
CREATE INDEX test_sites_by_round ON test_sites(round_id, id);
CREATE TABLE test_invitations (
  round_id BIGINT NOT NULL REFERENCES test_rounds(id),
  person_id BIGINT NOT NULL REFERENCES people(id),
  invited_at BIGINT NOT NULL,
  PRIMARY KEY (round_id, person_id)
);
)sql"},
    {46, R"sql(
-- Tubes and samples. A tube label is unique everywhere (labs name tubes by it). A sample is one
-- person's swab: in a tube (RT-PCR, pooled or individual) or a rapid antigen test with its
-- result at once. attempt 0 is the round's sample, 1 the individual retest after a positive
-- pool; a person has one sample of each kind and attempt in a round. result: NULL pending,
-- 'negative', 'positive', 'recalled' (in a positive pool: called back for a retest).
-- confirmation: 'pending' while a positive waits for an official, then 'confirmed' (case_id)
-- or 'dismissed'. A tube is settled once its samples carry its result.
CREATE TABLE test_tubes (
  id {{pk}},
  round_id BIGINT NOT NULL REFERENCES test_rounds(id),
  site_id BIGINT REFERENCES test_sites(id),
  label TEXT NOT NULL,
  kind TEXT NOT NULL,
  capacity INTEGER NOT NULL,
  members INTEGER NOT NULL DEFAULT 0,
  result TEXT,
  result_at BIGINT,
  lab TEXT NOT NULL DEFAULT '',
  settled INTEGER NOT NULL DEFAULT 0,
  created_by BIGINT NOT NULL REFERENCES users(id),
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX test_tubes_by_label ON test_tubes(label);
CREATE INDEX test_tubes_by_round ON test_tubes(round_id, id);
CREATE INDEX test_tubes_unsettled ON test_tubes(round_id, settled);
CREATE TABLE test_samples (
  id {{pk}},
  round_id BIGINT NOT NULL REFERENCES test_rounds(id),
  person_id BIGINT NOT NULL REFERENCES people(id),
  tube_id BIGINT REFERENCES test_tubes(id),
  kind TEXT NOT NULL,
  attempt INTEGER NOT NULL DEFAULT 0,
  taken_at BIGINT NOT NULL,
  taken_by BIGINT NOT NULL REFERENCES users(id),
  result TEXT,
  result_at BIGINT,
  confirmation TEXT,
  case_id BIGINT
);
CREATE UNIQUE INDEX test_samples_once ON test_samples(round_id, person_id, kind, attempt);
CREATE INDEX test_samples_by_tube ON test_samples(tube_id);
CREATE INDEX test_samples_by_person ON test_samples(person_id, id);
CREATE INDEX test_samples_awaiting ON test_samples(id) WHERE confirmation = 'pending';
)sql"},
    {47, R"sql(
-- A sample's result has a table of its own: a lab file settles tubes by the hundred thousand, and
-- inserting their members' narrow result rows (one index) is several times cheaper, on PostgreSQL,
-- than rewriting every sample row with its five indexes. sample_id names a test_samples row (rows
-- are only made from samples, by id); it has no REFERENCES because PostgreSQL's check of it, one
-- key-share lock per row, cost more than the insert itself.
CREATE TABLE test_results (
  sample_id BIGINT PRIMARY KEY,
  result TEXT NOT NULL,
  result_at BIGINT NOT NULL
);
INSERT INTO test_results (sample_id, result, result_at)
  SELECT id, result, COALESCE(result_at, taken_at) FROM test_samples WHERE result IS NOT NULL;
ALTER TABLE test_samples DROP COLUMN result;
ALTER TABLE test_samples DROP COLUMN result_at;
-- A tube is settled with its result now: nothing looks for unsettled tubes.
DROP INDEX test_tubes_unsettled;
)sql"},
    {48, R"sql(
-- An invitation carries a QR the person shows at the site (testing/sampled_person.h): an opaque
-- token, "KBT1." and 22 random characters, naming the invited person. NULL for invitations made
-- before it.
ALTER TABLE test_invitations ADD COLUMN token TEXT;
CREATE UNIQUE INDEX test_invitations_by_token ON test_invitations(token);
)sql"},
    {49, R"sql(
-- Names are sealed at rest (migration 51, crypto/sealing.h), so an index on the sealed name is
-- ordered by ciphertext and answers no query; search goes through name_key. Dropping it takes a
-- randomly keyed index off every new person (a raw-list import writes a million).
DROP INDEX people_by_name;
)sql"},
    {50, R"sql(
-- A tamper-evident audit log (audit/chain.h). Each writing connection of each process keeps a
-- chain a day: chain names it, seq counts from 1, and hash is the BLAKE2b of the entry and the
-- hash before it, so an altered, removed or reordered entry breaks the chain. The actor's role
-- and jurisdiction are recorded as they were. Entries written before this migration have no
-- chain and are reported as unchained by the verifier.
ALTER TABLE audit_log ADD COLUMN chain TEXT;
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
ALTER TABLE audit_log ADD COLUMN actor_role TEXT;
ALTER TABLE audit_log ADD COLUMN actor_area TEXT;
CREATE UNIQUE INDEX audit_log_by_chain ON audit_log(chain, seq);
-- Whose personal data an entry showed or changed: the citizens' "who looked at my data".
CREATE TABLE audit_people (
  person_id BIGINT NOT NULL,
  audit_id BIGINT NOT NULL,
  PRIMARY KEY (person_id, audit_id)
);
)sql"},
    {51, R"sql(
-- Sealed personal fields (crypto/sealing.h): names, streets, declaration answers and health
-- reports are sealed by the application under a data key held outside the database. A name is
-- found through blind indexes only: name_key (of the whole folded name) and name_words (of each
-- folded word, " a b c "). The name keys written before held the folded name in clear: they are
-- cleared here, and the sealing pass at start (crypto/reseal.h) fills them keyed and seals the
-- names and streets still in clear.
ALTER TABLE people ADD COLUMN name_words TEXT;
UPDATE people SET name_key = NULL;
)sql"},
    {52, R"sql(
-- Phones and ID numbers sealed at rest (crypto/sealing.h), found by equality through keyed blind
-- indexes only: people.phone_index and id_number_index, users.phone_index (citizen sign-in),
-- person_identifiers.value_index (a phone's is its phone index, another kind's its ID number
-- index) and organisation_members.phone_index (the roster joins accounts by it). The indexes and
-- unique constraints move from the values to their blind indexes; rows from before are sealed
-- and indexed by the sealing pass at start (crypto/reseal.h). Inline UNIQUE constraints on
-- users.phone and organisation_members(organisation_id, phone) stay: sealed values never
-- collide, and the blind-index ones below are the ones that hold.
ALTER TABLE people ADD COLUMN phone_index TEXT;
ALTER TABLE people ADD COLUMN id_number_index TEXT;
DROP INDEX people_by_id_number;
DROP INDEX people_by_phone;
CREATE UNIQUE INDEX people_by_id_number_index ON people(id_number_index);
CREATE INDEX people_by_phone_index ON people(phone_index);
ALTER TABLE users ADD COLUMN phone_index TEXT;
CREATE UNIQUE INDEX users_by_phone_index ON users(phone_index);
ALTER TABLE person_identifiers ADD COLUMN value_index TEXT;
DROP INDEX person_identifiers_one_person;
DROP INDEX person_identifiers_of_person;
DROP INDEX person_identifiers_phones;
CREATE UNIQUE INDEX person_identifiers_one_person ON person_identifiers(kind, value_index, country) WHERE kind <> 'phone';
CREATE UNIQUE INDEX person_identifiers_of_person ON person_identifiers(person_id, kind, value_index, country);
CREATE INDEX person_identifiers_phones ON person_identifiers(value_index) WHERE kind = 'phone';
ALTER TABLE organisation_members ADD COLUMN phone_index TEXT;
DROP INDEX organisation_members_by_phone;
CREATE INDEX organisation_members_by_phone ON organisation_members(phone_index);
CREATE UNIQUE INDEX organisation_members_one_phone ON organisation_members(organisation_id, phone_index);
-- One-time codes are kept under the phone's blind index from now on: codes pending from before
-- (minutes old at most) are dropped with their clear phones.
DELETE FROM otp_challenges;
DELETE FROM scan_otps;
)sql"},
    {53, R"sql(
-- Data requests from other agencies (data_requests/): what an agency asked for, why, over which
-- area and days, who approved it and until when the export may be downloaded.
CREATE TABLE data_requests (
  id {{pk}},
  agency TEXT NOT NULL,
  purpose TEXT NOT NULL,
  fields TEXT NOT NULL,
  area_code TEXT NOT NULL,
  province_code TEXT NOT NULL,
  ward_code TEXT NOT NULL,
  from_at BIGINT NOT NULL,
  to_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  requested_by BIGINT NOT NULL REFERENCES users(id),
  requested_at BIGINT NOT NULL,
  approved_by BIGINT REFERENCES users(id),
  approved_at BIGINT,
  downloads INTEGER NOT NULL DEFAULT 0
);
)sql"},
    {54, R"sql(
-- Feedback senders' phones sealed at rest (crypto/sealing.h): the daily limit per phone and a
-- citizen's own reports are found through the phone's blind index. Rows from before are sealed
-- and indexed by the sealing pass at start (crypto/reseal.h), which also seals vaccination
-- import rows, rosters' member names and venues' contact phones (no lookup needs their index).
ALTER TABLE feedback_reports ADD COLUMN sender_phone_index TEXT;
DROP INDEX feedback_by_phone;
CREATE INDEX feedback_by_phone ON feedback_reports(sender_phone_index, created_at);
)sql"},
    {55, R"sql(
-- Imports cut off (vaccination/imports.h fail_interrupted_imports): failure is why an import
-- failed ('interrupted' when its server stopped in the middle; otherwise the error's code),
-- empty for the others. owner names what runs an import (the PostgreSQL session of its writer,
-- or the process on SQLite), so a server starting fails only imports whose owner is gone. The
-- counts and people of an import grow with every chunk stored, so an interrupted import still
-- tells how much of its list was stored.
ALTER TABLE vaccination_imports ADD COLUMN failure TEXT NOT NULL DEFAULT '';
ALTER TABLE vaccination_imports ADD COLUMN owner TEXT NOT NULL DEFAULT '';
)sql"},
    {56, R"sql(
-- Measured values of health reports sealed at rest (crypto/sealing.h): readings holds them as
-- one sealed text (monitoring/reports.h); the integer columns stay for rows from before, which
-- the sealing pass at start (crypto/reseal.h, pass 4) moves into readings and seals, with the
-- free text, chat followers' phones and conversations and merges' change logs.
ALTER TABLE health_reports ADD COLUMN readings TEXT;
)sql"},
    {57, R"sql(
-- An import row's personal fields (name, ID number, phone, street, reasons, the file's line)
-- sealed together as one record (vaccination/imports.cpp personal_record): six sealed values a
-- row cost a nonce, a tag and a key label each, 40 % of the table's bytes. Rows from before keep
-- their separate columns, which are read when this one is empty.
ALTER TABLE vaccination_import_rows ADD COLUMN personal TEXT NOT NULL DEFAULT '';
)sql"},
    {60, R"sql(
-- Followers of the province's chat official account (chat/, Zalo OA first): the platform's user
-- id, whether they still follow, the account they linked by a one-time code, when they agreed
-- that health data may go through the platform, and the conversation they are in (a state and
-- its answers so far as JSON), so a conversation survives a restart. The platform lets the
-- account answer freely only within a window after the user's last message, a few messages at
-- most: window_opened_at and window_replies count them (chat/followers.h).
CREATE TABLE chat_followers (
  platform TEXT NOT NULL,
  user_id TEXT NOT NULL,
  following INTEGER NOT NULL DEFAULT 1,
  account_id BIGINT,
  phone TEXT,
  consent_at BIGINT NOT NULL DEFAULT 0,
  window_opened_at BIGINT NOT NULL DEFAULT 0,
  window_replies INTEGER NOT NULL DEFAULT 0,
  state TEXT NOT NULL DEFAULT 'idle',
  state_data TEXT NOT NULL DEFAULT '{}',
  state_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (platform, user_id)
);
CREATE INDEX chat_followers_by_account ON chat_followers(account_id);
-- Events already taken in, by the platform's key of the event, so a replayed event does
-- nothing. Kept a day, far longer than the accepted clock skew (chat/followers.h).
CREATE TABLE chat_events (
  platform TEXT NOT NULL,
  event_key TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (platform, event_key)
);
-- The platform's access token and its single-use refresh token, shared by every process; only
-- the holder of the job lease refreshes them (chat/zalo_oa.h).
CREATE TABLE chat_tokens (
  platform TEXT PRIMARY KEY,
  access_token TEXT NOT NULL,
  refresh_token TEXT NOT NULL,
  expires_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
-- The channels a citizen prefers for notices, in order (e.g. "chat,sms"); empty: the default.
ALTER TABLE users ADD COLUMN preferred_channels TEXT NOT NULL DEFAULT '';
)sql"},
    {65, R"sql(
-- Visits a staff scanner recorded without network and sent later (checkin/door.h, an offline
-- scan): a trust note beside the visit, which keeps the scan's own time as its t_in. Kept apart
-- from the day tables of visits so the hottest write stays as it is; dropped with the visit's day
-- by retention (checkin/retention.h).
CREATE TABLE offline_scans (
  visit_id BIGINT PRIMARY KEY,
  venue_id BIGINT NOT NULL REFERENCES venues(id),
  scanned_at BIGINT NOT NULL,
  received_at BIGINT NOT NULL,
  recorded_by BIGINT REFERENCES users(id)
);
CREATE INDEX offline_scans_by_time ON offline_scans(scanned_at);
)sql"},
    // SQLite: check-ins are appended to visits_recent and moved to the day tables in batches
    // (checkin/recent_visits.h); the view `visits` takes it in.
    {70, nullptr, checkin::create_recent_visits},
};

// Connections cache prepared statements by the address of their text, so a text built at run
// time must keep one address for the life of the process (a temporary string's buffer is
// reused by the next one, which would run the previous table's cached statement).
const char* interned(std::string text) {
  static std::mutex mu;
  static std::set<std::string> texts;
  std::lock_guard lock(mu);
  return texts.insert(std::move(text)).first->c_str();
}

constexpr bool in_version_order() {
  for (size_t i = 1; i < std::size(kMigrations); ++i) {
    if (kMigrations[i].version <= kMigrations[i - 1].version) return false;
  }
  return true;
}
static_assert(in_version_order(),
              "kMigrations must be in version order: a database at version N skips any lower one");

}  // namespace

Result<std::vector<std::pair<std::string, int64_t>>> table_counts(Connection& c) {
  static constexpr Sql kSqliteTables{"list_tables_sqlite",
                                     "SELECT name FROM sqlite_master WHERE type = 'table' AND name "
                                     "NOT LIKE 'sqlite_%' ORDER BY name"};
  static constexpr Sql kPgTables{
      "list_tables_pg",
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
      "AND table_type = 'BASE TABLE' ORDER BY table_name"};
  KB_ASSIGN(Rows tables, c.query(c.dialect() == Dialect::kSqlite ? kSqliteTables : kPgTables));
  std::vector<std::pair<std::string, int64_t>> out;
  std::vector<std::string> names;
  for (const auto& t : tables) {
    // The day tables of visits count as one: `visits` (checkin/visit_days.h).
    std::string name = t.str(0);
    if (!name.starts_with("visits")) names.push_back(std::move(name));
  }
  names.push_back("visits");
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    // Table names come from the catalogue, not from input.
    Sql count{"count_table", interned(fmt::format("SELECT COUNT(*) FROM \"{}\"", name))};
    KB_ASSIGN(Rows n, c.query(count));
    out.emplace_back(name, n.empty() ? 0 : n[0].i64(0));
  }
  return out;
}

store::Schema khaibao() { return kMigrations; }

}  // namespace kb::schema
