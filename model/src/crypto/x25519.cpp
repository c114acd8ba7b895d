// X25519 through EVP_PKEY_derive, with the all-zero check of RFC 7748 6.1 made here
// whatever OpenSSL does, so that the refusal has one name.
#include "tame/x25519.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/rand.h>

#include "tame/bytes.hpp"

namespace tame {
namespace {

constexpr std::string_view kSharedSecret = kX25519SharedSecretField;
constexpr const char* kAllZero =
    "all zero (the peer's public key is a low-order point); refused as RFC 7748 6.1 "
    "and RFC 9180 7.1.4 require";

}  // namespace

X25519Key::X25519Key(std::span<const std::uint8_t> private_key) {
  check_size(private_key, kX25519KeySize, "X25519 private key");
  pkey_.reset(EVP_PKEY_new_raw_private_key_ex(nullptr, "X25519", nullptr, private_key.data(),
                                              private_key.size()));
  if (!pkey_) throw_openssl("X25519 private key");
  std::size_t len = pub_.size();
  if (EVP_PKEY_get_raw_public_key(pkey_.get(), pub_.data(), &len) != 1 || len != pub_.size()) {
    throw_openssl("X25519 public key");
  }
}

X25519Key X25519Key::generate() {
  Bytes32 sk;
  if (RAND_priv_bytes(sk.data(), static_cast<int>(sk.size())) != 1) {
    throw_openssl("X25519 key generation");
  }
  X25519Key key(sk);
  OPENSSL_cleanse(sk.data(), sk.size());
  return key;
}

Bytes32 X25519Key::dh(std::span<const std::uint8_t> peer_public) const {
  check_size(peer_public, kX25519KeySize, "X25519 public key");
  const PkeyPtr peer{EVP_PKEY_new_raw_public_key_ex(nullptr, "X25519", nullptr,
                                                    peer_public.data(), peer_public.size())};
  if (!peer) throw_openssl("X25519 public key");
  const PkeyCtxPtr ctx{EVP_PKEY_CTX_new_from_pkey(nullptr, pkey_.get(), nullptr)};
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 ||
      EVP_PKEY_derive_set_peer(ctx.get(), peer.get()) != 1) {
    throw_openssl("X25519 derive setup");
  }
  Bytes32 shared;
  std::size_t len = shared.size();
  if (EVP_PKEY_derive(ctx.get(), shared.data(), &len) != 1) {
    // With both keys loaded, OpenSSL's X25519 fails only when the result is all zero
    // (it makes the RFC 7748 check itself); its error text says no more than that.
    ERR_clear_error();
    throw Error(kSharedSecret, kAllZero);
  }
  static const Bytes32 kZero{};
  if (len != shared.size() || CRYPTO_memcmp(shared.data(), kZero.data(), shared.size()) == 0) {
    throw Error(kSharedSecret, len != shared.size() ? "OpenSSL returned a short secret"
                                                    : kAllZero);
  }
  return shared;
}

}  // namespace tame
