// TA key derivation (spec section 4) against OpenSSL called directly: HKDF through the
// EVP_PKEY_HKDF interface (not the EVP_KDF one the model uses), public keys from
// EVP_PKEY raw private keys, and the keys working as a signature and a KEM pair.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include "tame/hpke.hpp"
#include "tame/ta_keys.hpp"
#include "test_support.hpp"

namespace tame {
namespace {

// HKDF-SHA256(salt = "", ikm, info, 32) through EVP_PKEY_derive.
Bytes openssl_hkdf(std::span<const std::uint8_t> ikm, std::string_view info) {
  const PkeyCtxPtr ctx{EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr)};
  EXPECT_TRUE(ctx);
  EXPECT_EQ(EVP_PKEY_derive_init(ctx.get()), 1);
  EXPECT_EQ(EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()), 1);
  EXPECT_EQ(EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), ikm.data(), static_cast<int>(ikm.size())), 1);
  EXPECT_EQ(EVP_PKEY_CTX_add1_hkdf_info(ctx.get(),
                                        reinterpret_cast<const unsigned char*>(info.data()),
                                        static_cast<int>(info.size())),
            1);
  Bytes out(32);
  std::size_t len = out.size();
  EXPECT_EQ(EVP_PKEY_derive(ctx.get(), out.data(), &len), 1);
  EXPECT_EQ(len, 32u);
  return out;
}

Bytes32 openssl_public(int type, const Bytes32& sk) {
  const PkeyPtr key{EVP_PKEY_new_raw_private_key(type, nullptr, sk.data(), sk.size())};
  EXPECT_TRUE(key);
  Bytes32 pub{};
  std::size_t len = pub.size();
  EXPECT_EQ(EVP_PKEY_get_raw_public_key(key.get(), pub.data(), &len), 1);
  return pub;
}

TEST(TaKeys, MatchOpensslDerivation) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  std::vector<Bytes> udss = {Bytes(32, 0x00), Bytes(32, 0xff)};
  for (int i = 0; i < 10; ++i) udss.push_back(test::random_bytes(rng, 32));
  for (const Bytes& uds : udss) {
    SCOPED_TRACE("UDS " + to_hex(uds));
    const TaKeys keys = derive_ta_keys(uds);
    EXPECT_EQ(to_hex(keys.sk_sig), to_hex(openssl_hkdf(uds, "TAME-TA-sig-v1")));
    EXPECT_EQ(to_hex(keys.sk_kem), to_hex(openssl_hkdf(uds, "TAME-TA-kem-v1")));
    EXPECT_NE(keys.sk_sig, keys.sk_kem);
    EXPECT_EQ(keys.pk_sig, openssl_public(EVP_PKEY_ED25519, keys.sk_sig));
    EXPECT_EQ(keys.pk_kem, openssl_public(EVP_PKEY_X25519, keys.sk_kem));

    // The keys do their jobs: M1-style signature, C2-style auth-mode HPKE to the TA.
    const Bytes msg = test::random_bytes(rng, 216);
    const Bytes64 sig = keys.signing_key().sign(msg);
    EXPECT_TRUE(ed25519_verify(keys.pk_sig, msg, sig));
    const X25519Key ks(test::random_bytes(rng, 32));
    const Bytes k_img = test::random_bytes(rng, 32);
    const hpke::Sealed c2 = hpke::seal_auth(keys.pk_kem, text_bytes("TAME-C2-v1"),
                                            text_bytes("aad"), k_img, ks);
    EXPECT_EQ(hpke::open_auth(c2.enc, keys.kem_key(), text_bytes("TAME-C2-v1"),
                              text_bytes("aad"), c2.ct, ks.public_key()),
              k_img);
  }
}

// A fixed UDS (00 01 .. 1f) pins the derivation, so that a change cannot pass unnoticed.
// The values were computed outside the model: RFC 5869 written out with Python's hmac
// module, and the public keys with the Python "cryptography" package.
TEST(TaKeys, KnownAnswerForCountingUds) {
  Bytes uds(32);
  for (std::size_t i = 0; i < uds.size(); ++i) uds[i] = static_cast<std::uint8_t>(i);
  const TaKeys keys = derive_ta_keys(uds);
  EXPECT_EQ(to_hex(keys.sk_sig), to_hex(openssl_hkdf(uds, "TAME-TA-sig-v1")));
  EXPECT_EQ(to_hex(keys.sk_kem), to_hex(openssl_hkdf(uds, "TAME-TA-kem-v1")));
  EXPECT_EQ(to_hex(keys.sk_sig), "cbd4017c67373bff8aeceb5aab8e51df625958d46c6115da6adfea524f0b833a");
  EXPECT_EQ(to_hex(keys.sk_kem), "0779826d54b1c175d21af718b5ba7203094be469ea03cf29ba12ed0d7f1a6ba1");
  EXPECT_EQ(to_hex(keys.pk_sig), "627fdb72e1f7226cd5b56c10760598081801e55d57cbbdbd36f9f11d4b944632");
  EXPECT_EQ(to_hex(keys.pk_kem), "e5e4a4b179ad0ed9402443d496cecfa64f1b4c5ec27b50b1b13f76c536f45076");
}

TEST(TaKeys, UdsMustBe32Bytes) {
  try {
    derive_ta_keys(Bytes(16));
    FAIL() << "16-byte UDS accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "UDS: is 16 bytes, expected 32");
  }
}

}  // namespace
}  // namespace tame
