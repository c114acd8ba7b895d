// AES-GCM through EVP. The encrypt and decrypt contexts keep their key schedules; an
// init call with only an IV restarts GCM (new J0, empty GHASH) without rekeying.
#include "tame/aead.hpp"

#include <climits>

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/err.h>

#include "tame/aes.hpp"
#include "tame/fixed_bytes.hpp"

namespace tame {
namespace {

int int_length(std::size_t n, const char* what) {
  if (n > static_cast<std::size_t>(INT_MAX)) {
    throw Error("AES-GCM", fmt::format("{} of {} bytes is too long for one call", what, n));
  }
  return static_cast<int>(n);
}

}  // namespace

AesGcm::AesGcm(std::span<const std::uint8_t> key)
    : enc_(new_cipher_ctx()), dec_(new_cipher_ctx()) {
  check_aes_key(key, "AES-GCM key");
  const CipherPtr cipher = fetch_cipher(key.size() == 16 ? "AES-128-GCM" : "AES-256-GCM");
  if (EVP_EncryptInit_ex2(enc_.get(), cipher.get(), key.data(), nullptr, nullptr) != 1 ||
      EVP_DecryptInit_ex2(dec_.get(), cipher.get(), key.data(), nullptr, nullptr) != 1) {
    throw_openssl("AES-GCM init");
  }
}

Bytes AesGcm::seal(std::span<const std::uint8_t> iv, std::span<const std::uint8_t> aad,
                   std::span<const std::uint8_t> pt) const {
  check_size(iv, kGcmIvSize, "AES-GCM IV");
  EVP_CIPHER_CTX* ctx = enc_.get();
  if (EVP_EncryptInit_ex2(ctx, nullptr, nullptr, iv.data(), nullptr) != 1) {
    throw_openssl("AES-GCM seal: set IV");
  }
  int outl = 0;
  if (!aad.empty() &&
      EVP_EncryptUpdate(ctx, nullptr, &outl, aad.data(), int_length(aad.size(), "AAD")) != 1) {
    throw_openssl("AES-GCM seal: AAD");
  }
  Bytes out(pt.size() + kGcmTagSize);
  if (!pt.empty()) {
    cipher_update(ctx, pt, std::span(out).first(pt.size()));
  }
  if (EVP_EncryptFinal_ex(ctx, out.data() + pt.size(), &outl) != 1 || outl != 0 ||
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kGcmTagSize),
                          out.data() + pt.size()) != 1) {
    throw_openssl("AES-GCM seal: tag");
  }
  return out;
}

std::optional<Bytes> AesGcm::open(std::span<const std::uint8_t> iv,
                                  std::span<const std::uint8_t> aad,
                                  std::span<const std::uint8_t> ct_and_tag) const {
  check_size(iv, kGcmIvSize, "AES-GCM IV");
  if (ct_and_tag.size() < kGcmTagSize) return std::nullopt;
  const std::size_t ct_len = ct_and_tag.size() - kGcmTagSize;
  EVP_CIPHER_CTX* ctx = dec_.get();
  if (EVP_DecryptInit_ex2(ctx, nullptr, nullptr, iv.data(), nullptr) != 1) {
    throw_openssl("AES-GCM open: set IV");
  }
  int outl = 0;
  if (!aad.empty() &&
      EVP_DecryptUpdate(ctx, nullptr, &outl, aad.data(), int_length(aad.size(), "AAD")) != 1) {
    throw_openssl("AES-GCM open: AAD");
  }
  Bytes pt(ct_len);
  if (ct_len != 0 &&
      (EVP_DecryptUpdate(ctx, pt.data(), &outl, ct_and_tag.data(),
                         int_length(ct_len, "ciphertext")) != 1 ||
       outl != static_cast<int>(ct_len))) {
    throw_openssl("AES-GCM open: decrypt");
  }
  // The tag is copied because the ctrl takes a non-const pointer.
  std::uint8_t tag[kGcmTagSize];
  std::copy(ct_and_tag.end() - kGcmTagSize, ct_and_tag.end(), tag);
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kGcmTagSize), tag) != 1) {
    throw_openssl("AES-GCM open: set tag");
  }
  std::uint8_t final_block[16];
  if (EVP_DecryptFinal_ex(ctx, final_block, &outl) != 1) {
    ERR_clear_error();
    OPENSSL_cleanse(pt.data(), pt.size());
    return std::nullopt;
  }
  return pt;
}

}  // namespace tame
