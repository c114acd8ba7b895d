// Ed25519 is a one-shot EVP_DigestSign/Verify with no digest name (PureEdDSA).
#include "tame/sig.hpp"

#include <openssl/err.h>

#include "tame/evp_extra.hpp"

namespace tame {

Ed25519Key::Ed25519Key(std::span<const std::uint8_t> seed) {
  check_size(seed, kEd25519KeySize, "Ed25519 private key");
  pkey_.reset(EVP_PKEY_new_raw_private_key_ex(nullptr, "ED25519", nullptr, seed.data(),
                                              seed.size()));
  if (!pkey_) throw_openssl("Ed25519 private key");
  std::size_t len = pub_.size();
  if (EVP_PKEY_get_raw_public_key(pkey_.get(), pub_.data(), &len) != 1 || len != pub_.size()) {
    throw_openssl("Ed25519 public key");
  }
}

Bytes64 Ed25519Key::sign(std::span<const std::uint8_t> msg) const {
  MdCtxPtr ctx{EVP_MD_CTX_new()};
  if (!ctx) throw_openssl("EVP_MD_CTX_new");
  if (EVP_DigestSignInit_ex(ctx.get(), nullptr, nullptr, nullptr, nullptr, pkey_.get(),
                            nullptr) != 1) {
    throw_openssl("Ed25519 sign init");
  }
  Bytes64 sig;
  std::size_t len = sig.size();
  if (EVP_DigestSign(ctx.get(), sig.data(), &len, nonnull_data(msg), msg.size()) != 1 ||
      len != sig.size()) {
    throw_openssl("Ed25519 sign");
  }
  return sig;
}

bool ed25519_verify(std::span<const std::uint8_t> pub, std::span<const std::uint8_t> msg,
                    std::span<const std::uint8_t> sig) {
  check_size(pub, kEd25519KeySize, "Ed25519 public key");
  if (sig.size() != kEd25519SigSize) return false;
  const PkeyPtr key{
      EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, pub.data(), pub.size())};
  MdCtxPtr ctx{EVP_MD_CTX_new()};
  if (!key || !ctx) throw_openssl("Ed25519 verify setup");
  if (EVP_DigestVerifyInit_ex(ctx.get(), nullptr, nullptr, nullptr, nullptr, key.get(),
                              nullptr) != 1) {
    throw_openssl("Ed25519 verify init");
  }
  const bool ok =
      EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), nonnull_data(msg), msg.size()) == 1;
  // A bad signature leaves entries in the queue; they are the answer "false", not an
  // error for the next caller to find.
  ERR_clear_error();
  return ok;
}

}  // namespace tame
