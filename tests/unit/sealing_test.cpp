#include "crypto/sealing.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

namespace kb::sealing {
namespace {

const char* kOneKey = "0a0b0c0d 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const char* kOtherKey = "0a0b0c0d ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100";

TEST(Sealing, SealedTextOpensAndHidesTheValue) {
  auto ring = Keyring::parse(kOneKey).value();
  auto sealed = ring.seal("Nguyễn Thị Ánh 0912345678").value();
  EXPECT_TRUE(sealed.starts_with("kb1.0a0b0c0d."));
  EXPECT_EQ(sealed.find("Nguy"), std::string::npos);
  EXPECT_EQ(sealed.find("0912345678"), std::string::npos);
  EXPECT_EQ(ring.open(sealed).value(), "Nguyễn Thị Ánh 0912345678");
  // A fresh nonce each time: equal values do not give equal ciphertexts.
  EXPECT_NE(ring.seal("0912345678").value(), ring.seal("0912345678").value());
}

// The 24-byte nonce at the front of a sealed value ("kb1.<id>.<base64url(nonce ‖ …)>").
std::string nonce_of(std::string_view sealed) {
  std::string_view body = sealed.substr(13);
  std::string box(body.size(), '\0');
  size_t n = 0;
  sodium_base642bin(reinterpret_cast<unsigned char*>(box.data()), box.size(), body.data(),
                    body.size(), nullptr, &n, nullptr, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return box.substr(0, 24);
}

TEST(Sealing, NoNonceRepeatsAcrossThreadsOrAFork) {
  auto ring = Keyring::parse(kOneKey).value();
  constexpr int kThreads = 4, kSeals = 5000;
  std::vector<std::vector<std::string>> nonces(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&ring, &mine = nonces[t]] {
      for (int i = 0; i < kSeals; ++i) mine.push_back(nonce_of(ring.seal("0912345678").value()));
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> seen;
  for (const auto& mine : nonces) seen.insert(mine.begin(), mine.end());
  EXPECT_EQ(seen.size(), size_t{kThreads * kSeals});

  // A child process goes on from its parent's thread state: its next nonce must still be new.
  std::string before = nonce_of(ring.seal("a").value());
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    std::string n = nonce_of(ring.seal("a").value());
    _exit(write(pipe_fds[1], n.data(), n.size()) == static_cast<ssize_t>(n.size()) ? 0 : 1);
  }
  std::string in_child(24, '\0');
  ASSERT_EQ(read(pipe_fds[0], in_child.data(), in_child.size()), 24);
  int status = 0;
  waitpid(child, &status, 0);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
  std::string after = nonce_of(ring.seal("a").value());
  EXPECT_NE(in_child, after);
  EXPECT_NE(in_child.substr(0, 16), before.substr(0, 16));  // the child drew its own prefix
  EXPECT_EQ(after.substr(0, 16), before.substr(0, 16));     // the parent's stream goes on
}

TEST(Sealing, TamperedCiphertextIsRefused) {
  auto ring = Keyring::parse(kOneKey).value();
  std::string sealed = ring.seal("079123456789").value();
  std::string flipped = sealed;
  char& ch = flipped[flipped.size() - 5];
  ch = ch == 'A' ? 'B' : 'A';
  auto opened = ring.open(flipped);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, "sealed_tampered");
  // Truncated and relabelled values are refused too.
  EXPECT_FALSE(ring.open(sealed.substr(0, 20)).ok());
  auto two = Keyring::parse(std::string(kOneKey) + "\n0000000e " + std::string(64, '7')).value();
  std::string relabelled = "kb1.0000000e" + sealed.substr(12);
  EXPECT_FALSE(two.open(relabelled).ok());
}

TEST(Sealing, WrongKeyIsRefused) {
  auto sealed = Keyring::parse(kOneKey).value().seal("Lê Văn Bình").value();
  auto opened = Keyring::parse(kOtherKey).value().open(sealed);
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.error().code, "sealed_tampered");
  auto missing = Keyring::generate().open(sealed);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, "data_key_missing");
}

TEST(Sealing, RotatedRingSealsWithTheNewKeyAndOpensTheOld) {
  auto old_ring = Keyring::parse(kOneKey).value();
  auto sealed_before = old_ring.seal("0987654321").value();
  auto ring = old_ring.with_new_key();
  EXPECT_NE(ring.sealing_key_id(), "0a0b0c0d");
  EXPECT_EQ(ring.open(sealed_before).value(), "0987654321");
  EXPECT_EQ(key_id_of(ring.seal("x").value()), ring.sealing_key_id());
  // Blind indexes do not change with a rotation: lookups keep working while rows are resealed.
  EXPECT_EQ(ring.blind_index("phone", "0987654321"), old_ring.blind_index("phone", "0987654321"));
  // The file text reads back to the same ring.
  auto again = Keyring::parse(ring.file_text()).value();
  EXPECT_EQ(again.sealing_key_id(), ring.sealing_key_id());
  EXPECT_EQ(again.open(sealed_before).value(), "0987654321");
}

TEST(Sealing, BlindIndexIsKeyedAndPerPurpose) {
  auto ring = Keyring::parse(kOneKey).value();
  auto other = Keyring::parse(kOtherKey).value();
  std::string a = ring.blind_index("phone", "0912345678");
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a, ring.blind_index("phone", "0912345678"));
  EXPECT_NE(a, ring.blind_index("id_number", "0912345678"));
  EXPECT_NE(a, other.blind_index("phone", "0912345678"));
  EXPECT_NE(a, ring.blind_index("phone", "0912345679"));
}

TEST(Sealing, BadKeysAreNamedErrors) {
  EXPECT_EQ(Keyring::parse("").error().code, "data_keys_invalid");
  EXPECT_EQ(Keyring::parse("0a0b0c0d 1234").error().code, "data_keys_invalid");
  EXPECT_EQ(Keyring::parse("XYZ " + std::string(64, '1')).error().code, "data_keys_invalid");
  EXPECT_EQ(Keyring::parse(std::string(kOneKey) + "," + kOtherKey).error().code,
            "data_keys_invalid");  // one id twice
  EXPECT_TRUE(Keyring::parse("# comment\n\n" + std::string(kOneKey)).ok());
  EXPECT_TRUE(Keyring::parse("0a0b0c0d:" + std::string(64, 'a')).ok());  // the variable's form
}

TEST(Sealing, KeyFileIsCreatedPrivateOnceAndReadBack) {
  auto dir = std::filesystem::temp_directory_path() / ("kb-seal-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  ::unsetenv(kKeysVariable);
  KeySource source;
  auto first = load_keys(dir.string(), &source).value();
  EXPECT_EQ(source.file, (dir / kKeyFileName).string());
  struct stat st {};
  ASSERT_EQ(::stat(source.file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto second = load_keys(dir.string()).value();
  EXPECT_EQ(second.open(first.seal("Trần Quốc Tuấn").value()).value(), "Trần Quốc Tuấn");
  ::setenv(kKeysVariable, kOneKey, 1);
  EXPECT_EQ(load_keys(dir.string(), &source).value().sealing_key_id(), "0a0b0c0d");
  EXPECT_TRUE(source.file.empty());
  ::unsetenv(kKeysVariable);
  std::filesystem::remove_all(dir);
}

TEST(Sealing, RevealPassesClearTextAndHidesWhatDoesNotOpen) {
  install(Keyring::parse(kOneKey).value());
  EXPECT_EQ(reveal("Phạm Thị Hoa"), "Phạm Thị Hoa");  // a row from before sealing
  EXPECT_EQ(seal(""), "");
  std::string sealed = seal("Phạm Thị Hoa");
  EXPECT_TRUE(is_sealed(sealed));
  EXPECT_EQ(reveal(sealed), "Phạm Thị Hoa");
  int64_t before = open_failures();
  EXPECT_EQ(reveal(Keyring::parse(kOtherKey).value().seal("x").value()), "");
  EXPECT_EQ(open_failures(), before + 1);
  EXPECT_EQ(blind("phone", ""), "");
}

}  // namespace
}  // namespace kb::sealing
