// The trust anchor model: M1 from its keys and DRBG, and one M2 accepted per M1; the
// firmware alone (TaFirmware) and the key controller's DRBG alone (TaKeyCtrlModel).
#include <gtest/gtest.h>

#include "protocol_support.hpp"
#include "tame/contract.hpp"
#include "tame/drbg.hpp"
#include "tame/ta.hpp"
#include "tame/ta_firmware.hpp"

namespace tame {
namespace {

using test::bytes32;

template <class Fn>
Reason reason_of(Fn&& fn) {
  try {
    fn();
  } catch (const ProtocolError& e) {
    return e.reason;
  }
  ADD_FAILURE() << "no ProtocolError";
  return Reason::kInternal;
}

TEST(TrustAnchor, BuildsASignedM1WithANonceFromItsDrbg) {
  const test::World w;
  TrustAnchor ta = w.trust_anchor(0x42);
  const M1 m1 = M1::parse(ta.make_m1(w.header));
  EXPECT_EQ(m1.ta_cert_id, sha256(w.ta.cert_der));
  EXPECT_EQ(m1.image_id, w.header.image_id);
  EXPECT_EQ(m1.ks_key_id, sha256(w.ks_key.public_key()));
  EXPECT_EQ(m1.enc1, w.header.enc1);
  EXPECT_EQ(m1.ct1, w.header.ct1);
  EXPECT_TRUE(m1.verify(w.ta.keys.pk_sig));
  // ta_nonce is the first output of CTR_DRBG (AES-256, no df) on that entropy, as
  // OpenSSL's own CTR-DRBG gives it; the session key comes next.
  OpensslCtrDrbg ref;
  ref.instantiate(Bytes(TrustAnchor::kEntropySize, 0x42));
  const Bytes first = ref.generate(32);
  EXPECT_TRUE(std::equal(first.begin(), first.end(), m1.ta_nonce.begin()));
  const M1 again = M1::parse(ta.make_m1(w.header));
  EXPECT_NE(again.ta_nonce, m1.ta_nonce);
  const Bytes second = ref.generate(32);
  EXPECT_TRUE(std::equal(second.begin(), second.end(), again.ta_nonce.begin()));
  EXPECT_EQ(ta.draw_session_key(32), ref.generate(32));
}

TEST(TrustAnchor, SessionKeysFollowTheDrbgStream) {
  const test::World w;
  TrustAnchor ta = w.trust_anchor(0x07);
  OpensslCtrDrbg ref;
  ref.instantiate(Bytes(48, 0x07));
  EXPECT_EQ(ta.draw_session_key(32), ref.generate(32));
  EXPECT_EQ(ta.draw_session_key(16), ref.generate(16));
  EXPECT_THROW(ta.draw_session_key(24), Error);
}

TEST(TrustAnchor, AcceptsOneM2ForTheM1ItSentLast) {
  const test::World w;
  const KeyService ks(X25519Key(bytes32(0x5a)), w.policy);
  TrustAnchor ta = w.trust_anchor();
  EXPECT_EQ(reason_of([&] { ta.accept_m2(Bytes(kM2Size)); }), Reason::kBadMagic);

  // Nothing asked yet.
  const KeyRequest r1 = w.request(ta);
  const Decision d1 = ks.decide(r1);
  ASSERT_TRUE(d1.granted()) << d1.detail;
  EXPECT_EQ(ta.accept_m2(*d1.m2), w.k_img);
  EXPECT_EQ(reason_of([&] { ta.accept_m2(*d1.m2); }), Reason::kNoPendingRequest);

  // An M2 for another M1 (an older one of this boot) is stale; the right one still works.
  const KeyRequest r2 = w.request(ta);
  const KeyRequest r3 = w.request(ta);
  const Decision d2 = ks.decide(r2), d3 = ks.decide(r3);
  ASSERT_TRUE(d2.granted() && d3.granted());
  EXPECT_EQ(reason_of([&] { ta.accept_m2(*d2.m2); }), Reason::kStaleM2);
  EXPECT_EQ(ta.accept_m2(*d3.m2), w.k_img);

  // An M2 replayed from an earlier boot: the next boot's TA (fresh entropy, so a fresh
  // ta_nonce) waits for its own M1's answer. With the same entropy it would send the
  // same M1 and take the old M2: freshness rests on the entropy source.
  TrustAnchor reboot = w.trust_anchor(0x99);
  reboot.make_m1(w.header);
  EXPECT_EQ(reason_of([&] { reboot.accept_m2(*d1.m2); }), Reason::kStaleM2);

  // An M2 with the right digest from another key service does not open.
  TrustAnchor ta2 = w.trust_anchor(0x43);
  const M1Bytes m1 = ta2.make_m1(w.header);
  const M2 forged = make_m2(m1, w.k_img, w.ta.keys.pk_kem, X25519Key(bytes32(0x5b)));
  EXPECT_EQ(reason_of([&] { ta2.accept_m2(forged.serialize()); }), Reason::kC2DoesNotOpen);
  M2 zero = forged;
  zero.enc2 = Bytes32{};
  EXPECT_EQ(reason_of([&] { ta2.accept_m2(zero.serialize()); }), Reason::kZeroSharedSecret);
  const M2 genuine = make_m2(m1, w.k_img, w.ta.keys.pk_kem, w.ks_key);
  EXPECT_EQ(ta2.accept_m2(genuine.serialize()), w.k_img);
}

TEST(TrustAnchor, RefusesACertificateOfAnotherDevice) {
  const test::World w;
  EXPECT_THROW(TrustAnchor(bytes32(0x12), w.ta.cert_der, Bytes(48, 1)), Error);
  EXPECT_THROW(TrustAnchor(w.ta.uds, w.ta.cert_der, Bytes(47, 1)), Error);
}

TEST(TaFirmware, SignsM1WithTheNonceTheHardwareDrewAndTakesOneM2) {
  const test::World w;
  const KeyService ks(X25519Key(bytes32(0x5a)), w.policy);
  TaFirmware fw(w.ta.uds, w.ta.cert_der);
  EXPECT_EQ(fw.cert_der(), w.ta.cert_der);
  const Bytes32 nonce = bytes32(0x3c);
  const M1Bytes m1_bytes = fw.make_m1(w.header, nonce);
  const M1 m1 = M1::parse(m1_bytes);
  EXPECT_EQ(m1.ta_nonce, nonce);
  EXPECT_EQ(m1.ta_cert_id, sha256(w.ta.cert_der));
  EXPECT_TRUE(m1.verify(w.ta.keys.pk_sig));
  // The whole TA in the model builds the same M1 from the nonce its own DRBG draws.
  TrustAnchor ta = w.trust_anchor(0x42);
  OpensslCtrDrbg ref;
  ref.instantiate(Bytes(TrustAnchor::kEntropySize, 0x42));
  const Bytes drawn = ref.generate(32);
  Bytes32 drawn32;
  std::copy(drawn.begin(), drawn.end(), drawn32.begin());
  EXPECT_EQ(ta.make_m1(w.header), fw.make_m1(w.header, drawn32));
  const Decision d = ks.decide(KeyRequest{Bytes(m1_bytes.begin(), m1_bytes.end()), test::aad_bytes(w.header),
                                          w.ta.cert_der});
  ASSERT_TRUE(d.granted()) << d.detail;
  EXPECT_EQ(reason_of([&] { fw.accept_m2(*d.m2); }), Reason::kStaleM2);  // answers the first M1
  EXPECT_THROW(TaFirmware(bytes32(0x12), w.ta.cert_der), Error);
}

TEST(TaKeyCtrlModel, DrawsWhatTheDrbgDrawsAndIgnoresRefusals) {
  const Bytes entropy(TrustAnchor::kEntropySize, 0x11), adin(contract::kAdinBytes, 0x22);
  TaKeyCtrlModel hw;
  hw.finished(TaCmd::DrawNonce, 0, false, TaErr::DrbgNotReady, entropy, adin);
  EXPECT_TRUE(hw.nonce().empty());
  EXPECT_FALSE(hw.drbg().instantiated());
  hw.finished(TaCmd::Instantiate, 0, false, TaErr::None, entropy, adin);
  hw.finished(TaCmd::DrawNonce, 0, false, TaErr::None, entropy, adin);
  hw.finished(TaCmd::DrawMemKey, 2, true, TaErr::None, entropy, adin);
  CtrDrbg ref;
  ref.instantiate(entropy, adin);
  EXPECT_EQ(hw.nonce(), ref.generate(contract::kTaNonceBytes));
  EXPECT_EQ(hw.mem_key(2), ref.generate(contract::kKeyBits / 8, adin));
  EXPECT_THROW(hw.mem_key(1), std::out_of_range);
  hw.finished(TaCmd::Zeroize, 0, false, TaErr::None, entropy, adin);
  EXPECT_TRUE(hw.nonce().empty());
  EXPECT_FALSE(hw.drbg().instantiated());
}

}  // namespace
}  // namespace tame
