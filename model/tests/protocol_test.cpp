// M1 and M2 to the byte of spec section 4, their refusals by reason, C2, and the HTTP
// request encoding.
#include <set>

#include <gtest/gtest.h>

#include "protocol_support.hpp"
#include "tame/hpke.hpp"

namespace tame {
namespace {

using test::bytes32;

template <class Fn>
Reason reason_of(Fn&& fn) {
  try {
    fn();
  } catch (const ProtocolError& e) {
    EXPECT_TRUE(std::string_view(e.what()).starts_with(reason_name(e.reason))) << e.what();
    return e.reason;
  }
  ADD_FAILURE() << "no ProtocolError";
  return Reason::kInternal;
}

M1 example_m1() {
  M1 m;
  m.ta_cert_id = bytes32(1);
  m.ta_nonce = bytes32(2);
  m.image_id = bytes32(3);
  m.ks_key_id = bytes32(4);
  m.enc1 = bytes32(5);
  m.ct1.fill(6);
  m.signature.fill(7);
  return m;
}

TEST(M1, FieldsSitAtTheSpecOffsets) {
  const M1Bytes b = example_m1().serialize();
  EXPECT_EQ(to_hex(std::span(b).first(8)), "54414b5201010001");
  for (auto [off, len, v] : {std::tuple{8, 32, 1}, {40, 32, 2}, {72, 32, 3}, {104, 32, 4},
                             {136, 32, 5}, {168, 48, 6}, {216, 64, 7}}) {
    for (int i = off; i < off + len; ++i) ASSERT_EQ(b[i], v) << "offset " << i;
  }
  EXPECT_EQ(M1::parse(b).serialize(), b);
  const Bytes msg = example_m1().signed_message();
  EXPECT_EQ(Bytes(msg.begin(), msg.begin() + 10), Bytes(text_bytes("TAME-M1-v1").begin(), text_bytes("TAME-M1-v1").end()));
  EXPECT_TRUE(std::equal(msg.begin() + 10, msg.end(), b.begin(), b.begin() + 216));
}

TEST(M1, SignatureCoversTheFirst216Bytes) {
  const Ed25519Key key(bytes32(9));
  M1 m = example_m1();
  m.sign(key);
  EXPECT_TRUE(m.verify(key.public_key()));
  EXPECT_TRUE(ed25519_verify(key.public_key(), m.signed_message(), m.signature));
  M1 t = m;
  t.ta_nonce[31] ^= 1;
  EXPECT_FALSE(t.verify(key.public_key()));
  EXPECT_FALSE(m.verify(Ed25519Key(bytes32(10)).public_key()));
}

TEST(Messages, RefusalsNameTheirReason) {
  const M1Bytes m1 = example_m1().serialize();
  M2 m2;
  const M2Bytes m2b = m2.serialize();
  EXPECT_EQ(to_hex(std::span(m2b).first(8)), "54414b5201020001");
  auto with = [](auto b, std::size_t off, std::uint8_t v) {
    b[off] = v;
    return b;
  };
  EXPECT_EQ(reason_of([&] { M1::parse(std::span(m1).first(279)); }), Reason::kBadLength);
  EXPECT_EQ(reason_of([&] { M1::parse(Bytes(281)); }), Reason::kBadLength);
  EXPECT_EQ(reason_of([&] { M1::parse(Bytes{}); }), Reason::kBadLength);
  EXPECT_EQ(reason_of([&] { M1::parse(with(m1, 0, 'X')); }), Reason::kBadMagic);
  EXPECT_EQ(reason_of([&] { M1::parse(with(m1, 4, 2)); }), Reason::kBadVersion);
  EXPECT_EQ(reason_of([&] { M1::parse(with(m1, 5, 2)); }), Reason::kBadType);
  EXPECT_EQ(reason_of([&] { M1::parse(with(m1, 7, 2)); }), Reason::kBadSuite);
  EXPECT_EQ(reason_of([&] { M2::parse(std::span(m2b).first(119)); }), Reason::kBadLength);
  EXPECT_EQ(reason_of([&] { M2::parse(Bytes(121)); }), Reason::kBadLength);
  EXPECT_EQ(reason_of([&] { M2::parse(with(m2b, 3, 0)); }), Reason::kBadMagic);
  EXPECT_EQ(reason_of([&] { M2::parse(with(m2b, 4, 0)); }), Reason::kBadVersion);
  EXPECT_EQ(reason_of([&] { M2::parse(with(m2b, 5, 1)); }), Reason::kBadType);
  EXPECT_EQ(reason_of([&] { M2::parse(with(m2b, 6, 1)); }), Reason::kBadSuite);
  try {
    M1::parse(std::span(m1).first(100));
  } catch (const ProtocolError& e) {
    EXPECT_STREQ(e.what(), "bad-length: M1: is 100 bytes, expected 280 (truncated)");
  }
}

TEST(Messages, ReasonNamesAreDistinct) {
  std::set<std::string_view> names;
  for (int r = 0; r <= static_cast<int>(Reason::kInternal); ++r) {
    names.insert(reason_name(static_cast<Reason>(r)));
  }
  EXPECT_EQ(names.size(), static_cast<std::size_t>(Reason::kInternal) + 1);
  EXPECT_EQ(reason_http_status(Reason::kBadMagic), 400);
  EXPECT_EQ(reason_http_status(Reason::kBadSignature), 403);
  EXPECT_EQ(reason_http_status(Reason::kInternal), 500);
}

TEST(C2, AuthModeFromTheKeyServiceBoundToM1) {
  const X25519Key ks(bytes32(0x21)), ta(bytes32(0x22)), other(bytes32(0x23));
  const M1Bytes m1 = example_m1().serialize();
  for (std::size_t len : {16u, 32u}) {
    const Bytes k(len, 0x99);
    const M2 m2 = make_m2(m1, k, ta.public_key(), ks);
    EXPECT_EQ(m2.m1_digest, sha256(m1));
    EXPECT_EQ(open_c2(m2, len, ta, ks.public_key()), k);
    // Plain HPKE auth mode with the spec's info and aad.
    const M2Bytes m2b = m2.serialize();
    const Bytes aad = concat(std::span(m2b).first(8), m2.m1_digest);
    EXPECT_EQ(m2.c2_aad(), aad);
    EXPECT_EQ(hpke::open_auth(m2.enc2, ta, concat(text_bytes("TAME-C2-v1"), m2.m1_digest), aad,
                              std::span(m2.ct2).first(len + 16), ks.public_key()),
              k);
    EXPECT_TRUE(std::all_of(m2.ct2.begin() + static_cast<std::ptrdiff_t>(len + 16), m2.ct2.end(),
                            [](auto b) { return b == 0; }));
    // Another sender, another digest, a padding byte, a zero share: each refused.
    EXPECT_EQ(reason_of([&] { open_c2(m2, len, ta, other.public_key()); }), Reason::kC2DoesNotOpen);
    EXPECT_EQ(reason_of([&] { open_c2(make_m2(m1, k, ta.public_key(), other), len, ta, ks.public_key()); }),
              Reason::kC2DoesNotOpen);
    M2 t = m2;
    t.m1_digest[0] ^= 1;
    EXPECT_EQ(reason_of([&] { open_c2(t, len, ta, ks.public_key()); }), Reason::kC2DoesNotOpen);
    if (len == 16) {
      t = m2;
      t.ct2[40] = 1;
      EXPECT_EQ(reason_of([&] { open_c2(t, len, ta, ks.public_key()); }), Reason::kC2DoesNotOpen);
    }
    t = m2;
    t.enc2 = Bytes32{};
    EXPECT_EQ(reason_of([&] { open_c2(t, len, ta, ks.public_key()); }), Reason::kZeroSharedSecret);
    EXPECT_EQ(reason_of([&] { make_m2(m1, k, Bytes32{}, ks); }), Reason::kZeroSharedSecret);
  }
}

TEST(Request, EncodingRoundTripsAndRefusesMalformedBodies) {
  const KeyRequest r{Bytes{1, 2, 3}, Bytes(96, 4), Bytes{5}};
  const KeyRequest back = decode_request(encode_request(r));
  EXPECT_EQ(back.m1, r.m1);
  EXPECT_EQ(back.image_header, r.image_header);
  EXPECT_EQ(back.ta_certificate, r.ta_certificate);
  for (const char* body : {"", "not json", "[]", "{}", R"({"m1":"00","image_header":"00"})",
                           R"({"m1":1,"image_header":"00","ta_certificate":"00"})",
                           R"({"m1":"0g","image_header":"00","ta_certificate":"00"})",
                           R"({"m1":"000","image_header":"00","ta_certificate":"00"})",
                           R"({"m1":"00","image_header":"00","ta_certificate":"00","x":1})"}) {
    EXPECT_EQ(reason_of([&] { decode_request(body); }), Reason::kMalformedRequest) << body;
  }
  EXPECT_EQ(reason_of([&] { decode_request(std::string(kMaxRequestBody + 1, ' ')); }),
            Reason::kMalformedRequest);
  M2Bytes m2{};
  m2[0] = 0xab;
  const Bytes answer = decode_answer(encode_answer(m2));
  EXPECT_TRUE(std::equal(answer.begin(), answer.end(), m2.begin(), m2.end()));
  EXPECT_THROW(decode_answer(encode_refusal(Reason::kBadMagic, "x")), Error);
}

}  // namespace
}  // namespace tame
