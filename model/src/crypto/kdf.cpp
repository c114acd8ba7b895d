// HKDF through EVP_KDF with explicit modes, so that extract and expand can be checked
// on their own (HPKE uses them apart) and the one-shot form against the pair.
#include "tame/kdf.hpp"

#include <fmt/format.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "tame/evp.hpp"
#include "tame/evp_extra.hpp"

namespace tame {
namespace {

constexpr const char* kHkdf = "HKDF-SHA256";

// EVP_KDF objects are immutable and reference counted: one fetch serves every call.
EVP_KDF* hkdf_algorithm() {
  static const KdfPtr kdf = [] {
    KdfPtr k{EVP_KDF_fetch(nullptr, "HKDF", nullptr)};
    if (!k) throw_openssl("fetch HKDF");
    return k;
  }();
  return kdf.get();
}

void check_output_length(std::size_t len) {
  if (len > kHkdfSha256MaxOutput) {
    throw Error(kHkdf, fmt::format("output length {} exceeds 255 * 32 = {} bytes (RFC 5869 2.3)",
                                   len, kHkdfSha256MaxOutput));
  }
}

void check_info_length(std::span<const std::uint8_t> info) {
  if (info.size() > kHkdfMaxInfo) {
    throw Error(kHkdf, fmt::format("info is {} bytes; OpenSSL 3.0's HKDF takes at most {}",
                                   info.size(), kHkdfMaxInfo));
  }
}

// One EVP_KDF_derive. key is the IKM (extract, one-shot) or the PRK (expand). Empty
// salt and info are left out: OpenSSL then uses the RFC defaults (zero salt, no info).
void derive(int mode, std::span<const std::uint8_t> salt, std::span<const std::uint8_t> key,
            std::span<const std::uint8_t> info, std::span<std::uint8_t> out) {
  KdfCtxPtr ctx{EVP_KDF_CTX_new(hkdf_algorithm())};
  if (!ctx) throw_openssl("EVP_KDF_CTX_new HKDF");
  char digest[] = "SHA256";
  OSSL_PARAM params[6];
  OSSL_PARAM* p = params;
  *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
  *p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
  *p++ = OSSL_PARAM_construct_octet_string(
      OSSL_KDF_PARAM_KEY, const_cast<std::uint8_t*>(nonnull_data(key)), key.size());
  if (!salt.empty()) {
    *p++ = OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_SALT, const_cast<std::uint8_t*>(salt.data()), salt.size());
  }
  if (!info.empty()) {
    *p++ = OSSL_PARAM_construct_octet_string(
        OSSL_KDF_PARAM_INFO, const_cast<std::uint8_t*>(info.data()), info.size());
  }
  *p = OSSL_PARAM_construct_end();
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1) {
    throw_openssl(kHkdf);
  }
}

}  // namespace

Bytes32 sha256(std::span<const std::uint8_t> data) {
  static const MdPtr md = [] {
    MdPtr m{EVP_MD_fetch(nullptr, "SHA256", nullptr)};
    if (!m) throw_openssl("fetch SHA256");
    return m;
  }();
  Bytes32 out;
  unsigned int len = 0;
  if (EVP_Digest(nonnull_data(data), data.size(), out.data(), &len, md.get(), nullptr) != 1 ||
      len != out.size()) {
    throw_openssl("SHA-256");
  }
  return out;
}

Bytes32 hkdf_extract(std::span<const std::uint8_t> salt, std::span<const std::uint8_t> ikm) {
  Bytes32 prk;
  derive(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, salt, ikm, {}, prk);
  return prk;
}

Bytes hkdf_expand(std::span<const std::uint8_t> prk, std::span<const std::uint8_t> info,
                  std::size_t len) {
  check_output_length(len);
  check_info_length(info);
  Bytes okm(len);
  if (len != 0) derive(EVP_KDF_HKDF_MODE_EXPAND_ONLY, {}, prk, info, okm);
  return okm;
}

Bytes hkdf_sha256(std::span<const std::uint8_t> salt, std::span<const std::uint8_t> ikm,
                  std::span<const std::uint8_t> info, std::size_t len) {
  check_output_length(len);
  check_info_length(info);
  Bytes okm(len);
  if (len != 0) derive(EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND, salt, ikm, info, okm);
  return okm;
}

}  // namespace tame
