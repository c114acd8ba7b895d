// The trust anchor's two key pairs, derived from its 32-byte device secret UDS (spec
// section 4): sk_sig = HKDF-SHA256("", UDS, "TAME-TA-sig-v1", 32) is the Ed25519 seed,
// sk_kem = HKDF-SHA256("", UDS, "TAME-TA-kem-v1", 32) the X25519 private key.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "tame/fixed_bytes.hpp"
#include "tame/sig.hpp"
#include "tame/x25519.hpp"

namespace tame {

inline constexpr std::size_t kUdsSize = 32;
inline constexpr std::string_view kTaSigInfo = "TAME-TA-sig-v1";
inline constexpr std::string_view kTaKemInfo = "TAME-TA-kem-v1";

struct TaKeys {
  Bytes32 sk_sig;  // Ed25519 private key (RFC 8032 seed)
  Bytes32 pk_sig;  // Ed25519 public key: the certificate's subject key
  Bytes32 sk_kem;  // X25519 private key: opens C2
  Bytes32 pk_kem;  // X25519 public key: carried in the certificate

  Ed25519Key signing_key() const { return Ed25519Key(sk_sig); }
  X25519Key kem_key() const { return X25519Key(sk_kem); }
};

// Throws tame::Error naming "UDS" unless uds is 32 bytes.
TaKeys derive_ta_keys(std::span<const std::uint8_t> uds);

}  // namespace tame
