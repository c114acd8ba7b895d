// Ed25519 (RFC 8032) through EVP with raw 32-byte keys: the TA signs M1 with it and the
// manufacturer CA signs certificates (spec section 4).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "tame/evp.hpp"
#include "tame/fixed_bytes.hpp"

namespace tame {

inline constexpr std::size_t kEd25519KeySize = 32;
inline constexpr std::size_t kEd25519SigSize = 64;

// A signing key made from the 32-byte RFC 8032 private key (the seed). Move-only: the
// EVP_PKEY inside holds the private key.
class Ed25519Key {
 public:
  // Throws tame::Error naming "Ed25519 private key" unless seed is 32 bytes.
  explicit Ed25519Key(std::span<const std::uint8_t> seed);

  const Bytes32& public_key() const noexcept { return pub_; }
  Bytes64 sign(std::span<const std::uint8_t> msg) const;

 private:
  PkeyPtr pkey_;
  Bytes32 pub_;
};

// True only for a valid signature. A signature that is not 64 bytes is false (a garbled
// message is not an error); a public key that is not 32 bytes throws tame::Error naming
// "Ed25519 public key" (the caller's fields are fixed-size).
bool ed25519_verify(std::span<const std::uint8_t> pub, std::span<const std::uint8_t> msg,
                    std::span<const std::uint8_t> sig);

}  // namespace tame
