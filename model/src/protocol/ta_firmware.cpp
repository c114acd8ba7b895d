// The TA firmware's protocol steps. It keeps the digest of the M1 it sent and the header
// it came from: the header's ks_pub authenticates C2, and its cipher fixes K_img's length.
#include "tame/ta_firmware.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>

#include "tame/kdf.hpp"

namespace tame {

TaFirmware::TaFirmware(std::span<const std::uint8_t> uds, std::span<const std::uint8_t> cert_der)
    : keys_(derive_ta_keys(uds)),
      cert_(TaCertificate::parse_der(cert_der, "TA certificate")) {
  if (cert_.pk_sig != keys_.pk_sig) {
    throw Error("TA certificate", "its subject key is not the Ed25519 key this UDS derives");
  }
  if (cert_.pk_kem != keys_.pk_kem) {
    throw Error("TA certificate", "its X25519 key is not the one this UDS derives");
  }
}

TaFirmware::~TaFirmware() {
  OPENSSL_cleanse(keys_.sk_sig.data(), keys_.sk_sig.size());
  OPENSSL_cleanse(keys_.sk_kem.data(), keys_.sk_kem.size());
}

M1Bytes TaFirmware::make_m1(const ImageHeader& header, const Bytes32& ta_nonce) {
  M1 m1;
  m1.ta_cert_id = cert_.cert_id;
  m1.ta_nonce = ta_nonce;
  m1.image_id = header.image_id;
  m1.ks_key_id = header.ks_key_id();
  m1.enc1 = header.enc1;
  m1.ct1 = header.ct1;
  m1.sign(keys_.signing_key());
  const M1Bytes bytes = m1.serialize();
  pending_ = Pending{sha256(bytes), header};
  return bytes;
}

Bytes TaFirmware::accept_m2(std::span<const std::uint8_t> m2_bytes) {
  const M2 m2 = M2::parse(m2_bytes);
  if (!pending_) {
    throw ProtocolError(Reason::kNoPendingRequest,
                        "M2: no M1 is waiting for an answer (an answer was already accepted, "
                        "or none was asked for)");
  }
  if (CRYPTO_memcmp(m2.m1_digest.data(), pending_->m1_digest.data(), 32) != 0) {
    throw ProtocolError(Reason::kStaleM2,
                        fmt::format("M2 m1_digest: is {}, not the digest of the M1 sent in this "
                                    "boot ({})",
                                    to_hex(m2.m1_digest), to_hex(pending_->m1_digest)));
  }
  Bytes k_img = open_c2(m2, cipher_key_size(pending_->header.cipher), keys_.kem_key(),
                        pending_->header.ks_pub);
  pending_.reset();
  return k_img;
}

}  // namespace tame
