// PEM and DER through memory BIOs. Private keys pass through OpenSSL as raw bytes only
// inside these calls, and every temporary copy is cleansed.
#include "tame/x509.hpp"

#include <limits>

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>

namespace tame {
namespace {

BioPtr mem_bio(std::string_view text, std::string_view field) {
  if (text.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw Error(field, "too large");
  }
  BioPtr bio{BIO_new_mem_buf(text.data(), static_cast<int>(text.size()))};
  if (!bio) throw_openssl("BIO_new_mem_buf");
  return bio;
}

// secret: a BIO whose memory is wiped when it is freed (for private key PEM).
BioPtr out_bio(bool secret = false) {
  BioPtr bio{BIO_new(secret ? BIO_s_secmem() : BIO_s_mem())};
  if (!bio) throw_openssl("BIO_new");
  return bio;
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(len));
}

// The PEM reader's error text ("no start line") helps nobody; this says what was expected.
[[noreturn]] void refuse_pem(std::string_view field, std::string_view what) {
  ERR_clear_error();
  throw Error(field, fmt::format("not a PEM {}", what));
}

int pkey_id(const char* alg) {
  const std::string_view a = alg;
  if (a == "ED25519") return EVP_PKEY_ED25519;
  if (a == "X25519") return EVP_PKEY_X25519;
  throw Error("key algorithm", fmt::format("'{}' is not ED25519 or X25519", a));
}

void check_alg(const char* alg, EVP_PKEY* pkey, std::string_view field) {
  if (EVP_PKEY_get_id(pkey) != pkey_id(alg)) {
    const char* got = OBJ_nid2sn(EVP_PKEY_get_id(pkey));
    throw Error(field, fmt::format("is a {} key, expected {}", got ? got : "unknown", alg));
  }
}

}  // namespace

X509Ptr cert_from_der(std::span<const std::uint8_t> der, std::string_view field) {
  if (der.size() > static_cast<std::size_t>(std::numeric_limits<long>::max())) {
    throw Error(field, "too large");
  }
  const unsigned char* p = der.data();
  X509Ptr cert{d2i_X509(nullptr, &p, static_cast<long>(der.size()))};
  if (!cert) {
    ERR_clear_error();
    throw Error(field, "not a DER X.509 certificate");
  }
  if (p != der.data() + der.size()) {
    throw Error(field, fmt::format("{} bytes follow the certificate's DER",
                                   der.data() + der.size() - p));
  }
  return cert;
}

X509Ptr cert_from_pem(std::string_view pem, std::string_view field) {
  const BioPtr bio = mem_bio(pem, field);
  X509Ptr cert{PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)};
  if (!cert) refuse_pem(field, "certificate");
  return cert;
}

Bytes cert_to_der(const X509* cert) {
  unsigned char* buf = nullptr;
  const int len = i2d_X509(cert, &buf);
  if (len <= 0) throw_openssl("i2d_X509");
  Bytes der(buf, buf + len);
  OPENSSL_free(buf);
  return der;
}

std::string cert_to_pem(const X509* cert) {
  BioPtr bio = out_bio();
  if (PEM_write_bio_X509(bio.get(), cert) != 1) throw_openssl("PEM_write_bio_X509");
  return bio_text(bio.get());
}

Bytes cert_pem_to_der(std::string_view pem, std::string_view field) {
  return cert_to_der(cert_from_pem(pem, field).get());
}

std::string private_key_to_pem(const char* alg, std::span<const std::uint8_t> raw_private) {
  const PkeyPtr pkey{EVP_PKEY_new_raw_private_key(pkey_id(alg), nullptr, raw_private.data(),
                                                  raw_private.size())};
  if (!pkey) throw_openssl(fmt::format("{} private key", alg));
  BioPtr bio = out_bio(true);
  if (PEM_write_bio_PrivateKey(bio.get(), pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
      1) {
    throw_openssl("PEM_write_bio_PrivateKey");
  }
  return bio_text(bio.get());
}

Bytes32 private_key_from_pem(const char* alg, std::string_view pem, std::string_view field) {
  const BioPtr bio = mem_bio(pem, field);
  const PkeyPtr pkey{PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr)};
  if (!pkey) refuse_pem(field, "private key (unencrypted PKCS#8)");
  check_alg(alg, pkey.get(), field);
  Bytes32 raw;
  std::size_t len = raw.size();
  if (EVP_PKEY_get_raw_private_key(pkey.get(), raw.data(), &len) != 1 || len != raw.size()) {
    OPENSSL_cleanse(raw.data(), raw.size());
    throw_openssl(field);
  }
  return raw;
}

std::string public_key_to_pem(const char* alg, std::span<const std::uint8_t> raw_public) {
  const PkeyPtr pkey{EVP_PKEY_new_raw_public_key(pkey_id(alg), nullptr, raw_public.data(),
                                                 raw_public.size())};
  if (!pkey) throw_openssl(fmt::format("{} public key", alg));
  BioPtr bio = out_bio();
  if (PEM_write_bio_PUBKEY(bio.get(), pkey.get()) != 1) throw_openssl("PEM_write_bio_PUBKEY");
  return bio_text(bio.get());
}

Bytes32 public_key_from_pem(const char* alg, std::string_view pem, std::string_view field) {
  const BioPtr bio = mem_bio(pem, field);
  const PkeyPtr pkey{PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr)};
  if (!pkey) refuse_pem(field, "public key (SubjectPublicKeyInfo)");
  return raw_public_key(alg, pkey.get(), field);
}

Bytes32 raw_public_key(const char* alg, EVP_PKEY* pkey, std::string_view field) {
  check_alg(alg, pkey, field);
  Bytes32 raw;
  std::size_t len = raw.size();
  if (EVP_PKEY_get_raw_public_key(pkey, raw.data(), &len) != 1 || len != raw.size()) {
    throw_openssl(field);
  }
  return raw;
}

}  // namespace tame
