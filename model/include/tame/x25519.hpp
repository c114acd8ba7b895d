// X25519 (RFC 7748) through EVP with raw 32-byte keys: the KEM group under HPKE, for the
// key service's ks_pub and the TA's sk_kem (spec section 4).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "tame/evp.hpp"
#include "tame/fixed_bytes.hpp"

namespace tame {

inline constexpr std::size_t kX25519KeySize = 32;
// The field an all-zero shared secret is refused under ("X25519 shared secret: all
// zero ..."), so that callers can tell that refusal from others by its name.
inline constexpr std::string_view kX25519SharedSecretField = "X25519 shared secret";

// A private key and its public key. Move-only: the EVP_PKEY holds the private key.
class X25519Key {
 public:
  // Any 32 bytes (X25519 clamps them when it uses them); throws tame::Error naming
  // "X25519 private key" for another length.
  explicit X25519Key(std::span<const std::uint8_t> private_key);
  // A fresh key from OpenSSL's private random generator.
  static X25519Key generate();

  const Bytes32& public_key() const noexcept { return pub_; }

  // X25519(sk, peer). peer must be 32 bytes (tame::Error naming "X25519 public key").
  // An all-zero result (a low-order peer key) is refused with tame::Error naming
  // "X25519 shared secret" (RFC 7748 section 6.1, RFC 9180 section 7.1.4).
  Bytes32 dh(std::span<const std::uint8_t> peer_public) const;

 private:
  PkeyPtr pkey_;
  Bytes32 pub_;
};

}  // namespace tame
