// AES-GCM against every Wycheproof case the model's API covers (12-byte IV, 16-byte
// tag, AES-128 and AES-256); other IV and key sizes are counted as skipped.
#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tame/aead.hpp"
#include "test_support.hpp"

namespace tame {
namespace {

using nlohmann::json;
using test::hex;

TEST(AesGcm, Wycheproof) {
  json doc;
  ASSERT_TRUE(test::load_vectors("aes_gcm_test.json", doc));
  std::map<std::string, int> ran;
  int skipped = 0;
  for (const json& group : doc.at("testGroups")) {
    const int key_bits = group.at("keySize"), iv_bits = group.at("ivSize"),
              tag_bits = group.at("tagSize");
    if (iv_bits != 96 || tag_bits != 128 || (key_bits != 128 && key_bits != 256)) {
      skipped += static_cast<int>(group.at("tests").size());
      continue;
    }
    for (const json& t : group.at("tests")) {
      SCOPED_TRACE(fmt::format("tcId {} ({})", t.at("tcId").get<int>(),
                               t.at("comment").get<std::string>()));
      const AesGcm gcm(hex(t.at("key").get<std::string>()));
      const Bytes iv = hex(t.at("iv").get<std::string>());
      const Bytes aad = hex(t.at("aad").get<std::string>());
      const Bytes msg = hex(t.at("msg").get<std::string>());
      const std::string ct_tag = t.at("ct").get<std::string>() + t.at("tag").get<std::string>();
      const std::string result = t.at("result");
      const std::optional<Bytes> opened = gcm.open(iv, aad, hex(ct_tag));
      if (result == "valid") {
        EXPECT_EQ(to_hex(gcm.seal(iv, aad, msg)), ct_tag);
        ASSERT_TRUE(opened.has_value());
        EXPECT_EQ(to_hex(*opened), to_hex(msg));
      } else {
        ASSERT_EQ(result, "invalid");
        EXPECT_FALSE(opened.has_value());
      }
      ++ran[fmt::format("{}/{}", result, key_bits)];
    }
  }
  std::cout << fmt::format("AES-GCM Wycheproof (96-bit IV): valid/128 {} valid/256 {} "
                           "invalid/128 {} invalid/256 {}; skipped (other IV or key sizes) {}\n",
                           ran["valid/128"], ran["valid/256"], ran["invalid/128"],
                           ran["invalid/256"], skipped);
  for (const char* kind : {"valid/128", "valid/256", "invalid/128", "invalid/256"}) {
    EXPECT_GT(ran[kind], 0) << "no " << kind << " case ran";
  }
}

TEST(AesGcm, RejectsBadSizesAndTampering) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  const AesGcm gcm(test::random_bytes(rng, 16));
  const Bytes iv = test::random_bytes(rng, 12), aad = test::random_bytes(rng, 20);
  const Bytes pt = test::random_bytes(rng, 45);
  EXPECT_THROW(gcm.seal(Bytes(8), aad, pt), Error);
  EXPECT_THROW(AesGcm(Bytes(24)), Error);
  const Bytes ct = gcm.seal(iv, aad, pt);
  ASSERT_EQ(ct.size(), pt.size() + kGcmTagSize);
  EXPECT_EQ(gcm.open(iv, aad, ct), pt);
  EXPECT_FALSE(gcm.open(iv, aad, std::span(ct).first(15)).has_value());
  for (int i = 0; i < 20; ++i) {
    Bytes bad = ct;
    bad[rng() % bad.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
    EXPECT_FALSE(gcm.open(iv, aad, bad).has_value());
    Bytes bad_aad = aad;
    bad_aad[rng() % bad_aad.size()] ^= 0x80;
    EXPECT_FALSE(gcm.open(iv, bad_aad, ct).has_value());
  }
  // Empty plaintext and AAD: a bare tag.
  const Bytes tag_only = gcm.seal(iv, {}, {});
  EXPECT_EQ(tag_only.size(), kGcmTagSize);
  EXPECT_EQ(gcm.open(iv, {}, tag_only), Bytes{});
}

}  // namespace
}  // namespace tame
