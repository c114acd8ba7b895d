// The trust anchor's firmware (spec sections 4 and 5): the protocol steps it runs around
// the key controller. It builds M1's public fields for an image header with a TA nonce
// the hardware drew (the firmware never draws one itself), signs M1, accepts exactly one
// M2 for the M1 it sent last, and hands back the image key for KEY_LOAD.
//
// Today the signing and KEM keys are derived here, in software, from the UDS in the TA's
// provisioning folder; the key-vault work moves them into the RTL, and this class then
// keeps only the public steps.
#pragma once

#include <optional>
#include <span>

#include "tame/bytes.hpp"
#include "tame/certificate.hpp"
#include "tame/image.hpp"
#include "tame/protocol.hpp"
#include "tame/ta_keys.hpp"

namespace tame {

class TaFirmware {
 public:
  // uds (32 bytes) is the device secret; cert_der its certificate, whose keys must be
  // the ones the UDS derives (tame::Error naming "TA certificate" otherwise).
  TaFirmware(std::span<const std::uint8_t> uds, std::span<const std::uint8_t> cert_der);
  ~TaFirmware();
  TaFirmware(const TaFirmware&) = delete;
  TaFirmware& operator=(const TaFirmware&) = delete;

  const TaCertificate& certificate() const noexcept { return cert_; }
  const Bytes32& cert_id() const noexcept { return cert_.cert_id; }
  const Bytes& cert_der() const noexcept { return cert_.der; }

  // M1 for this image with the TA nonce the hardware drew: enc1 and ct1 are copied from
  // the header, and the signature is by sk_sig. It replaces any M1 still waiting.
  M1Bytes make_m1(const ImageHeader& header, const Bytes32& ta_nonce);

  // K_img (the header's key size) from the answer to the M1 sent last, for KEY_LOAD.
  // Refusals (ProtocolError): the M2's form (bad-length, bad-magic, ...),
  // no-pending-request when no M1 is waiting (a second M2), stale-m2 when m1_digest is
  // not SHA-256 of that M1, c2-does-not-open when C2 does not open in auth mode from the
  // header's ks_pub, zero-shared-secret. Any refusal leaves the M1 waiting; success
  // consumes it.
  Bytes accept_m2(std::span<const std::uint8_t> m2);

 private:
  struct Pending {
    Bytes32 m1_digest;
    ImageHeader header;
  };
  TaKeys keys_;
  TaCertificate cert_;
  std::optional<Pending> pending_;
};

}  // namespace tame
