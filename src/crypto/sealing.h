// Personal fields sealed at rest. A value is encrypted with XChaCha20-Poly1305 under a data
// key that never enters the database (a key file in the data dir, or KHAIBAO_DATA_KEYS), with a
// nonce never used before (16 random bytes drawn once per thread, then a counter: no system call
// per seal), and stored as text that names the key that sealed it:
//   "kb1." <key id: 8 hex> "." <base64url(nonce ‖ ciphertext ‖ tag)>
// so keys can rotate (`khaibao admin keys rotate-data`) while old values still open. A value
// that must be found by equality (a phone, an ID number, a name key) also gets a blind index:
// BLAKE2b keyed with a key derived from the first data key (crypto_kdf), per purpose, so equal
// values give equal indexes and nothing else can be learnt from an index without the key.
//
// Rows written before sealing hold clear text; `reveal` passes such text through, and the
// sealing pass (crypto/seal_pass.h) seals them at start.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace kb::sealing {

inline constexpr std::string_view kPrefix = "kb1.";
inline constexpr const char* kKeysVariable = "KHAIBAO_DATA_KEYS";
inline constexpr const char* kKeyFileName = "data-keys";

struct DataKey {
  std::string id;                     // 8 lowercase hex digits, unique in a key ring
  std::array<unsigned char, 32> key;  // the root key as read from the file
};

// The keys of this process: every key opens, the last one seals, the first one keys the
// blind indexes (an index key that changed would need every index recomputed).
class Keyring {
 public:
  static Result<Keyring> make(std::vector<DataKey> keys);
  // `id:hex,id:hex…` (the form of KHAIBAO_DATA_KEYS) or the key file's lines `id hex`
  // (blank lines and `#` comments ignored).
  static Result<Keyring> parse(std::string_view text);
  // A new ring of one random key.
  static Keyring generate();

  Result<std::string> seal(std::string_view clear) const;
  Result<std::string> open(std::string_view sealed) const;
  // The blind index of `value` for `purpose` ("phone", "id_number", "name"…): 32 hex digits.
  std::string blind_index(std::string_view purpose, std::string_view value) const;
  const std::string& sealing_key_id() const { return keys_.back().id; }
  bool has_key(std::string_view id) const;
  // The ring with one more random key, which seals from then on.
  Keyring with_new_key() const;
  // The key file's text (lines `id hex`).
  std::string file_text() const;

  ~Keyring();
  Keyring(const Keyring&) = default;
  Keyring(Keyring&&) = default;
  Keyring& operator=(const Keyring&) = default;
  Keyring& operator=(Keyring&&) = default;

 private:
  Keyring() = default;
  struct Derived {
    std::string id;
    std::array<unsigned char, 32> seal_key;
  };
  std::vector<DataKey> keys_;
  std::vector<Derived> derived_;
  std::array<unsigned char, 32> index_key_{};
};

bool is_sealed(std::string_view stored);
// The key id a sealed value names; empty for clear text.
std::string_view key_id_of(std::string_view stored);

// Where this process's keys come from: KHAIBAO_DATA_KEYS when set, else `<data_dir>/data-keys`,
// which is created (mode 0600) with one random key when missing.
struct KeySource {
  std::string file;  // empty when the keys come from the environment
};
Result<Keyring> load_keys(const std::string& data_dir, KeySource* source = nullptr);
// Adds a new key to the key file of `data_dir` (written whole to a private temporary file, then
// renamed over the old one); it seals from then on, and every older key stays to open. Refused
// when the keys come from the environment (change the variable instead). Returns the new ring.
Result<Keyring> add_key_to_file(const std::string& data_dir);

// The process-wide ring used by the domain's row readers and writers (install once at start,
// before the database is opened; tests install their own).
void install(Keyring ring, std::string key_file = {});
bool installed();
// Seals with the installed ring; an empty value stays empty (absence is not a secret worth a
// ciphertext, and readers test for it).
std::string seal(std::string_view clear);
// The clear text of a stored value: clear text (a row from before sealing) passes through; a
// sealed value opens; one that cannot be opened (a key no longer held, tampering) reads as
// empty and is counted (open_failures) — never shown as its ciphertext.
std::string reveal(std::string_view stored);
// Blind index with the installed ring; empty for an empty value.
std::string blind(std::string_view purpose, std::string_view value);
int64_t open_failures();
// The installed ring (for rotation).
std::shared_ptr<const Keyring> current();

}  // namespace kb::sealing
