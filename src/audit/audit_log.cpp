#include "audit/audit_log.h"

namespace kb::audit {
namespace {

constexpr store::Sql kInsertAudit{"insert_audit",
                                  "INSERT INTO audit_log(at, actor_id, action, subject, reason, "
                                  "detail) VALUES ($1, $2, $3, $4, $5, $6)"};

store::Param opt(std::string_view s) { return s.empty() ? store::Param{nullptr} : store::Param{s}; }

}  // namespace

Status record(store::Connection& c, const Entry& e) {
  store::Param actor = e.actor_id ? store::Param{*e.actor_id} : store::Param{nullptr};
  KB_TRY(
      c.exec(kInsertAudit, {e.at, actor, e.action, opt(e.subject), opt(e.reason), opt(e.detail)}));
  return {};
}

}  // namespace kb::audit
