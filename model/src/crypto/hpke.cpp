// RFC 9180 for suite (0x0020, 0x0001, 0x0001), modes base and auth. Every derivation
// goes through LabeledExtract/LabeledExpand on tame's HKDF; the DH is tame's X25519,
// which refuses an all-zero result (section 7.1.4).
#include "tame/hpke.hpp"

#include <limits>

#include <fmt/format.h>
#include <openssl/crypto.h>

#include "tame/kdf.hpp"

namespace tame::hpke {
namespace {

constexpr std::string_view kVersionLabel = "HPKE-v1";

void put_be16(Bytes& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

// A buffer that is wiped when it goes: the DH outputs are the KEM's secret input.
struct SecretBytes {
  Bytes data;
  ~SecretBytes() { OPENSSL_cleanse(data.data(), data.size()); }
};

// Section 4.1: ExtractAndExpand(dh, kem_context).
Bytes32 extract_and_expand(std::span<const std::uint8_t> dh,
                           std::span<const std::uint8_t> kem_context) {
  const Bytes suite = kem_suite_id();
  const Bytes32 eae_prk = labeled_extract(suite, {}, "eae_prk", dh);
  const Bytes secret = labeled_expand(suite, eae_prk, "shared_secret", kem_context, kNsecret);
  return to_fixed<kNsecret>(secret, "HPKE shared_secret");
}

Encapsulation do_encap(std::span<const std::uint8_t> pkR, const X25519Key& skE) {
  check_size(pkR, kNpk, "HPKE recipient public key");
  const SecretBytes dh{concat(skE.dh(pkR))};
  const Bytes32& enc = skE.public_key();
  return {extract_and_expand(dh.data, concat(enc, pkR)), enc};
}

Encapsulation do_auth_encap(std::span<const std::uint8_t> pkR, const X25519Key& skS,
                            const X25519Key& skE) {
  check_size(pkR, kNpk, "HPKE recipient public key");
  const SecretBytes dh{concat(skE.dh(pkR), skS.dh(pkR))};
  const Bytes32& enc = skE.public_key();
  return {extract_and_expand(dh.data, concat(enc, pkR, skS.public_key())), enc};
}

}  // namespace

Bytes kem_suite_id() {
  Bytes id = concat(text_bytes("KEM"));
  put_be16(id, kKemId);
  return id;
}

Bytes hpke_suite_id() {
  Bytes id = concat(text_bytes("HPKE"));
  put_be16(id, kKemId);
  put_be16(id, kKdfId);
  put_be16(id, kAeadId);
  return id;
}

Bytes32 labeled_extract(std::span<const std::uint8_t> suite_id, std::span<const std::uint8_t> salt,
                        std::string_view label, std::span<const std::uint8_t> ikm) {
  const SecretBytes labeled_ikm{
      concat(text_bytes(kVersionLabel), suite_id, text_bytes(label), ikm)};
  return hkdf_extract(salt, labeled_ikm.data);
}

Bytes labeled_expand(std::span<const std::uint8_t> suite_id, std::span<const std::uint8_t> prk,
                     std::string_view label, std::span<const std::uint8_t> info,
                     std::size_t len) {
  if (len > kHkdfSha256MaxOutput) {  // also keeps I2OSP(L, 2) exact
    throw Error("HPKE LabeledExpand",
                fmt::format("length {} exceeds 255 * Nh = {}", len, kHkdfSha256MaxOutput));
  }
  Bytes labeled_info;
  put_be16(labeled_info, static_cast<std::uint16_t>(len));
  labeled_info = concat(labeled_info, text_bytes(kVersionLabel), suite_id, text_bytes(label), info);
  return hkdf_expand(prk, labeled_info, len);
}

KeyPair derive_key_pair(std::span<const std::uint8_t> ikm) {
  const Bytes suite = kem_suite_id();
  const Bytes32 dkp_prk = labeled_extract(suite, {}, "dkp_prk", ikm);
  KeyPair kp;
  kp.sk = to_fixed<kNsk>(labeled_expand(suite, dkp_prk, "sk", {}, kNsk), "HPKE sk");
  kp.pk = X25519Key(kp.sk).public_key();
  return kp;
}

Encapsulation encap(std::span<const std::uint8_t> pkR) {
  return do_encap(pkR, X25519Key::generate());
}

Encapsulation encap(std::span<const std::uint8_t> pkR, const X25519Key& skE) {
  return do_encap(pkR, skE);
}

Bytes32 decap(std::span<const std::uint8_t> enc, const X25519Key& skR) {
  check_size(enc, kNenc, "HPKE enc");
  const SecretBytes dh{concat(skR.dh(enc))};
  return extract_and_expand(dh.data, concat(enc, skR.public_key()));
}

Encapsulation auth_encap(std::span<const std::uint8_t> pkR, const X25519Key& skS) {
  return do_auth_encap(pkR, skS, X25519Key::generate());
}

Encapsulation auth_encap(std::span<const std::uint8_t> pkR, const X25519Key& skS,
                         const X25519Key& skE) {
  return do_auth_encap(pkR, skS, skE);
}

Bytes32 auth_decap(std::span<const std::uint8_t> enc, const X25519Key& skR,
                   std::span<const std::uint8_t> pkS) {
  check_size(enc, kNenc, "HPKE enc");
  check_size(pkS, kNpk, "HPKE sender public key");
  const SecretBytes dh{concat(skR.dh(enc), skR.dh(pkS))};
  return extract_and_expand(dh.data, concat(enc, skR.public_key(), pkS));
}

KeySchedule key_schedule(Mode mode, std::span<const std::uint8_t> shared_secret,
                         std::span<const std::uint8_t> info) {
  const Bytes suite = hpke_suite_id();
  // psk and psk_id are the defaults (""), as VerifyPSKInputs demands for base and auth.
  const Bytes32 psk_id_hash = labeled_extract(suite, {}, "psk_id_hash", {});
  const Bytes32 info_hash = labeled_extract(suite, {}, "info_hash", info);
  const std::uint8_t mode_byte[1] = {static_cast<std::uint8_t>(mode)};
  KeySchedule ks;
  ks.key_schedule_context = concat(mode_byte, psk_id_hash, info_hash);
  ks.secret = labeled_extract(suite, shared_secret, "secret", {});
  ks.key = to_fixed<kNk>(labeled_expand(suite, ks.secret, "key", ks.key_schedule_context, kNk),
                         "HPKE key");
  ks.base_nonce = to_fixed<kNn>(
      labeled_expand(suite, ks.secret, "base_nonce", ks.key_schedule_context, kNn),
      "HPKE base_nonce");
  ks.exporter_secret = to_fixed<kNh>(
      labeled_expand(suite, ks.secret, "exp", ks.key_schedule_context, kNh),
      "HPKE exporter_secret");
  return ks;
}

Context::Context(KeySchedule ks) : ks_(std::move(ks)), aead_(ks_.key) {}

Nonce Context::nonce(std::uint64_t seq) const noexcept {
  Nonce n = ks_.base_nonce;
  for (std::size_t i = 0; i < 8; ++i) {
    n[kNn - 1 - i] ^= static_cast<std::uint8_t>(seq >> (8 * i));
  }
  return n;
}

Nonce Context::current_nonce(std::string_view op) const {
  if (seq_ == std::numeric_limits<std::uint64_t>::max()) {
    throw Error(op, fmt::format("message limit reached: sequence number {} would overflow",
                                seq_));
  }
  return nonce(seq_);
}

Bytes Context::export_secret(std::span<const std::uint8_t> exporter_context,
                             std::size_t len) const {
  return labeled_expand(hpke_suite_id(), ks_.exporter_secret, "sec", exporter_context, len);
}

Bytes SenderContext::seal(std::span<const std::uint8_t> aad, std::span<const std::uint8_t> pt) {
  const Nonce n = current_nonce("HPKE seal");
  Bytes ct = aead_.seal(n, aad, pt);
  ++seq_;
  return ct;
}

Bytes ReceiverContext::open(std::span<const std::uint8_t> aad, std::span<const std::uint8_t> ct) {
  const Nonce n = current_nonce("HPKE open");
  if (ct.size() < kNt) {
    throw Error("HPKE open", fmt::format("ciphertext is {} bytes, shorter than the {}-byte tag",
                                         ct.size(), kNt));
  }
  std::optional<Bytes> pt = aead_.open(n, aad, ct);
  if (!pt) throw Error("HPKE open", "authentication failed");
  ++seq_;
  return std::move(*pt);
}

SenderSetup setup_base_s(std::span<const std::uint8_t> pkR, std::span<const std::uint8_t> info) {
  return setup_base_s(pkR, info, X25519Key::generate());
}

SenderSetup setup_base_s(std::span<const std::uint8_t> pkR, std::span<const std::uint8_t> info,
                         const X25519Key& skE) {
  const Encapsulation e = encap(pkR, skE);
  return {e.enc, SenderContext(key_schedule(Mode::kBase, e.shared_secret, info))};
}

ReceiverContext setup_base_r(std::span<const std::uint8_t> enc, const X25519Key& skR,
                             std::span<const std::uint8_t> info) {
  return ReceiverContext(key_schedule(Mode::kBase, decap(enc, skR), info));
}

SenderSetup setup_auth_s(std::span<const std::uint8_t> pkR, std::span<const std::uint8_t> info,
                         const X25519Key& skS) {
  return setup_auth_s(pkR, info, skS, X25519Key::generate());
}

SenderSetup setup_auth_s(std::span<const std::uint8_t> pkR, std::span<const std::uint8_t> info,
                         const X25519Key& skS, const X25519Key& skE) {
  const Encapsulation e = auth_encap(pkR, skS, skE);
  return {e.enc, SenderContext(key_schedule(Mode::kAuth, e.shared_secret, info))};
}

ReceiverContext setup_auth_r(std::span<const std::uint8_t> enc, const X25519Key& skR,
                             std::span<const std::uint8_t> info,
                             std::span<const std::uint8_t> pkS) {
  return ReceiverContext(key_schedule(Mode::kAuth, auth_decap(enc, skR, pkS), info));
}

Sealed seal_base(std::span<const std::uint8_t> pkR, std::span<const std::uint8_t> info,
                 std::span<const std::uint8_t> aad, std::span<const std::uint8_t> pt) {
  return seal_base(pkR, info, aad, pt, X25519Key::generate());
}

Sealed seal_base(std::span<const std::uint8_t> pkR, std::span<const std::uint8_t> info,
                 std::span<const std::uint8_t> aad, std::span<const std::uint8_t> pt,
                 const X25519Key& skE) {
  SenderSetup s = setup_base_s(pkR, info, skE);
  return {s.enc, s.context.seal(aad, pt)};
}

Bytes open_base(std::span<const std::uint8_t> enc, const X25519Key& skR,
                std::span<const std::uint8_t> info, std::span<const std::uint8_t> aad,
                std::span<const std::uint8_t> ct) {
  return setup_base_r(enc, skR, info).open(aad, ct);
}

Sealed seal_auth(std::span<const std::uint8_t> pkR, std::span<const std::uint8_t> info,
                 std::span<const std::uint8_t> aad, std::span<const std::uint8_t> pt,
                 const X25519Key& skS) {
  return seal_auth(pkR, info, aad, pt, skS, X25519Key::generate());
}

Sealed seal_auth(std::span<const std::uint8_t> pkR, std::span<const std::uint8_t> info,
                 std::span<const std::uint8_t> aad, std::span<const std::uint8_t> pt,
                 const X25519Key& skS, const X25519Key& skE) {
  SenderSetup s = setup_auth_s(pkR, info, skS, skE);
  return {s.enc, s.context.seal(aad, pt)};
}

Bytes open_auth(std::span<const std::uint8_t> enc, const X25519Key& skR,
                std::span<const std::uint8_t> info, std::span<const std::uint8_t> aad,
                std::span<const std::uint8_t> ct, std::span<const std::uint8_t> pkS) {
  return setup_auth_r(enc, skR, info, pkS).open(aad, ct);
}

}  // namespace tame::hpke
