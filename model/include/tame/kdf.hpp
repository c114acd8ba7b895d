// SHA-256 and HKDF-SHA256 (RFC 5869) through OpenSSL's EVP_KDF "HKDF": the hash and
// key derivation under the TA keys (spec section 4) and HPKE's Labeled* functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "tame/bytes.hpp"
#include "tame/fixed_bytes.hpp"

namespace tame {

inline constexpr std::size_t kSha256Size = 32;
// RFC 5869 2.3: L <= 255 * HashLen.
inline constexpr std::size_t kHkdfSha256MaxOutput = 255 * kSha256Size;  // 8160
// OpenSSL 3.0's HKDF refuses an info longer than 32 KiB with no error text (checked on
// 3.0.19); the model refuses it by name first.
inline constexpr std::size_t kHkdfMaxInfo = 32 * 1024;

Bytes32 sha256(std::span<const std::uint8_t> data);

// PRK = HMAC-SHA256(salt, IKM). An empty salt is HashLen zero bytes (RFC 5869 2.2).
Bytes32 hkdf_extract(std::span<const std::uint8_t> salt, std::span<const std::uint8_t> ikm);

// OKM = T(1) || T(2) || ... truncated to len bytes. Throws tame::Error naming
// "HKDF-SHA256" if len > 8160 or info is longer than kHkdfMaxInfo. len == 0 gives no bytes.
Bytes hkdf_expand(std::span<const std::uint8_t> prk, std::span<const std::uint8_t> info,
                  std::size_t len);

// Extract then expand, in one EVP_KDF call (EVP_KDF_HKDF_MODE_EXTRACT_AND_EXPAND).
Bytes hkdf_sha256(std::span<const std::uint8_t> salt, std::span<const std::uint8_t> ikm,
                  std::span<const std::uint8_t> info, std::size_t len);

}  // namespace tame
