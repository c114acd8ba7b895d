// SHA-256 and HKDF-SHA256 against FIPS 180 and RFC 5869 known answers, every Wycheproof
// HKDF-SHA256 case (one-shot and extract-then-expand), and OpenSSL's HMAC called directly.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "tame/kdf.hpp"
#include "test_support.hpp"

namespace tame {
namespace {

using nlohmann::json;
using test::hex;

TEST(Sha256, Fips180KnownAnswers) {
  EXPECT_EQ(to_hex(sha256(text_bytes("abc"))),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(to_hex(sha256({})),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

// RFC 5869 appendix A.1.
TEST(Hkdf, Rfc5869TestCase1) {
  const Bytes ikm = hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
  const Bytes salt = hex("000102030405060708090a0b0c");
  const Bytes info = hex("f0f1f2f3f4f5f6f7f8f9");
  const Bytes32 prk = hkdf_extract(salt, ikm);
  EXPECT_EQ(to_hex(prk), "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
  const char* okm =
      "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865";
  EXPECT_EQ(to_hex(hkdf_expand(prk, info, 42)), okm);
  EXPECT_EQ(to_hex(hkdf_sha256(salt, ikm, info, 42)), okm);
}

TEST(Hkdf, WycheproofHkdfSha256) {
  json doc;
  ASSERT_TRUE(test::load_vectors("hkdf_sha256_test.json", doc));
  int valid = 0, invalid = 0;
  for (const json& group : doc.at("testGroups")) {
    for (const json& t : group.at("tests")) {
      SCOPED_TRACE(fmt::format("tcId {} ({})", t.at("tcId").get<int>(),
                               t.at("comment").get<std::string>()));
      const Bytes ikm = hex(t.at("ikm").get<std::string>());
      const Bytes salt = hex(t.at("salt").get<std::string>());
      const Bytes info = hex(t.at("info").get<std::string>());
      const std::size_t size = t.at("size");
      const std::string result = t.at("result");
      if (result == "valid") {
        const std::string okm = t.at("okm");
        EXPECT_EQ(to_hex(hkdf_sha256(salt, ikm, info, size)), okm);
        EXPECT_EQ(to_hex(hkdf_expand(hkdf_extract(salt, ikm), info, size)), okm);
        ++valid;
      } else {
        ASSERT_EQ(result, "invalid");
        EXPECT_THROW(hkdf_sha256(salt, ikm, info, size), Error);
        EXPECT_THROW(hkdf_expand(hkdf_extract(salt, ikm), info, size), Error);
        ++invalid;
      }
    }
  }
  std::cout << fmt::format("HKDF-SHA256 Wycheproof: {} valid, {} invalid\n", valid, invalid);
  EXPECT_EQ(valid + invalid, doc.at("numberOfTests").get<int>());
  EXPECT_GT(invalid, 0);
}

TEST(Hkdf, OutputLimitsAreNamed) {
  const Bytes32 prk{};
  EXPECT_EQ(hkdf_expand(prk, {}, kHkdfSha256MaxOutput).size(), kHkdfSha256MaxOutput);
  try {
    hkdf_expand(prk, {}, kHkdfSha256MaxOutput + 1);
    FAIL() << "8161 bytes accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "HKDF-SHA256: output length 8161 exceeds 255 * 32 = 8160 bytes (RFC 5869 2.3)");
  }
  EXPECT_TRUE(hkdf_expand(prk, {}, 0).empty());
}

// Expand's first block is HMAC(PRK, info || 0x01): checked against OpenSSL's HMAC up to
// the longest info OpenSSL 3.0's HKDF takes (32 KiB); one byte more is refused by name.
TEST(Hkdf, ExpandMatchesHmacUpToTheInfoLimit) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  const Bytes prk = test::random_bytes(rng, 32);
  for (std::size_t info_len : {std::size_t{0}, std::size_t{1}, std::size_t{77}, kHkdfMaxInfo}) {
    Bytes msg = test::random_bytes(rng, info_len);
    const Bytes info = msg;
    msg.push_back(0x01);
    std::uint8_t mac[32];
    std::size_t mac_len = 0;
    ASSERT_NE(EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, prk.data(), prk.size(),
                        msg.data(), msg.size(), mac, sizeof mac, &mac_len),
              nullptr);
    EXPECT_EQ(to_hex(hkdf_expand(prk, info, 32)), to_hex(std::span(mac, mac_len)))
        << "info of " << info_len << " bytes";
  }
  EXPECT_THROW(hkdf_expand(prk, Bytes(kHkdfMaxInfo + 1), 32), Error);
}

}  // namespace
}  // namespace tame
