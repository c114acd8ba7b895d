// Ed25519 against RFC 8032 section 7.1 known answers, every Wycheproof Ed25519 verify
// case, and round trips with keys made by OpenSSL directly from the same seed.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "tame/sig.hpp"
#include "test_support.hpp"

namespace tame {
namespace {

using nlohmann::json;
using test::hex;

struct Rfc8032Case {
  const char* name;
  const char* seed;
  const char* pub;
  const char* msg;
  const char* sig;
};
constexpr Rfc8032Case kRfc8032[] = {
    {"TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701c"
     "f9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0"
     "f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
};

TEST(Ed25519, Rfc8032KnownAnswers) {
  for (const Rfc8032Case& c : kRfc8032) {
    SCOPED_TRACE(c.name);
    const Ed25519Key key(hex(c.seed));
    EXPECT_EQ(to_hex(key.public_key()), c.pub);
    const Bytes msg = hex(c.msg);
    const Bytes64 sig = key.sign(msg);
    EXPECT_EQ(to_hex(sig), c.sig);
    EXPECT_TRUE(ed25519_verify(key.public_key(), msg, sig));
  }
}

TEST(Ed25519, WycheproofVerify) {
  json doc;
  ASSERT_TRUE(test::load_vectors("ed25519_test.json", doc));
  int valid = 0, invalid = 0;
  for (const json& group : doc.at("testGroups")) {
    const Bytes pub = hex(group.at("publicKey").at("pk").get<std::string>());
    for (const json& t : group.at("tests")) {
      SCOPED_TRACE(fmt::format("tcId {} ({})", t.at("tcId").get<int>(),
                               t.at("comment").get<std::string>()));
      const Bytes msg = hex(t.at("msg").get<std::string>());
      const Bytes sig = hex(t.at("sig").get<std::string>());
      const std::string result = t.at("result");
      ASSERT_TRUE(result == "valid" || result == "invalid") << result;
      EXPECT_EQ(ed25519_verify(pub, msg, sig), result == "valid");
      ++(result == "valid" ? valid : invalid);
    }
  }
  std::cout << fmt::format("Ed25519 Wycheproof: {} valid, {} invalid\n", valid, invalid);
  EXPECT_EQ(valid + invalid, doc.at("numberOfTests").get<int>());
}

// OpenSSL's own key from the same seed: the same public key, and each side verifies the
// other's signature.
TEST(Ed25519, AgreesWithOpensslOnRandomSeeds) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 20; ++i) {
    const Bytes sk = test::random_bytes(rng, 32);
    const Bytes msg = test::random_bytes(rng, rng() % 300);
    const Ed25519Key key(sk);

    const PkeyPtr ossl{EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, sk.data(), 32)};
    ASSERT_TRUE(ossl);
    Bytes32 pub;
    std::size_t len = pub.size();
    ASSERT_EQ(EVP_PKEY_get_raw_public_key(ossl.get(), pub.data(), &len), 1);
    EXPECT_EQ(pub, key.public_key());

    const MdCtxPtr ctx{EVP_MD_CTX_new()};
    ASSERT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, ossl.get()), 1);
    Bytes64 ossl_sig;
    len = ossl_sig.size();
    ASSERT_EQ(EVP_DigestSign(ctx.get(), ossl_sig.data(), &len, msg.data(), msg.size()), 1);
    const Bytes64 sig = key.sign(msg);
    EXPECT_EQ(sig, ossl_sig);  // Ed25519 signatures are deterministic
    EXPECT_TRUE(ed25519_verify(pub, msg, ossl_sig));

    Bytes64 bad = sig;
    bad[rng() % bad.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    EXPECT_FALSE(ed25519_verify(pub, msg, bad));
    if (!msg.empty()) {
      Bytes other = msg;
      other[rng() % other.size()] ^= 0x01;
      EXPECT_FALSE(ed25519_verify(pub, other, sig));
    }
  }
}

TEST(Ed25519, SizesAreChecked) {
  EXPECT_THROW(Ed25519Key(Bytes(31)), Error);
  try {
    Ed25519Key key(Bytes(33));
    FAIL() << "33-byte seed accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "Ed25519 private key: is 33 bytes, expected 32");
  }
  const Ed25519Key key(Bytes(32, 7));
  const Bytes64 sig = key.sign(text_bytes("m"));
  EXPECT_FALSE(ed25519_verify(key.public_key(), text_bytes("m"), std::span(sig).first(63)));
  Bytes longer(sig.begin(), sig.end());
  longer.push_back(0);
  EXPECT_FALSE(ed25519_verify(key.public_key(), text_bytes("m"), longer));
  EXPECT_THROW(ed25519_verify(Bytes(31), text_bytes("m"), sig), Error);
}

}  // namespace
}  // namespace tame
