// The trust anchor in the model, as two parts that match the system: the hardware (the
// key controller's CTR_DRBG, TaKeyCtrlModel, which predicts what the RTL draws) and the
// firmware (TaFirmware, ta_firmware.hpp: the protocol steps). TrustAnchor puts them
// together for a TA that runs wholly in the model (tame boot, the key-service tests):
// it holds a CTR_DRBG, builds M1 for an image header with a fresh ta_nonce drawn from
// it, accepts exactly one M2 for the M1 it sent last, and draws session keys. The RTL
// trust anchor must match it bit for bit given the same UDS and entropy.
#pragma once

#include <cstdint>
#include <map>
#include <span>

#include "tame/bytes.hpp"
#include "tame/certificate.hpp"
#include "tame/contract.hpp"
#include "tame/drbg.hpp"
#include "tame/image.hpp"
#include "tame/protocol.hpp"
#include "tame/ta_firmware.hpp"

namespace tame {

// The key controller's DRBG (rtl/ta/tame_ta_keyctrl.sv) replayed in the model: told each
// command the RTL finished, with the entropy it consumed and what ADIN held, it draws
// what the RTL drew, so a scoreboard knows the TA nonce and every memory session key
// without reading them out of the RTL (nothing can). Refused commands change nothing.
class TaKeyCtrlModel {
 public:
  // The RTL mixes all 48 ADIN bytes into instantiate and reseed, and into a draw when
  // the command says so (with_adin).
  void finished(TaCmd cmd, unsigned slot, bool with_adin, TaErr err, std::span<const std::uint8_t> entropy,
                std::span<const std::uint8_t> adin);
  // Forget everything (a reset).
  void forget();

  const Bytes& nonce() const noexcept { return nonce_; }        // the last TA nonce drawn
  const Bytes& mem_key(unsigned slot) const { return mem_keys_.at(slot); }
  const CtrDrbg& drbg() const noexcept { return drbg_; }

 private:
  CtrDrbg drbg_;
  Bytes nonce_;
  std::map<unsigned, Bytes> mem_keys_;
};

class TrustAnchor {
 public:
  static constexpr std::size_t kEntropySize = CtrDrbg::kSeedLen;  // 48

  // uds (32 bytes) is the device secret; cert_der its certificate, whose keys must be
  // the ones the UDS derives (tame::Error naming "TA certificate" otherwise); entropy
  // (48 bytes) instantiates the DRBG with no personalization string.
  TrustAnchor(std::span<const std::uint8_t> uds, std::span<const std::uint8_t> cert_der,
              std::span<const std::uint8_t> entropy);

  const TaCertificate& certificate() const noexcept { return firmware_.certificate(); }
  const Bytes32& cert_id() const noexcept { return firmware_.cert_id(); }

  // M1 for this image: ta_nonce is the DRBG's next 32 bytes (TaFirmware::make_m1).
  M1Bytes make_m1(const ImageHeader& header);
  // K_img from the answer to the M1 sent last (TaFirmware::accept_m2).
  Bytes accept_m2(std::span<const std::uint8_t> m2) { return firmware_.accept_m2(m2); }

  // A fresh session key K_mem (16 or 32 bytes) from the DRBG.
  Bytes draw_session_key(std::size_t len);

  const CtrDrbg& drbg() const noexcept { return drbg_; }
  TaFirmware& firmware() noexcept { return firmware_; }

 private:
  TaFirmware firmware_;
  CtrDrbg drbg_;
};

// 48 bytes from OpenSSL's private generator, to instantiate a TrustAnchor outside tests.
Bytes os_entropy(std::size_t n = TrustAnchor::kEntropySize);

}  // namespace tame
