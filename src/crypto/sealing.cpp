#include "crypto/sealing.h"

#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "core/crypto.h"

namespace kb::sealing {
namespace {

constexpr uint64_t kSealSubkey = 1;
constexpr uint64_t kIndexSubkey = 2;
constexpr char kSealContext[crypto_kdf_CONTEXTBYTES] = {'k', 'b', 's', 'e', 'a', 'l', '0', '1'};
constexpr char kIndexContext[crypto_kdf_CONTEXTBYTES] = {'k', 'b', 'b', 'l', 'i', 'n', 'd', '1'};
constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;

Error bad_keys(std::string message) {
  return invalid("data-keys", "data_keys_invalid", std::move(message));
}

bool is_key_id(std::string_view id) {
  return id.size() == 8 && id.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

std::string random_key_id() {
  unsigned char id[4];
  randombytes_buf(id, sizeof id);
  return to_hex(std::string_view(reinterpret_cast<const char*>(id), sizeof id));
}

// Seals made after a fork() in the child must not reuse the parent's nonces: the child's threads
// draw new prefixes.
std::atomic<uint64_t> forks{0};

// Fills XChaCha20's 24-byte nonce: the calling thread's 16 random bytes (drawn at its first seal,
// and again after a fork), then its count of seals. Two seals never share a nonce: within a
// thread the count differs, and two threads' random prefixes meet with probability 2^-128 a pair.
// A random nonce per seal cost a getrandom() system call each: an eighth of the cleaning threads'
// time in a 1,000,000-row import.
void next_nonce(unsigned char* out) {
  static const bool fork_watched = [] {
    pthread_atfork(nullptr, nullptr, [] { forks.fetch_add(1, std::memory_order_relaxed); });
    return true;
  }();
  (void)fork_watched;
  struct Stream {
    unsigned char prefix[16];
    uint64_t count = 0;
    uint64_t fork_seen = ~uint64_t{0};
  };
  thread_local Stream stream;
  const uint64_t fork_now = forks.load(std::memory_order_relaxed);
  if (stream.fork_seen != fork_now) {
    randombytes_buf(stream.prefix, sizeof stream.prefix);
    stream.count = 0;
    stream.fork_seen = fork_now;
  }
  static_assert(sizeof stream.prefix + sizeof stream.count == kNonce);
  std::memcpy(out, stream.prefix, sizeof stream.prefix);
  const uint64_t count = stream.count++;
  std::memcpy(out + sizeof stream.prefix, &count, sizeof count);
}

DataKey random_key(std::string id) {
  DataKey k{std::move(id), {}};
  crypto_kdf_keygen(k.key.data());
  return k;
}

}  // namespace

Keyring::~Keyring() {
  for (auto& k : keys_) sodium_memzero(k.key.data(), k.key.size());
  for (auto& d : derived_) sodium_memzero(d.seal_key.data(), d.seal_key.size());
  sodium_memzero(index_key_.data(), index_key_.size());
}

Result<Keyring> Keyring::make(std::vector<DataKey> keys) {
  if (keys.empty()) return bad_keys("no data key");
  Keyring ring;
  for (const auto& k : keys) {
    if (!is_key_id(k.id)) return bad_keys("a data key id is not 8 lowercase hex digits");
    if (ring.has_key(k.id)) return bad_keys("data key id " + k.id + " appears twice");
    Derived d{k.id, {}};
    crypto_kdf_derive_from_key(d.seal_key.data(), d.seal_key.size(), kSealSubkey, kSealContext,
                               k.key.data());
    ring.derived_.push_back(d);
    ring.keys_.push_back(k);
  }
  crypto_kdf_derive_from_key(ring.index_key_.data(), ring.index_key_.size(), kIndexSubkey,
                             kIndexContext, ring.keys_.front().key.data());
  return ring;
}

Result<Keyring> Keyring::parse(std::string_view text) {
  std::vector<DataKey> keys;
  // Lines, each holding one key or several separated by commas; `#` starts a comment line.
  std::string entries;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    for (char& ch : line) {
      if (ch == ',' || ch == '\r') ch = '\n';
    }
    entries += line + "\n";
  }
  std::istringstream items(entries);
  while (std::getline(items, line)) {
    auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    line = line.substr(first);
    auto sep = line.find_first_of(" \t:");
    auto hex_at = sep == std::string::npos ? sep : line.find_first_not_of(" \t:", sep);
    if (hex_at == std::string::npos) return bad_keys("a data key entry is not `id hex`");
    std::string id = line.substr(0, sep);
    std::string hex = line.substr(hex_at);
    while (!hex.empty() && (hex.back() == ' ' || hex.back() == '\t')) hex.pop_back();
    std::string raw = from_hex(hex);
    if (raw.size() != 32) return bad_keys("data key " + id + " is not 64 hex digits");
    DataKey k{id, {}};
    std::memcpy(k.key.data(), raw.data(), 32);
    sodium_memzero(raw.data(), raw.size());
    keys.push_back(k);
  }
  return make(std::move(keys));
}

Keyring Keyring::generate() { return make({random_key(random_key_id())}).value(); }

Keyring Keyring::with_new_key() const {
  std::vector<DataKey> keys = keys_;
  std::string id;
  do {
    id = random_key_id();
  } while (has_key(id));
  keys.push_back(random_key(id));
  return make(std::move(keys)).value();
}

bool Keyring::has_key(std::string_view id) const {
  for (const auto& k : keys_) {
    if (k.id == id) return true;
  }
  return false;
}

std::string Keyring::file_text() const {
  std::string out =
      "# khaibao data keys (crypto/sealing.h): every key opens, the last seals, the first keys\n"
      "# the blind indexes. Keep this file secret and backed up: without it nothing sealed "
      "opens.\n";
  for (const auto& k : keys_) {
    out += k.id + " " +
           to_hex(std::string_view(reinterpret_cast<const char*>(k.key.data()), k.key.size())) +
           "\n";
  }
  return out;
}

Result<std::string> Keyring::seal(std::string_view clear) const {
  const Derived& d = derived_.back();
  // The box (nonce ‖ ciphertext ‖ tag) on the stack for the short values most fields hold, and
  // its text written straight into the answer: one allocation a seal.
  constexpr size_t kShort = 512;
  const size_t box_size = kNonce + clear.size() + kTag;
  unsigned char short_box[kShort];
  std::string long_box;
  unsigned char* box = short_box;
  if (box_size > kShort) {
    long_box.resize(box_size);
    box = reinterpret_cast<unsigned char*>(long_box.data());
  }
  next_nonce(box);
  unsigned long long len = 0;
  // The key id is authenticated data: a value cannot be relabelled to another key.
  if (crypto_aead_xchacha20poly1305_ietf_encrypt(
          box + kNonce, &len, reinterpret_cast<const unsigned char*>(clear.data()), clear.size(),
          reinterpret_cast<const unsigned char*>(d.id.data()), d.id.size(), nullptr, box,
          d.seal_key.data()) != 0) {
    return internal("sealing failed");
  }
  const size_t head = kPrefix.size() + d.id.size() + 1;
  std::string out(
      head + sodium_base64_ENCODED_LEN(kNonce + len, sodium_base64_VARIANT_URLSAFE_NO_PADDING),
      '\0');
  std::memcpy(out.data(), kPrefix.data(), kPrefix.size());
  std::memcpy(out.data() + kPrefix.size(), d.id.data(), d.id.size());
  out[head - 1] = '.';
  sodium_bin2base64(out.data() + head, out.size() - head, box, kNonce + len,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(head + std::strlen(out.c_str() + head));
  return out;
}

Result<std::string> Keyring::open(std::string_view sealed) const {
  if (!is_sealed(sealed)) return invalid("sealed", "not_sealed", "the value is not sealed");
  std::string_view id = key_id_of(sealed);
  const Derived* d = nullptr;
  for (const auto& k : derived_) {
    if (k.id == id) d = &k;
  }
  if (d == nullptr) {
    return make_error(ErrorKind::kInternal, "data_key_missing",
                      "the data key " + std::string(id) + " that sealed a value is not held");
  }
  std::string_view body = sealed.substr(kPrefix.size() + 9);
  std::string box(body.size(), '\0');
  size_t n = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(box.data()), box.size(), body.data(),
                        body.size(), nullptr, &n, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      n < kNonce + kTag) {
    return make_error(ErrorKind::kInternal, "sealed_malformed", "a sealed value is malformed");
  }
  const auto* in = reinterpret_cast<const unsigned char*>(box.data());
  std::string clear(n - kNonce - kTag, '\0');
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(clear.data()),
                                                 &len, nullptr, in + kNonce, n - kNonce,
                                                 reinterpret_cast<const unsigned char*>(id.data()),
                                                 id.size(), in, d->seal_key.data()) != 0) {
    return make_error(ErrorKind::kInternal, "sealed_tampered",
                      "a sealed value does not open: altered, or sealed under another key");
  }
  clear.resize(len);
  return clear;
}

std::string Keyring::blind_index(std::string_view purpose, std::string_view value) const {
  crypto_generichash_state st;
  unsigned char out[16];
  crypto_generichash_init(&st, index_key_.data(), index_key_.size(), sizeof out);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(purpose.data()),
                            purpose.size());
  const unsigned char sep = 0;
  crypto_generichash_update(&st, &sep, 1);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(value.data()),
                            value.size());
  crypto_generichash_final(&st, out, sizeof out);
  return to_hex(std::string_view(reinterpret_cast<const char*>(out), sizeof out));
}

bool is_sealed(std::string_view stored) {
  return stored.size() > kPrefix.size() + 9 && stored.starts_with(kPrefix) &&
         stored[kPrefix.size() + 8] == '.';
}

std::string_view key_id_of(std::string_view stored) {
  return is_sealed(stored) ? stored.substr(kPrefix.size(), 8) : std::string_view{};
}

Result<Keyring> load_keys(const std::string& data_dir, KeySource* source) {
  if (const char* env = std::getenv(kKeysVariable); env != nullptr && *env != '\0') {
    if (source) source->file.clear();
    return Keyring::parse(env);
  }
  std::string path = (std::filesystem::path(data_dir) / kKeyFileName).string();
  if (source) source->file = path;
  std::ifstream in(path);
  if (in) {
    std::stringstream text;
    text << in.rdbuf();
    return Keyring::parse(text.str());
  }
  Keyring ring = Keyring::generate();
  std::string text = ring.file_text();
  // O_EXCL: two processes starting at once on one data dir must not each write a key.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) {
    std::ifstream again(path);
    if (!again) return bad_keys("cannot create the data key file " + path);
    std::stringstream t;
    t << again.rdbuf();
    return Keyring::parse(t.str());
  }
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  written = ::fsync(fd) == 0 && written;
  ::close(fd);
  sodium_memzero(text.data(), text.size());
  if (!written) return bad_keys("cannot write the data key file " + path);
  spdlog::info(
      "created the data key file {} (keep it private and backed up: without it nothing sealed "
      "opens)",
      path);
  return ring;
}

Result<Keyring> add_key_to_file(const std::string& data_dir) {
  if (const char* env = std::getenv(kKeysVariable); env != nullptr && *env != '\0') {
    return bad_keys(std::string("the data keys come from ") + kKeysVariable +
                    ": add a key there (`id:hex` last) and restart every process");
  }
  KB_ASSIGN(Keyring old_ring, load_keys(data_dir));
  Keyring ring = old_ring.with_new_key();
  std::string path = (std::filesystem::path(data_dir) / kKeyFileName).string();
  std::string tmp = path + ".new";
  std::string text = ring.file_text();
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return bad_keys("cannot write " + tmp);
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  written = ::fsync(fd) == 0 && written;
  ::close(fd);
  sodium_memzero(text.data(), text.size());
  if (!written || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return bad_keys("cannot replace the data key file " + path);
  }
  return ring;
}

namespace {

struct Installed {
  std::mutex mu;
  std::shared_ptr<const Keyring> ring;
  std::string file;
  std::chrono::steady_clock::time_point last_reload{};
};
Installed& state() {
  static Installed s;
  return s;
}
std::atomic<int64_t> failures{0};

// A value sealed under a key this process does not hold: another process rotated the keys
// since this one started; read the key file again (at most once a second).
std::shared_ptr<const Keyring> reload_for(std::string_view key_id) {
  auto& s = state();
  std::lock_guard lock(s.mu);
  if (s.ring && s.ring->has_key(key_id)) return s.ring;
  auto now = std::chrono::steady_clock::now();
  if (s.file.empty() || now - s.last_reload < std::chrono::seconds(1)) return s.ring;
  s.last_reload = now;
  std::ifstream in(s.file);
  std::stringstream text;
  text << in.rdbuf();
  auto ring = Keyring::parse(text.str());
  if (ring.ok()) s.ring = std::make_shared<const Keyring>(std::move(ring).value());
  return s.ring;
}

}  // namespace

void install(Keyring ring, std::string key_file) {
  auto& s = state();
  std::lock_guard lock(s.mu);
  s.ring = std::make_shared<const Keyring>(std::move(ring));
  s.file = std::move(key_file);
}

std::shared_ptr<const Keyring> current() {
  auto& s = state();
  std::lock_guard lock(s.mu);
  if (!s.ring) s.ring = std::make_shared<const Keyring>(Keyring::generate());
  return s.ring;
}

bool installed() {
  auto& s = state();
  std::lock_guard lock(s.mu);
  return s.ring != nullptr;
}

std::string seal(std::string_view clear) {
  if (clear.empty()) return {};
  auto sealed = current()->seal(clear);
  return sealed.ok() ? std::move(sealed).value() : std::string{};
}

std::string reveal(std::string_view stored) {
  if (!is_sealed(stored)) return std::string(stored);
  auto ring = current();
  if (!ring->has_key(key_id_of(stored))) ring = reload_for(key_id_of(stored));
  auto clear = ring->open(stored);
  if (clear.ok()) return std::move(clear).value();
  if (failures.fetch_add(1) % 1000 == 0) {
    spdlog::error("a sealed value did not open ({}); it reads as empty", clear.error().code);
  }
  return {};
}

std::string blind(std::string_view purpose, std::string_view value) {
  if (value.empty()) return {};
  return current()->blind_index(purpose, value);
}

int64_t open_failures() { return failures.load(); }

}  // namespace kb::sealing
