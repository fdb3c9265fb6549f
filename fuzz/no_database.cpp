// Link-time stand-ins for the store's row accessors, for targets whose sources also hold database
// code they never run (areas/area_directory.cpp loads the directory from a database; the targets
// build theirs in memory). Reaching one is a bug in the target: it aborts.
#include <cstdlib>

#include "store/database.h"

namespace kb::store {

int64_t Row::i64(size_t) const { std::abort(); }
std::string Row::str(size_t) const { std::abort(); }
std::optional<std::string> Row::opt_str(size_t) const { std::abort(); }
std::optional<int64_t> Row::opt_i64(size_t) const { std::abort(); }

}  // namespace kb::store
