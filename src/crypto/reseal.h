// The columns sealed at rest (crypto/sealing.h), and the pass that brings every value of them
// under the current data key: a value still in clear (a row from before sealing) is sealed, a
// value sealed under an older key is opened and sealed again, a value under the current key is
// left alone. The pass walks each table in id order, a batch per write; it is idempotent and can
// stop at any point (a later run skips what is done). It runs at start until it has once
// finished (settings 'sealing.pass'), and for `khaibao admin keys rotate-data`.
//
// Sealed: people.full_name, people.street (their name keys and name words are blind indexes,
// filled by identity::fill_name_keys), people.phone and id_number (with phone_index and
// id_number_index); users.phone (phone_index); person_identifiers.value (value_index);
// organisation_members.phone (phone_index), id_number and full_name; the phone of an SMS delivery;
// declarations.travel_provinces, travel_countries, symptoms, exposures; health_reports.symptoms,
// note; venues.contact_phone; feedback_reports.sender_phone (sender_phone_index);
// vaccination_import_rows.full_name, id_number, phone, street, reasons and original (the line of
// the file); health_reports.readings (the measured values, moved there from the integer columns
// of rows from before); feedback_reports.text and feedback_events.note; cases.notes and
// close_note; monitoring_orders.note and close_reason; vaccination_reactions.description;
// chat_followers.phone and state_data; the sealed people details a merge logged in
// identity_merge_changes. The pass fills a missing blind index too.
#pragma once

#include <cstdint>

#include "core/result.h"
#include "store/database.h"

namespace kb::sealing {

struct ResealCounts {
  int64_t rows = 0;    // rows read
  int64_t sealed = 0;  // values written (sealed from clear, or under the current key)
};

// One batch of table `table` (0 … table_count() - 1) after `after_id`; sets `*last_id` to the
// last id read (unchanged when the batch was empty). Write connection.
Result<ResealCounts> reseal_batch(store::Connection& c, size_t table, int64_t after_id,
                                  int64_t limit, int64_t* last_id);
size_t table_count();

// Every sealed column of every table, in batches of `batch` rows (one write each).
Result<ResealCounts> reseal_all(store::Database& db, int64_t batch = 500);

// Refuses keys other than those the database was sealed with (a process given another data dir
// would otherwise seal under a key of its own, and find nobody by a blind index): the first
// start records a keyed hash of a constant, and later starts must give the same one.
Status check_keys(store::Database& db);

// At start (after check_keys): runs reseal_all and fills the name keys when the pass has not
// finished once on this database (a database from before sealing), then records that it has.
Result<ResealCounts> seal_at_start(store::Database& db);

}  // namespace kb::sealing
