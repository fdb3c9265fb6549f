#include "certificates/signer_certificate.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>

namespace kb::certificates {
namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using SigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG, ECDSA_SIG_free>>;
using EkuPtr =
    std::unique_ptr<EXTENDED_KEY_USAGE, Deleter<EXTENDED_KEY_USAGE, EXTENDED_KEY_USAGE_free>>;
using ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;

std::shared_ptr<EVP_PKEY> share_key(EVP_PKEY* key) {
  return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

const unsigned char* bytes_of(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

int64_t unix_time(const ASN1_TIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return static_cast<int64_t>(timegm(&tm));
}

bool is_p256(EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return false;
  char group[64] = {};
  size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &len) !=
      1)
    return false;
  return std::string_view(group, len) == "prime256v1";
}

std::string sha256(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), len);
}

constexpr std::string_view kOidPrefixes[] = {"1.3.6.1.4.1.1847.2021.1.",
                                             "1.3.6.1.4.1.0.1847.2021.1."};

}  // namespace

std::vector<CertificateKind> kinds_of_key_usage_oid(std::string_view oid) {
  for (std::string_view prefix : kOidPrefixes) {
    if (oid.size() != prefix.size() + 1 || oid.substr(0, prefix.size()) != prefix) continue;
    switch (oid.back()) {
      case '1':
        return {CertificateKind::kTest};
      case '2':
        return {CertificateKind::kVaccination};
      case '3':
        return {CertificateKind::kRecovery};
      default:
        return {};
    }
  }
  return {};
}

std::string ecdsa_raw_to_der(std::string_view raw) {
  if (raw.empty() || raw.size() % 2 != 0) return {};
  size_t half = raw.size() / 2;
  SigPtr sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(bytes_of(raw), static_cast<int>(half), nullptr);
  BIGNUM* s = BN_bin2bn(bytes_of(raw) + half, static_cast<int>(half), nullptr);
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return {};
  }
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig.get(), &der);
  if (len <= 0) return {};
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

std::string ecdsa_der_to_raw(std::string_view der, size_t half) {
  const unsigned char* p = bytes_of(der);
  SigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig || p != bytes_of(der) + der.size()) return {};
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  std::string raw(2 * half, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  if (BN_bn2binpad(r, out, static_cast<int>(half)) < 0 ||
      BN_bn2binpad(s, out + half, static_cast<int>(half)) < 0) {
    return {};
  }
  return raw;
}

Result<SignerCertificate> SignerCertificate::from_der(std::string_view der) {
  const unsigned char* p = bytes_of(der);
  X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x || p != bytes_of(der) + der.size()) {
    return invalid("certificate", "malformed_certificate", "not a DER X.509 certificate");
  }
  SignerCertificate c;
  c.key_ = share_key(X509_get_pubkey(x.get()));
  if (!c.key_)
    return invalid("certificate", "malformed_certificate",
                   "the certificate has no usable public key");
  int base = EVP_PKEY_get_base_id(c.key_.get());
  if (base != EVP_PKEY_RSA && base != EVP_PKEY_RSA_PSS && base != EVP_PKEY_EC) {
    return invalid("certificate", "unsupported_key", "the certificate's key is neither EC nor RSA");
  }
  c.der_ = std::string(der);
  c.kid_ = sha256(der).substr(0, 8);
  c.not_before_ = unix_time(X509_get0_notBefore(x.get()));
  c.not_after_ = unix_time(X509_get0_notAfter(x.get()));
  char subject[512];
  X509_NAME_oneline(X509_get_subject_name(x.get()), subject, sizeof subject);
  c.subject_ = subject;
  EkuPtr eku(static_cast<EXTENDED_KEY_USAGE*>(
      X509_get_ext_d2i(x.get(), NID_ext_key_usage, nullptr, nullptr)));
  if (eku) {
    for (int i = 0; i < sk_ASN1_OBJECT_num(eku.get()); ++i) {
      char oid[128];
      int n = OBJ_obj2txt(oid, sizeof oid, sk_ASN1_OBJECT_value(eku.get(), i), 1);
      if (n <= 0 || n >= static_cast<int>(sizeof oid)) continue;
      for (CertificateKind k :
           kinds_of_key_usage_oid(std::string_view(oid, static_cast<size_t>(n)))) {
        if (std::find(c.kinds_.begin(), c.kinds_.end(), k) == c.kinds_.end()) c.kinds_.push_back(k);
      }
    }
  }
  return c;
}

std::string SignerCertificate::kid_base64() const {
  unsigned char out[16] = {};
  int n = EVP_EncodeBlock(out, bytes_of(kid_), static_cast<int>(kid_.size()));
  return std::string(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
}

bool SignerCertificate::may_sign(CertificateKind kind) const {
  if (kinds_.empty()) return true;
  for (CertificateKind k : kinds_) {
    if (k == kind) return true;
  }
  return false;
}

bool SignerCertificate::verify(int64_t alg, std::string_view data,
                               std::string_view signature) const {
  std::string der_signature;
  int base = EVP_PKEY_get_base_id(key_.get());
  if (alg == kAlgEs256) {
    // ECDSA with SHA-256 (RFC 9053). DCC signers use P-256; a larger curve (ES's test signer
    // is on P-384) verifies too, its r‖s being twice the curve's size.
    if (base != EVP_PKEY_EC) return false;
    size_t half = (static_cast<size_t>(EVP_PKEY_get_bits(key_.get())) + 7) / 8;
    if (signature.size() != 2 * half) return false;
    der_signature = ecdsa_raw_to_der(signature);
    if (der_signature.empty()) return false;
    signature = der_signature;
  } else if (alg == kAlgPs256) {
    if (base != EVP_PKEY_RSA && base != EVP_PKEY_RSA_PSS) return false;
  } else {
    return false;
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, EVP_sha256(), nullptr, key_.get()) != 1)
    return false;
  if (alg == kAlgPs256) {
    // RFC 8230: MGF1 with SHA-256; the salt length is read from the signature.
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1) {
      return false;
    }
  }
  return EVP_DigestVerify(ctx.get(), bytes_of(signature), signature.size(), bytes_of(data),
                          data.size()) == 1;
}

Result<std::vector<SignerCertificate>> parse_pem_bundle(std::string_view pem) {
  constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
  constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
  std::vector<SignerCertificate> out;
  size_t pos = 0;
  for (int block = 1;; ++block) {
    size_t begin = pem.find(kBegin, pos);
    if (begin == std::string_view::npos) break;
    size_t end = pem.find(kEnd, begin);
    if (end == std::string_view::npos) {
      return invalid("trust_bundle", "malformed_pem",
                     "certificate " + std::to_string(block) + " has no END line");
    }
    end += kEnd.size();
    std::string_view one = pem.substr(begin, end - begin);
    BioPtr bio(BIO_new_mem_buf(one.data(), static_cast<int>(one.size())));
    X509Ptr x(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!x)
      return invalid("trust_bundle", "malformed_pem",
                     "certificate " + std::to_string(block) + " is not valid PEM");
    unsigned char* der = nullptr;
    int len = i2d_X509(x.get(), &der);
    if (len <= 0)
      return invalid("trust_bundle", "malformed_pem",
                     "certificate " + std::to_string(block) + " cannot be read");
    auto cert = SignerCertificate::from_der(
        std::string_view(reinterpret_cast<const char*>(der), static_cast<size_t>(len)));
    OPENSSL_free(der);
    if (!cert.ok()) {
      Error e = cert.error();
      e.field = "trust_bundle";
      e.message = "certificate " + std::to_string(block) + ": " + e.message;
      return e;
    }
    out.push_back(std::move(cert).value());
    pos = end;
  }
  if (out.empty())
    return invalid("trust_bundle", "empty_bundle", "the bundle holds no PEM certificate");
  return out;
}

Result<EcSigningKey> EcSigningKey::generate() {
  EcSigningKey k;
  k.key_ = share_key(EVP_EC_gen("P-256"));
  if (!k.key_) return internal("could not generate an EC P-256 key");
  return k;
}

Result<EcSigningKey> EcSigningKey::from_pem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EcSigningKey k;
  k.key_ = share_key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!k.key_ || !is_p256(k.key_.get())) return internal("a stored DCC signing key is damaged");
  return k;
}

std::string EcSigningKey::to_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr,
                                            nullptr) != 1)
    return {};
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  std::string out(data, static_cast<size_t>(len));
  return out;
}

Result<std::string> EcSigningKey::sign(std::string_view data) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1) {
    return internal("could not start an ES256 signature");
  }
  size_t len = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &len, bytes_of(data), data.size()) != 1)
    return internal("ES256 failed");
  std::string der(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &len, bytes_of(data),
                     data.size()) != 1) {
    return internal("ES256 failed");
  }
  der.resize(len);
  std::string raw = ecdsa_der_to_raw(der);
  if (raw.empty()) return internal("ES256 gave an unreadable signature");
  return raw;
}

Result<std::string> EcSigningKey::self_signed_certificate(
    std::string_view organisation, std::string_view common_name, int64_t not_before,
    int64_t not_after, const std::vector<CertificateKind>& kinds) const {
  X509Ptr x(X509_new());
  if (!x || X509_set_version(x.get(), 2) != 1) return internal("could not make a certificate");
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) return internal("no randomness for a serial number");
  serial[0] &= 0x7F;  // a positive INTEGER
  BnPtr bn(BN_bin2bn(serial, sizeof serial, nullptr));
  if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(x.get())))
    return internal("bad serial number");
  if (!ASN1_TIME_set(X509_getm_notBefore(x.get()), static_cast<time_t>(not_before)) ||
      !ASN1_TIME_set(X509_getm_notAfter(x.get()), static_cast<time_t>(not_after))) {
    return internal("bad certificate validity");
  }
  X509_NAME* name = X509_get_subject_name(x.get());
  auto add = [&](const char* field, std::string_view value) {
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, bytes_of(value),
                                      static_cast<int>(value.size()), -1, 0) == 1;
  };
  if (!add("C", "VN") || !add("O", organisation) || !add("CN", common_name))
    return internal("bad certificate name");
  if (X509_set_issuer_name(x.get(), name) != 1 || X509_set_pubkey(x.get(), key_.get()) != 1) {
    return internal("could not fill the certificate");
  }
  X509V3_CTX v3;
  X509V3_set_ctx_nodb(&v3);
  X509V3_set_ctx(&v3, x.get(), x.get(), nullptr, nullptr, 0);
  std::string usage;
  for (CertificateKind k : kinds) {
    if (!usage.empty()) usage += ',';
    usage += std::string(kOidPrefixes[0]) + (k == CertificateKind::kTest          ? "1"
                                             : k == CertificateKind::kVaccination ? "2"
                                                                                  : "3");
  }
  std::vector<std::pair<int, std::string>> extensions = {
      {NID_key_usage, "critical,digitalSignature"}, {NID_subject_key_identifier, "hash"}};
  if (!usage.empty()) extensions.emplace_back(NID_ext_key_usage, usage);
  for (const auto& [nid, value] : extensions) {
    ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &v3, nid, value.c_str()));
    if (!ext || X509_add_ext(x.get(), ext.get(), -1) != 1)
      return internal("could not add a certificate extension");
  }
  if (X509_sign(x.get(), key_.get(), EVP_sha256()) <= 0)
    return internal("could not sign the certificate");
  unsigned char* der = nullptr;
  int len = i2d_X509(x.get(), &der);
  if (len <= 0) return internal("could not encode the certificate");
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

}  // namespace kb::certificates
