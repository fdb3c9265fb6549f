#include "outbox/outbox.h"

#include <fcntl.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "core/clock.h"

namespace kb::outbox {

Status OutboxFile::send(const OutgoingMessage& m) {
  boost::json::object line{
      {"channel", m.channel}, {"to", m.to}, {"text", m.text}, {"at", format_rfc3339(m.at)}};
  std::string text = boost::json::serialize(line);
  text.push_back('\n');
  int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return make_error(ErrorKind::kUnavailable, "outbox_unavailable", "cannot open " + path_);
  ssize_t n = ::write(fd, text.data(), text.size());
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) {
    return make_error(ErrorKind::kUnavailable, "outbox_unavailable", "short write to " + path_);
  }
  return {};
}

}  // namespace kb::outbox
