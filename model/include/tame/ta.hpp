// The trust anchor's side of the boot protocol, in the model (spec sections 4 and 5): it
// holds the keys derived from its UDS and a CTR_DRBG, builds M1 for an image header with a
// fresh ta_nonce, accepts exactly one M2 for the M1 it sent last, and draws session keys.
// The RTL trust anchor must match it bit for bit given the same UDS and entropy.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "tame/bytes.hpp"
#include "tame/certificate.hpp"
#include "tame/drbg.hpp"
#include "tame/image.hpp"
#include "tame/protocol.hpp"
#include "tame/ta_keys.hpp"

namespace tame {

class TrustAnchor {
 public:
  static constexpr std::size_t kEntropySize = CtrDrbg::kSeedLen;  // 48

  // uds (32 bytes) is the device secret; cert_der its certificate, whose keys must be
  // the ones the UDS derives (tame::Error naming "TA certificate" otherwise); entropy
  // (48 bytes) instantiates the DRBG with no personalization string.
  TrustAnchor(std::span<const std::uint8_t> uds, std::span<const std::uint8_t> cert_der,
              std::span<const std::uint8_t> entropy);
  ~TrustAnchor();
  TrustAnchor(const TrustAnchor&) = delete;
  TrustAnchor& operator=(const TrustAnchor&) = delete;

  const TaCertificate& certificate() const noexcept { return cert_; }
  const Bytes32& cert_id() const noexcept { return cert_.cert_id; }

  // M1 for this image: ta_nonce is the DRBG's next 32 bytes, enc1 and ct1 are copied
  // from the header, and the signature is by sk_sig. It replaces any M1 still waiting.
  M1Bytes make_m1(const ImageHeader& header);
  // The same with the TA nonce drawn elsewhere: by the RTL DRBG, when this class is the
  // firmware model driving the RTL key controller (tame-sim boot).
  M1Bytes make_m1(const ImageHeader& header, const Bytes32& ta_nonce);

  // K_img from the answer to the M1 sent last. Refusals (ProtocolError): the M2's form
  // (bad-length, bad-magic, ...), no-pending-request when no M1 is waiting (a second M2),
  // stale-m2 when m1_digest is not SHA-256 of that M1, c2-does-not-open when C2 does not
  // open in auth mode from the header's ks_pub, zero-shared-secret. Any refusal leaves the
  // M1 waiting; success consumes it.
  Bytes accept_m2(std::span<const std::uint8_t> m2);

  // A fresh session key K_mem (16 or 32 bytes) from the DRBG.
  Bytes draw_session_key(std::size_t len);

  const CtrDrbg& drbg() const noexcept { return drbg_; }

 private:
  struct Pending {
    Bytes32 m1_digest;
    ImageHeader header;
  };
  TaKeys keys_;
  TaCertificate cert_;
  CtrDrbg drbg_;
  std::optional<Pending> pending_;
};

// 48 bytes from OpenSSL's private generator, to instantiate a TrustAnchor outside tests.
Bytes os_entropy(std::size_t n = TrustAnchor::kEntropySize);

}  // namespace tame
