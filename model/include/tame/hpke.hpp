// HPKE (RFC 9180) for exactly one suite, built from EVP pieces because OpenSSL 3.0 has
// no HPKE API: KEM DHKEM(X25519, HKDF-SHA256) 0x0020, KDF HKDF-SHA256 0x0001, AEAD
// AES-128-GCM 0x0001; modes base (C1 of the image header) and auth (C2 of M2), with
// the default (empty) psk and psk_id. Names follow the RFC's pseudocode.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include "tame/aead.hpp"
#include "tame/bytes.hpp"
#include "tame/fixed_bytes.hpp"
#include "tame/x25519.hpp"

namespace tame::hpke {

inline constexpr std::uint16_t kKemId = 0x0020;   // DHKEM(X25519, HKDF-SHA256)
inline constexpr std::uint16_t kKdfId = 0x0001;   // HKDF-SHA256
inline constexpr std::uint16_t kAeadId = 0x0001;  // AES-128-GCM
inline constexpr std::size_t kNsecret = 32, kNenc = 32, kNpk = 32, kNsk = 32;
inline constexpr std::size_t kNh = 32, kNk = 16, kNn = 12, kNt = 16;

enum class Mode : std::uint8_t { kBase = 0x00, kAuth = 0x02 };

using AeadKey = std::array<std::uint8_t, kNk>;
using Nonce = std::array<std::uint8_t, kNn>;

// suite_id inside the KEM: "KEM" || I2OSP(kem_id, 2) (section 4.1).
Bytes kem_suite_id();
// suite_id for the rest of HPKE: "HPKE" || kem_id || kdf_id || aead_id (section 5.1).
Bytes hpke_suite_id();

// Section 4: Extract(salt, "HPKE-v1" || suite_id || label || ikm) and
// Expand(prk, I2OSP(L, 2) || "HPKE-v1" || suite_id || label || info, L).
Bytes32 labeled_extract(std::span<const std::uint8_t> suite_id, std::span<const std::uint8_t> salt,
                        std::string_view label, std::span<const std::uint8_t> ikm);
Bytes labeled_expand(std::span<const std::uint8_t> suite_id, std::span<const std::uint8_t> prk,
                     std::string_view label, std::span<const std::uint8_t> info, std::size_t len);

// Section 7.1.3 for X25519: sk = LabeledExpand(LabeledExtract("", "dkp_prk", ikm), "sk",
// "", 32). The RFC's test vectors make their keys this way.
struct KeyPair {
  Bytes32 sk;
  Bytes32 pk;
};
KeyPair derive_key_pair(std::span<const std::uint8_t> ikm);

// Section 4.1. Public keys and enc are the raw 32 bytes (tame::Error naming the field for
// another length); an all-zero DH result throws naming "X25519 shared secret".
struct Encapsulation {
  Bytes32 shared_secret;
  Bytes32 enc;
};
Encapsulation encap(std::span<const std::uint8_t> pkR);  // fresh ephemeral key
Encapsulation encap(std::span<const std::uint8_t> pkR, const X25519Key& skE);  // deterministic
Bytes32 decap(std::span<const std::uint8_t> enc, const X25519Key& skR);
Encapsulation auth_encap(std::span<const std::uint8_t> pkR, const X25519Key& skS);
Encapsulation auth_encap(std::span<const std::uint8_t> pkR, const X25519Key& skS,
                         const X25519Key& skE);
Bytes32 auth_decap(std::span<const std::uint8_t> enc, const X25519Key& skR,
                   std::span<const std::uint8_t> pkS);

// Section 5.1 with psk = psk_id = "": every value the RFC's vectors list.
struct KeySchedule {
  Bytes key_schedule_context;  // mode || psk_id_hash || info_hash, 65 bytes
  Bytes32 secret;
  AeadKey key;
  Nonce base_nonce;
  Bytes32 exporter_secret;
};
KeySchedule key_schedule(Mode mode, std::span<const std::uint8_t> shared_secret,
                         std::span<const std::uint8_t> info);

// Section 5.2/5.3: the AEAD key, base nonce and sequence number, and the exporter. The
// sequence number is 64 bits (the RFC allows a counter shorter than Nn); the operation
// at seq 2^64-1 is refused rather than let the counter wrap.
class Context {
 public:
  const KeySchedule& schedule() const noexcept { return ks_; }
  std::uint64_t seq() const noexcept { return seq_; }
  // base_nonce XOR I2OSP(seq, Nn).
  Nonce nonce(std::uint64_t seq) const noexcept;
  // LabeledExpand(exporter_secret, "sec", exporter_context, L), L <= 255 * 32.
  Bytes export_secret(std::span<const std::uint8_t> exporter_context, std::size_t len) const;
  // Tests only: jump the sequence number to reach the limit.
  void set_seq_for_test(std::uint64_t seq) noexcept { seq_ = seq; }

 protected:
  explicit Context(KeySchedule ks);
  // The nonce for the current seq; throws naming `op` if seq has reached the limit.
  Nonce current_nonce(std::string_view op) const;

  KeySchedule ks_;
  AesGcm aead_;
  std::uint64_t seq_ = 0;
};

class SenderContext : public Context {
 public:
  explicit SenderContext(KeySchedule ks) : Context(std::move(ks)) {}
  // ct || tag; increments seq.
  Bytes seal(std::span<const std::uint8_t> aad, std::span<const std::uint8_t> pt);
};

class ReceiverContext : public Context {
 public:
  explicit ReceiverContext(KeySchedule ks) : Context(std::move(ks)) {}
  // The plaintext; increments seq only on success. Throws tame::Error
  // "HPKE open: authentication failed" (or naming a ciphertext shorter than the tag).
  Bytes open(std::span<const std::uint8_t> aad, std::span<const std::uint8_t> ct);
};

// Sections 5.1.1 and 5.1.3.
struct SenderSetup {
  Bytes32 enc;
  SenderContext context;
};
SenderSetup setup_base_s(std::span<const std::uint8_t> pkR, std::span<const std::uint8_t> info);
SenderSetup setup_base_s(std::span<const std::uint8_t> pkR, std::span<const std::uint8_t> info,
                         const X25519Key& skE);
ReceiverContext setup_base_r(std::span<const std::uint8_t> enc, const X25519Key& skR,
                             std::span<const std::uint8_t> info);
SenderSetup setup_auth_s(std::span<const std::uint8_t> pkR, std::span<const std::uint8_t> info,
                         const X25519Key& skS);
SenderSetup setup_auth_s(std::span<const std::uint8_t> pkR, std::span<const std::uint8_t> info,
                         const X25519Key& skS, const X25519Key& skE);
ReceiverContext setup_auth_r(std::span<const std::uint8_t> enc, const X25519Key& skR,
                             std::span<const std::uint8_t> info, std::span<const std::uint8_t> pkS);

// Section 6.1: single-shot, sequence number 0.
struct Sealed {
  Bytes32 enc;
  Bytes ct;
};
Sealed seal_base(std::span<const std::uint8_t> pkR, std::span<const std::uint8_t> info,
                 std::span<const std::uint8_t> aad, std::span<const std::uint8_t> pt);
Sealed seal_base(std::span<const std::uint8_t> pkR, std::span<const std::uint8_t> info,
                 std::span<const std::uint8_t> aad, std::span<const std::uint8_t> pt,
                 const X25519Key& skE);
Bytes open_base(std::span<const std::uint8_t> enc, const X25519Key& skR,
                std::span<const std::uint8_t> info, std::span<const std::uint8_t> aad,
                std::span<const std::uint8_t> ct);
Sealed seal_auth(std::span<const std::uint8_t> pkR, std::span<const std::uint8_t> info,
                 std::span<const std::uint8_t> aad, std::span<const std::uint8_t> pt,
                 const X25519Key& skS);
Sealed seal_auth(std::span<const std::uint8_t> pkR, std::span<const std::uint8_t> info,
                 std::span<const std::uint8_t> aad, std::span<const std::uint8_t> pt,
                 const X25519Key& skS, const X25519Key& skE);
Bytes open_auth(std::span<const std::uint8_t> enc, const X25519Key& skR,
                std::span<const std::uint8_t> info, std::span<const std::uint8_t> aad,
                std::span<const std::uint8_t> ct, std::span<const std::uint8_t> pkS);

}  // namespace tame::hpke
