// The key service's decision, without HTTP: every refusal of issue 4 item 7 by its reason,
// the order of the checks, and concurrent use.
#include <thread>

#include <gtest/gtest.h>

#include "protocol_support.hpp"

namespace tame {
namespace {

using test::bytes32;

class KeyServiceTest : public ::testing::Test {
 protected:
  test::World w;
  KeyService ks{X25519Key(bytes32(0x5a)), w.policy};

  Decision ask(const KeyRequest& r) const { return ks.decide(r); }
  void expect_refused(const KeyRequest& r, Reason want) const {
    const Decision d = ask(r);
    EXPECT_FALSE(d.granted());
    EXPECT_EQ(reason_name(d.reason), reason_name(want)) << d.detail;
    EXPECT_FALSE(d.detail.empty());
  }
  KeyRequest fresh() const {
    TrustAnchor ta = w.trust_anchor();
    return w.request(ta);
  }
};

TEST_F(KeyServiceTest, GrantsAGenuineRequestWithAnM2TheTaOpens) {
  TrustAnchor ta = w.trust_anchor();
  const KeyRequest r = w.request(ta);
  const Decision d = ask(r);
  ASSERT_TRUE(d.granted()) << reason_name(d.reason) << ": " << d.detail;
  EXPECT_EQ(d.ta_cert_id, to_hex(sha256(w.ta.cert_der)));
  EXPECT_EQ(d.image_id, to_hex(w.header.image_id));
  EXPECT_EQ(d.cpu_model, "tame-x1");
  EXPECT_EQ(M2::parse(*d.m2).m1_digest, sha256(r.m1));
  EXPECT_EQ(ta.accept_m2(*d.m2), w.k_img);
  // Through the JSON body too.
  TrustAnchor ta2 = w.trust_anchor(1);
  const Decision d2 = ks.decide_body(encode_request(w.request(ta2)));
  ASSERT_TRUE(d2.granted());
  EXPECT_EQ(ta2.accept_m2(*d2.m2), w.k_img);
}

TEST_F(KeyServiceTest, RefusesMalformedMessages) {
  const KeyRequest good = fresh();
  KeyRequest r = good;
  r.m1.resize(200);
  expect_refused(r, Reason::kBadLength);
  r = good;
  r.m1.push_back(0);
  expect_refused(r, Reason::kBadLength);
  r = good;
  r.m1[0] = 'X';
  expect_refused(r, Reason::kBadMagic);
  r = good;
  r.m1[4] = 9;
  expect_refused(r, Reason::kBadVersion);
  r = good;
  r.m1[5] = 2;
  expect_refused(r, Reason::kBadType);
  r = good;
  r.m1[7] = 3;
  expect_refused(r, Reason::kBadSuite);
  r = good;
  r.image_header.resize(95);
  expect_refused(r, Reason::kBadImageHeader);
  r = good;
  r.image_header[0] = 'X';
  expect_refused(r, Reason::kBadImageHeader);
  r = good;
  r.ta_certificate = {0x30, 0x03, 0x02, 0x01, 0x01};
  expect_refused(r, Reason::kBadCertificate);
  const Decision d = ks.decide_body("{\"m1\": 5}");
  EXPECT_EQ(d.reason, Reason::kMalformedRequest);
}

TEST_F(KeyServiceTest, RefusesATamperedHeaderByte) {
  KeyRequest r = fresh();
  r.image_header[24] ^= 0x01;  // ctr_nonce: only C1's AAD notices
  expect_refused(r, Reason::kC1DoesNotOpen);
  r = fresh();
  r.image_header[11] = 1;  // AES-256 sealed, header says AES-128
  expect_refused(r, Reason::kC1DoesNotOpen);
  r = fresh();
  r.image_header[40] ^= 0x01;  // image_id: no longer the image M1 names
  expect_refused(r, Reason::kHeaderMismatch);
  r = fresh();
  r.image_header[70] ^= 0x01;  // ks_pub
  expect_refused(r, Reason::kHeaderMismatch);
}

TEST_F(KeyServiceTest, RefusesAnImageSealedForAnotherKeyService) {
  const X25519Key other(bytes32(0x5b));
  const ImageHeader h = test::sealed_header(other.public_key(), Cipher::kAes256Ctr, w.k_img, 0x33);
  TrustAnchor ta = w.trust_anchor();
  expect_refused({test::m1_bytes(ta.make_m1(h)), test::aad_bytes(h), w.ta.cert_der},
                 Reason::kWrongKeyService);
}

TEST_F(KeyServiceTest, RefusesCertificatesAndPolicy) {
  // A certificate other than the one M1 names.
  const test::TestTa other_ta = test::make_test_ta(w.ca, "tame-x1", 0x12);
  KeyRequest r = fresh();
  r.ta_certificate = other_ta.cert_der;
  expect_refused(r, Reason::kUnknownCertificate);
  // A TA of an unknown CA (the same manufacturer name, another key).
  const CaMaterial rogue = create_ca("Test Silicon", 365);
  const test::TestTa rogue_ta = test::make_test_ta(rogue, "tame-x1", 0x13);
  TrustAnchor rta(rogue_ta.uds, rogue_ta.cert_der, Bytes(48, 1));
  expect_refused({test::m1_bytes(rta.make_m1(w.header)), test::aad_bytes(w.header), rogue_ta.cert_der},
                 Reason::kChainFails);
  // A CPU model not allowed.
  const test::TestTa x2 = test::make_test_ta(w.ca, "tame-x2", 0x14);
  TrustAnchor ta2(x2.uds, x2.cert_der, Bytes(48, 1));
  expect_refused({test::m1_bytes(ta2.make_m1(w.header)), test::aad_bytes(w.header), x2.cert_der},
                 Reason::kCpuModelNotAllowed);
  // An image not allowed.
  const ImageHeader h = test::sealed_header(w.ks_key.public_key(), Cipher::kAes128Ctr, Bytes(16, 3), 0x34);
  TrustAnchor ta3 = w.trust_anchor();
  expect_refused({test::m1_bytes(ta3.make_m1(h)), test::aad_bytes(h), w.ta.cert_der},
                 Reason::kImageNotAllowed);
  // Revoking takes effect at the next request.
  const KeyRequest ok = fresh();
  EXPECT_TRUE(ask(ok).granted());
  w.policy.images.clear();
  expect_refused(ok, Reason::kImageNotAllowed);
  w.policy.cpu_models.clear();
  expect_refused(ok, Reason::kCpuModelNotAllowed);
  w.policy.ca_certs.clear();
  expect_refused(ok, Reason::kChainFails);
}

TEST_F(KeyServiceTest, RefusesABadSignatureAndAZeroShare) {
  KeyRequest r = fresh();
  r.m1[250] ^= 0x40;
  expect_refused(r, Reason::kBadSignature);
  r = fresh();
  r.m1[50] ^= 0x01;  // ta_nonce, under the signature
  expect_refused(r, Reason::kBadSignature);
  // A header whose enc1 is all zero: the TA signs what it is given, the key service's
  // DH gives zero and it refuses by name.
  ImageHeader h = w.header;
  h.enc1 = Bytes32{};
  TrustAnchor ta = w.trust_anchor();
  expect_refused({test::m1_bytes(ta.make_m1(h)), test::aad_bytes(h), w.ta.cert_der},
                 Reason::kZeroSharedSecret);
  // ct1 changed by the TA (signed, so it passes the signature) does not open.
  h = w.header;
  h.ct1[0] ^= 1;
  expect_refused({test::m1_bytes(ta.make_m1(h)), test::aad_bytes(h), w.ta.cert_der},
                 Reason::kC1DoesNotOpen);
  h = w.header;
  h.cipher = Cipher::kAes128Ctr;  // ct1 past 32 bytes is then padding, and not zero
  expect_refused({test::m1_bytes(ta.make_m1(w.header)), test::aad_bytes(h), w.ta.cert_der},
                 Reason::kC1DoesNotOpen);
}

TEST_F(KeyServiceTest, ChecksInTheDocumentedOrder) {
  // Unknown CA and a bad signature: the chain is checked first.
  const CaMaterial rogue = create_ca("Test Silicon", 365);
  const test::TestTa rogue_ta = test::make_test_ta(rogue, "tame-x9", 0x15);
  TrustAnchor rta(rogue_ta.uds, rogue_ta.cert_der, Bytes(48, 1));
  const ImageHeader h = test::sealed_header(w.ks_key.public_key(), Cipher::kAes256Ctr, w.k_img, 0x35);
  KeyRequest r{test::m1_bytes(rta.make_m1(h)), test::aad_bytes(h), rogue_ta.cert_der};
  r.m1[260] ^= 1;
  expect_refused(r, Reason::kChainFails);
  w.policy.ca_certs.push_back(test::ca_der(rogue));
  expect_refused(r, Reason::kCpuModelNotAllowed);  // then the CPU model
  w.policy.cpu_models.insert("tame-x9");
  expect_refused(r, Reason::kImageNotAllowed);  // then the image
  w.policy.images.insert(h.image_id);
  expect_refused(r, Reason::kBadSignature);  // then the signature
  r.m1[260] ^= 1;
  EXPECT_TRUE(ask(r).granted());
}

TEST_F(KeyServiceTest, DecidesConcurrently) {
  std::vector<KeyRequest> requests;
  for (int i = 0; i < 4; ++i) {
    TrustAnchor ta = w.trust_anchor(static_cast<std::uint8_t>(i));
    requests.push_back(w.request(ta));
  }
  std::atomic<int> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        KeyRequest r = requests[static_cast<std::size_t>(t)];
        if (i % 2) r.m1[260] ^= 1;
        const Decision d = ks.decide(r);
        if (d.granted() == (i % 2 == 0)) ++granted;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(granted, 40);
}

}  // namespace
}  // namespace tame
