// AES-GCM (SP 800-38D) with 12-byte IVs and 16-byte tags only: the AEAD of HPKE suite 1
// (AES-128-GCM, RFC 9180 aead_id 0x0001); AES-256-GCM comes free with the same code.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "tame/bytes.hpp"
#include "tame/evp.hpp"

namespace tame {

inline constexpr std::size_t kGcmIvSize = 12;
inline constexpr std::size_t kGcmTagSize = 16;

// The key schedule is made once (one context per direction); each call sets a new IV.
// One object must not be used by two threads at once.
class AesGcm {
 public:
  // 16 or 32 bytes (tame::Error naming "AES-GCM key" otherwise).
  explicit AesGcm(std::span<const std::uint8_t> key);

  // ciphertext || tag (pt.size() + 16 bytes). iv must be 12 bytes (tame::Error naming
  // "AES-GCM IV" otherwise).
  Bytes seal(std::span<const std::uint8_t> iv, std::span<const std::uint8_t> aad,
             std::span<const std::uint8_t> pt) const;

  // The plaintext, or nullopt if the tag does not verify or ct_and_tag is shorter than
  // the tag. No unauthenticated plaintext leaves the call.
  std::optional<Bytes> open(std::span<const std::uint8_t> iv, std::span<const std::uint8_t> aad,
                            std::span<const std::uint8_t> ct_and_tag) const;

 private:
  mutable CipherCtxPtr enc_;
  mutable CipherCtxPtr dec_;
};

}  // namespace tame
