// X25519 against RFC 7748 section 6.1 and every Wycheproof X25519 case. The model refuses
// exactly the all-zero results (RFC 9180 7.1.4) and accepts every other public key,
// twist and non-canonical ones included, as RFC 7748 allows.
#include <algorithm>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "tame/x25519.hpp"
#include "test_support.hpp"

namespace tame {
namespace {

using nlohmann::json;
using test::hex;

TEST(X25519, Rfc7748Section6_1) {
  const X25519Key alice(hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
  const X25519Key bob(hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
  EXPECT_EQ(to_hex(alice.public_key()),
            "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  EXPECT_EQ(to_hex(bob.public_key()),
            "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  const char* shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
  EXPECT_EQ(to_hex(alice.dh(bob.public_key())), shared);
  EXPECT_EQ(to_hex(bob.dh(alice.public_key())), shared);
}

TEST(X25519, Wycheproof) {
  json doc;
  ASSERT_TRUE(test::load_vectors("x25519_test.json", doc));
  int valid = 0, acceptable = 0, zero_refused = 0, total = 0;
  for (const json& group : doc.at("testGroups")) {
    ASSERT_EQ(group.at("curve"), "curve25519");
    for (const json& t : group.at("tests")) {
      SCOPED_TRACE(fmt::format("tcId {} ({})", t.at("tcId").get<int>(),
                               t.at("comment").get<std::string>()));
      ++total;
      const Bytes priv = hex(t.at("private").get<std::string>());
      const Bytes pub = hex(t.at("public").get<std::string>());
      const Bytes shared = hex(t.at("shared").get<std::string>());
      const std::string result = t.at("result");
      const bool zero = std::all_of(shared.begin(), shared.end(), [](auto b) { return b == 0; });

      std::string error;
      Bytes32 got{};
      try {
        got = X25519Key(priv).dh(pub);
      } catch (const Error& e) {
        error = e.what();
      }
      if (zero) {
        // Wycheproof calls these acceptable; RFC 9180 and the spec require the refusal.
        EXPECT_TRUE(error.starts_with("X25519 shared secret: all zero")) << "got: " << error;
        ++zero_refused;
      } else if (result == "valid" || result == "acceptable") {
        EXPECT_EQ(error, "");
        EXPECT_EQ(to_hex(got), to_hex(shared));
        ++(result == "valid" ? valid : acceptable);
      } else {
        ASSERT_EQ(result, "invalid");
        EXPECT_NE(error, "");
      }
    }
  }
  std::cout << fmt::format("X25519 Wycheproof: {} cases; {} valid and {} acceptable accepted "
                           "with the expected secret, {} all-zero results refused\n",
                           total, valid, acceptable, zero_refused);
  EXPECT_EQ(total, doc.at("numberOfTests").get<int>());
  EXPECT_GT(zero_refused, 0);
}

// The public key OpenSSL makes from the same private bytes, and DH symmetry.
TEST(X25519, AgreesWithOpensslOnRandomKeys) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 20; ++i) {
    const Bytes ska = test::random_bytes(rng, 32), skb = test::random_bytes(rng, 32);
    const X25519Key a(ska), b(skb);
    const PkeyPtr ossl{EVP_PKEY_new_raw_private_key(EVP_PKEY_X25519, nullptr, ska.data(), 32)};
    ASSERT_TRUE(ossl);
    Bytes32 pub;
    std::size_t len = pub.size();
    ASSERT_EQ(EVP_PKEY_get_raw_public_key(ossl.get(), pub.data(), &len), 1);
    EXPECT_EQ(pub, a.public_key());
    EXPECT_EQ(a.dh(b.public_key()), b.dh(a.public_key()));
  }
  const X25519Key g1 = X25519Key::generate(), g2 = X25519Key::generate();
  EXPECT_NE(g1.public_key(), g2.public_key());
  EXPECT_EQ(g1.dh(g2.public_key()), g2.dh(g1.public_key()));
}

TEST(X25519, ZeroSharedSecretAndSizesAreNamed) {
  const X25519Key key(Bytes(32, 0x42));
  try {
    key.dh(Bytes(32, 0));  // the point of order 1 (u = 0)
    FAIL() << "all-zero shared secret accepted";
  } catch (const Error& e) {
    EXPECT_TRUE(std::string_view(e.what()).starts_with("X25519 shared secret: all zero"))
        << e.what();
  }
  EXPECT_THROW(X25519Key(Bytes(31)), Error);
  try {
    key.dh(Bytes(33));
    FAIL() << "33-byte public key accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "X25519 public key: is 33 bytes, expected 32");
  }
}

}  // namespace
}  // namespace tame
