// Spec section 4's TA key derivation: two HKDF-SHA256 outputs of the UDS, each taken
// raw as a private key by OpenSSL, which computes the public halves.
#include "tame/ta_keys.hpp"

#include <openssl/crypto.h>

#include "tame/kdf.hpp"

namespace tame {

TaKeys derive_ta_keys(std::span<const std::uint8_t> uds) {
  check_size(uds, kUdsSize, "UDS");
  TaKeys keys;
  Bytes sig = hkdf_sha256({}, uds, text_bytes(kTaSigInfo), 32);
  Bytes kem = hkdf_sha256({}, uds, text_bytes(kTaKemInfo), 32);
  keys.sk_sig = to_fixed<32>(sig, "TA sk_sig");
  keys.sk_kem = to_fixed<32>(kem, "TA sk_kem");
  OPENSSL_cleanse(sig.data(), sig.size());
  OPENSSL_cleanse(kem.data(), kem.size());
  keys.pk_sig = Ed25519Key(keys.sk_sig).public_key();
  keys.pk_kem = X25519Key(keys.sk_kem).public_key();
  return keys;
}

}  // namespace tame
