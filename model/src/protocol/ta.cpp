// The TA hardware's DRBG as the key controller runs it, and the whole TA in the model.
#include "tame/ta.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>

namespace tame {

void TaKeyCtrlModel::finished(TaCmd cmd, unsigned slot, bool with_adin, TaErr err,
                              std::span<const std::uint8_t> entropy, std::span<const std::uint8_t> adin) {
  if (err != TaErr::None) return;
  const Bytes none;
  const std::span<const std::uint8_t> draw_adin = with_adin ? adin : std::span<const std::uint8_t>(none);
  switch (cmd) {
    case TaCmd::Instantiate: drbg_.instantiate(entropy, adin); break;
    case TaCmd::Reseed: drbg_.reseed(entropy, adin); break;
    case TaCmd::DrawNonce: nonce_ = drbg_.generate(contract::kTaNonceBytes, draw_adin); break;
    case TaCmd::DrawMemKey: mem_keys_[slot] = drbg_.generate(contract::kKeyBits / 8, draw_adin); break;
    case TaCmd::Zeroize: forget(); break;
    default: break;
  }
}

void TaKeyCtrlModel::forget() {
  drbg_.uninstantiate();
  nonce_.clear();
  mem_keys_.clear();
}

TrustAnchor::TrustAnchor(std::span<const std::uint8_t> uds, std::span<const std::uint8_t> cert_der,
                         std::span<const std::uint8_t> entropy)
    : firmware_(uds, cert_der) {
  drbg_.instantiate(entropy);
}

M1Bytes TrustAnchor::make_m1(const ImageHeader& header) {
  Bytes32 nonce;
  drbg_.generate(nonce);
  return firmware_.make_m1(header, nonce);
}

Bytes TrustAnchor::draw_session_key(std::size_t len) {
  if (len != 16 && len != 32) {
    throw Error("session key", fmt::format("{} bytes, expected 16 or 32", len));
  }
  return drbg_.generate(len);
}

Bytes os_entropy(std::size_t n) {
  Bytes out(n);
  if (RAND_priv_bytes(out.data(), static_cast<int>(n)) != 1) throw_openssl("entropy");
  return out;
}

}  // namespace tame
