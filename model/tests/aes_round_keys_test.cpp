// expand_round_keys against FIPS-197 appendix A, and in use: a plain software AES
// (FIPS-197 section 5.1, written here) fed with those round keys must equal OpenSSL.
// That is what makes the round keys trustworthy as references for the RTL.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace tame {
namespace {

using test::block;
using test::hex;

std::uint8_t xtime(std::uint8_t a) {
  return static_cast<std::uint8_t>((a << 1) ^ ((a & 0x80) ? 0x1b : 0x00));
}

// State byte i is row i % 4, column i / 4 (FIPS-197 3.4): the input order.
Block reference_encrypt(const std::vector<Block>& round_keys, const Block& in) {
  Block s = in;
  const auto add_round_key = [&](const Block& rk) {
    for (int i = 0; i < 16; ++i) s[i] ^= rk[i];
  };
  const std::size_t nr = round_keys.size() - 1;
  add_round_key(round_keys[0]);
  for (std::size_t round = 1; round <= nr; ++round) {
    for (auto& b : s) b = aes_sbox(b);  // SubBytes
    Block t;                            // ShiftRows: row r moves left by r columns
    for (int c = 0; c < 4; ++c) {
      for (int r = 0; r < 4; ++r) t[r + 4 * c] = s[r + 4 * ((c + r) % 4)];
    }
    s = t;
    if (round != nr) {  // MixColumns, skipped in the last round
      for (int c = 0; c < 4; ++c) {
        std::uint8_t* a = &s[4 * c];
        const std::uint8_t all = a[0] ^ a[1] ^ a[2] ^ a[3], a0 = a[0];
        // 2a_r ^ 3a_{r+1} ^ a_{r+2} ^ a_{r+3} = a_r ^ all ^ 2(a_r ^ a_{r+1})
        a[0] ^= all ^ xtime(a[0] ^ a[1]);
        a[1] ^= all ^ xtime(a[1] ^ a[2]);
        a[2] ^= all ^ xtime(a[2] ^ a[3]);
        a[3] ^= all ^ xtime(a[3] ^ a0);
      }
    }
    add_round_key(round_keys[round]);
  }
  return s;
}

TEST(AesSbox, KnownEntriesAndPermutation) {
  EXPECT_EQ(aes_sbox(0x00), 0x63);
  EXPECT_EQ(aes_sbox(0x01), 0x7c);
  EXPECT_EQ(aes_sbox(0x53), 0xed);  // FIPS-197 5.1.1 example
  EXPECT_EQ(aes_sbox(0xff), 0x16);
  std::array<bool, 256> seen{};
  for (int x = 0; x < 256; ++x) seen[aes_sbox(static_cast<std::uint8_t>(x))] = true;
  EXPECT_TRUE(std::all_of(seen.begin(), seen.end(), [](bool b) { return b; }));
}

// FIPS-197 appendix A.1: AES-128 key expansion.
TEST(ExpandRoundKeys, Fips197A1) {
  const auto rk = expand_round_keys(hex("2b7e151628aed2a6abf7158809cf4f3c"));
  ASSERT_EQ(rk.size(), 11u);
  EXPECT_EQ(to_hex(rk[0]), "2b7e151628aed2a6abf7158809cf4f3c");
  EXPECT_EQ(to_hex(rk[1]), "a0fafe1788542cb123a339392a6c7605");
  EXPECT_EQ(to_hex(rk[2]), "f2c295f27a96b9435935807a7359f67f");
  EXPECT_EQ(to_hex(rk[10]), "d014f9a8c9ee2589e13f0cc8b6630ca6");
}

// FIPS-197 appendix A.3: AES-256 key expansion.
TEST(ExpandRoundKeys, Fips197A3) {
  const auto rk = expand_round_keys(
      hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"));
  ASSERT_EQ(rk.size(), 15u);
  EXPECT_EQ(to_hex(rk[0]), "603deb1015ca71be2b73aef0857d7781");
  EXPECT_EQ(to_hex(rk[1]), "1f352c073b6108d72d9810a30914dff4");
  EXPECT_EQ(to_hex(rk[2]), "9ba354118e6925afa51a8b5f2067fcde");
  EXPECT_EQ(to_hex(rk[3]), "a8b09c1a93d194cdbe49846eb75d5b9a");
  EXPECT_EQ(to_hex(rk[14]), "fe4890d1e6188d0b046df344706c631e");
}

TEST(ExpandRoundKeys, RejectsAes192AndOddSizes) {
  for (std::size_t len : {0, 15, 24, 33}) {
    EXPECT_THROW(expand_round_keys(Bytes(len)), Error) << len << " bytes";
  }
}

// The reference cipher itself against FIPS-197 appendix C.
TEST(ExpandRoundKeys, ReferenceAesMatchesFips197AppendixC) {
  const Block pt = block("00112233445566778899aabbccddeeff");
  EXPECT_EQ(to_hex(reference_encrypt(expand_round_keys(hex("000102030405060708090a0b0c0d0e0f")), pt)),
            "69c4e0d86a7b0430d8cdb78070b4c55a");
  EXPECT_EQ(to_hex(reference_encrypt(
                expand_round_keys(hex("000102030405060708090a0b0c0d0e0f"
                                      "101112131415161718191a1b1c1d1e1f")),
                pt)),
            "8ea2b7ca516745bfeafc49904b496089");
}

TEST(ExpandRoundKeys, DriveAnAesThatMatchesOpenSsl) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  for (std::size_t key_len : {16, 32}) {
    for (int i = 0; i < 200; ++i) {
      const Bytes key = test::random_bytes(rng, key_len);
      const Block pt = test::random_block(rng);
      SCOPED_TRACE(fmt::format("key {} pt {}", to_hex(key), to_hex(pt)));
      const AesEcb aes(key);
      ASSERT_EQ(to_hex(reference_encrypt(expand_round_keys(key), pt)), to_hex(aes.encrypt(pt)));
    }
  }
}

}  // namespace
}  // namespace tame
