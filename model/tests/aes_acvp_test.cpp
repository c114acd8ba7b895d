// Every AES-128/256 ECB and CTR functional test (AFT) of the NIST ACVP files.
// The design has no AES-192 and no inverse cipher: 192-bit groups and Monte Carlo
// tests are skipped and counted. An ECB decrypt case states D(ct) == pt, which is
// checked as encrypt(pt) == ct (encrypt(ct) is unrelated to pt); a CTR decrypt case
// is CTR over ct == pt, the same operation as encryption.
#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace tame {
namespace {

using test::hex;
using nlohmann::json;

TEST(AesAcvp, EcbFunctionalTests) {
  json doc;
  ASSERT_TRUE(test::load_vectors("aes_ecb_acvp.json", doc));
  std::map<std::string, int> ran;  // "encrypt/128" -> cases
  int skipped_mct = 0, skipped_192 = 0;
  for (const json& group : doc.at("testGroups")) {
    const int key_bits = group.at("keyLen");
    const std::string dir = group.at("direction");
    const int ncases = static_cast<int>(group.at("tests").size());
    if (group.at("testType") != "AFT") {
      skipped_mct += ncases;
      continue;
    }
    if (key_bits == 192) {
      skipped_192 += ncases;
      continue;
    }
    ASSERT_TRUE(key_bits == 128 || key_bits == 256) << "keyLen " << key_bits;
    ASSERT_TRUE(dir == "encrypt" || dir == "decrypt") << "direction " << dir;
    for (const json& t : group.at("tests")) {
      SCOPED_TRACE(fmt::format("tgId {} tcId {}", group.at("tgId").get<int>(),
                               t.at("tcId").get<int>()));
      const Bytes key = hex(t.at("key").get<std::string>());
      const Bytes pt = hex(t.at("pt").get<std::string>());
      const Bytes ct = hex(t.at("ct").get<std::string>());
      ASSERT_EQ(key.size() * 8, static_cast<std::size_t>(key_bits));
      ASSERT_EQ(pt.size(), ct.size());
      // Both directions state the same permutation pair: E(pt) == ct.
      Bytes out(pt.size());
      AesEcb(key).encrypt_blocks(pt, out);
      EXPECT_EQ(to_hex(out), to_hex(ct));
      ++ran[fmt::format("{}/{}", dir, key_bits)];
    }
  }
  std::cout << fmt::format("ECB AFT cases: encrypt/128 {} encrypt/256 {} decrypt/128 {} "
                           "decrypt/256 {}; skipped MCT {}, AES-192 {}\n",
                           ran["encrypt/128"], ran["encrypt/256"], ran["decrypt/128"],
                           ran["decrypt/256"], skipped_mct, skipped_192);
  for (const char* kind : {"encrypt/128", "encrypt/256", "decrypt/128", "decrypt/256"}) {
    EXPECT_GT(ran[kind], 0) << "no " << kind << " case ran";
  }
}

TEST(AesAcvp, CtrFunctionalTests) {
  json doc;
  ASSERT_TRUE(test::load_vectors("aes_ctr_acvp.json", doc));
  std::map<std::string, int> ran;
  int partial_byte = 0, skipped_192 = 0;
  for (const json& group : doc.at("testGroups")) {
    const int key_bits = group.at("keyLen");
    const std::string dir = group.at("direction");
    if (key_bits == 192) {
      skipped_192 += static_cast<int>(group.at("tests").size());
      continue;
    }
    ASSERT_EQ(group.at("testType"), "AFT");
    ASSERT_TRUE(key_bits == 128 || key_bits == 256) << "keyLen " << key_bits;
    ASSERT_TRUE(dir == "encrypt" || dir == "decrypt") << "direction " << dir;
    for (const json& t : group.at("tests")) {
      SCOPED_TRACE(fmt::format("tgId {} tcId {}", group.at("tgId").get<int>(),
                               t.at("tcId").get<int>()));
      const Bytes key = hex(t.at("key").get<std::string>());
      const Block iv = test::block(t.at("iv").get<std::string>());
      const Bytes pt = hex(t.at("pt").get<std::string>());
      const Bytes ct = hex(t.at("ct").get<std::string>());
      const std::size_t bits = t.at("payloadLen");
      ASSERT_EQ(key.size() * 8, static_cast<std::size_t>(key_bits));
      ASSERT_EQ(pt.size(), (bits + 7) / 8);
      ASSERT_EQ(ct.size(), pt.size());
      const Bytes& in = dir == "encrypt" ? pt : ct;
      Bytes expected = dir == "encrypt" ? ct : pt;
      Bytes out(in.size());
      AesCtr(key, iv).process(in, out);
      // A payload of n bits is the first n bits, most significant first: the low
      // bits of the last byte are not part of it, so both sides drop them.
      if (const std::size_t rem = bits % 8; rem != 0) {
        const auto mask = static_cast<std::uint8_t>(0xff << (8 - rem));
        out.back() &= mask;
        expected.back() &= mask;
        ++partial_byte;
      }
      EXPECT_EQ(to_hex(out), to_hex(expected));
      ++ran[fmt::format("{}/{}", dir, key_bits)];
    }
  }
  std::cout << fmt::format("CTR AFT cases: encrypt/128 {} encrypt/256 {} decrypt/128 {} "
                           "decrypt/256 {}; of them {} end inside a byte (compared on "
                           "their payload bits); skipped AES-192 {}\n",
                           ran["encrypt/128"], ran["encrypt/256"], ran["decrypt/128"],
                           ran["decrypt/256"], partial_byte, skipped_192);
  for (const char* kind : {"encrypt/128", "encrypt/256", "decrypt/128", "decrypt/256"}) {
    EXPECT_GT(ran[kind], 0) << "no " << kind << " case ran";
  }
}

}  // namespace
}  // namespace tame
