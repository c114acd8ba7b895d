// The boot protocol's messages (spec section 4): M1 from the trust anchor to the key
// service, M2 back, C2 inside M2, the named reasons either side refuses for, and the
// HTTP encoding of a request and its answer (docs/protocol.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "tame/bytes.hpp"
#include "tame/fixed_bytes.hpp"
#include "tame/image.hpp"
#include "tame/sig.hpp"
#include "tame/x25519.hpp"

namespace tame {

// Why a request or an answer is refused. Each has a stable kebab-case name (reason_name)
// that the key service's JSON error body, its log and the `tame` tool use.
enum class Reason {
  // The form of the request (checked first).
  kMalformedRequest,   // the HTTP body is not the request encoding
  kBadLength,          // a message is truncated or oversized
  kBadMagic,           // not "TAKR"
  kBadVersion,         // version is not 1
  kBadType,            // type is not 1 (M1) or 2 (M2)
  kBadSuite,           // suite is not 1
  kBadImageHeader,     // header[0:96] does not parse (magic, version, cipher, page size)
  kHeaderMismatch,     // header[0:96] is not the header of the image M1 names
  kWrongKeyService,    // ks_key_id names another key service
  kBadCertificate,     // not a DER X.509 certificate, or without the TAME extensions
  // The policy and the cryptography, in the order the key service checks them.
  kUnknownCertificate,  // ta_cert_id is not SHA-256 of the certificate sent
  kChainFails,          // the certificate does not chain to an allowed manufacturer CA
  kCpuModelNotAllowed,
  kImageNotAllowed,
  kBadSignature,       // M1's Ed25519 signature does not verify under the certificate
  kC1DoesNotOpen,
  kZeroSharedSecret,   // an all-zero X25519 shared secret (RFC 9180 7.1.4)
  // The trust anchor's side.
  kNoPendingRequest,  // an M2 when no M1 is waiting for its answer (a second M2)
  kStaleM2,           // m1_digest is not the digest of the M1 sent in this boot
  kC2DoesNotOpen,
  // The key service failed for a reason of its own (its store, say); never the request's.
  kInternal,
};

std::string_view reason_name(Reason reason) noexcept;
// The HTTP status the key service answers a refusal with: 400 for the form, 403 for a
// policy or cryptographic refusal, 500 for kInternal.
int reason_http_status(Reason reason) noexcept;

// A refusal: what() is "<reason name>: <detail>", and the detail names the field.
struct ProtocolError : Error {
  ProtocolError(Reason reason, std::string_view detail);
  Reason reason;
  std::string detail;
};

inline constexpr std::string_view kMsgMagic = "TAKR";
inline constexpr std::uint8_t kMsgVersion = 1;
inline constexpr std::uint8_t kTypeM1 = 1, kTypeM2 = 2;
inline constexpr std::uint16_t kSuite1 = 1;
inline constexpr std::size_t kMsgPrefixSize = 8;  // magic, version, type, suite
inline constexpr std::size_t kM1Size = 280, kM1SignedSize = 216, kM2Size = 120;
inline constexpr std::string_view kM1SigLabel = "TAME-M1-v1";
inline constexpr std::string_view kC2InfoLabel = "TAME-C2-v1";

using M1Bytes = FixedBytes<kM1Size>;
using M2Bytes = FixedBytes<kM2Size>;

struct M1 {
  Bytes32 ta_cert_id{};
  Bytes32 ta_nonce{};
  Bytes32 image_id{};
  Bytes32 ks_key_id{};  // SHA-256(ks_pub)
  Bytes32 enc1{};       // copied from the image header
  Ct1Field ct1{};       // copied from the image header
  Bytes64 signature{};

  // "TAME-M1-v1" || M1[0:216], what the signature covers.
  Bytes signed_message() const;
  void sign(const Ed25519Key& sk_sig);
  bool verify(std::span<const std::uint8_t> pk_sig) const;
  M1Bytes serialize() const;
  // Exactly 280 bytes with magic "TAKR", version 1, type 1, suite 1; otherwise a
  // ProtocolError with kBadLength, kBadMagic, kBadVersion, kBadType or kBadSuite.
  static M1 parse(std::span<const std::uint8_t> bytes);
};

struct M2 {
  Bytes32 m1_digest{};  // SHA-256 of the M1 this answers
  Bytes32 enc2{};
  Ct1Field ct2{};       // HPKE auth-mode ciphertext of K_img, zero-padded to 48

  // M2[0:8] || m1_digest: C2's AAD.
  Bytes c2_aad() const;
  M2Bytes serialize() const;
  // Exactly 120 bytes with magic, version 1, type 2, suite 1 (errors as M1::parse).
  static M2 parse(std::span<const std::uint8_t> bytes);
};

// "TAME-C2-v1" || m1_digest.
Bytes c2_info(const Bytes32& m1_digest);

// The key service's answer to the M1 whose bytes are m1: K_img sealed with HPKE auth mode
// from ks_key to ta_kem_pub. skE fixes the ephemeral key (tests). An all-zero X25519
// share throws ProtocolError kZeroSharedSecret.
M2 make_m2(std::span<const std::uint8_t> m1, std::span<const std::uint8_t> k_img,
           std::span<const std::uint8_t> ta_kem_pub, const X25519Key& ks_key,
           const X25519Key* skE = nullptr);
// The trust anchor's side: K_img (key_len bytes) from C2, or ProtocolError
// kC2DoesNotOpen / kZeroSharedSecret. Does not check m1_digest (the TA does).
Bytes open_c2(const M2& m2, std::size_t key_len, const X25519Key& ta_kem,
              std::span<const std::uint8_t> ks_pub);

// The HTTP exchange (docs/protocol.md): POST /v1/key with a JSON body
//   {"m1": hex, "image_header": hex of header[0:96], "ta_certificate": hex of DER}
// answered 200 with {"m2": hex}, or with an error status and
//   {"error": reason name, "detail": text}.
inline constexpr std::string_view kKeyRequestPath = "/v1/key";
inline constexpr std::size_t kMaxRequestBody = 64 * 1024;

struct KeyRequest {
  Bytes m1;            // lengths are checked by the key service, not by the encoding
  Bytes image_header;  // header[0:96]
  Bytes ta_certificate;
};
std::string encode_request(const KeyRequest& request);
// ProtocolError kMalformedRequest naming the field unless body is a JSON object with
// exactly these three hex strings.
KeyRequest decode_request(std::string_view body);

std::string encode_answer(const M2Bytes& m2);
std::string encode_refusal(Reason reason, std::string_view detail);
// The M2 bytes of a 200 answer (length unchecked: the TA checks it).
Bytes decode_answer(std::string_view body);

}  // namespace tame
