// The memory line reference against spec section 3: every line equals OpenSSL's AES-CTR
// from IV nonce || BE56(A >> 6) || 00, the address and nonce are bound, and crypt_lines
// runs a file as `tame-sim line` does (line i at address + i with nonce + i).
#include <algorithm>
#include <limits>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "line_support.hpp"
#include "tame/line_crypt.hpp"
#include "test_support.hpp"

namespace tame {
namespace {

constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t kLastDramLine = (std::uint64_t{1} << 42) - 1;  // A = 2^48 - 64

Line to_line(std::span<const std::uint8_t> bytes) {
  Line out{};
  std::copy(bytes.begin(), bytes.end(), out.begin());
  return out;
}

Line crypt_line(const LineCrypt& lc, std::uint64_t nonce, std::uint64_t line_addr,
                std::span<const std::uint8_t> in) {
  Line out{};
  lc.crypt(nonce, line_addr, in, out);
  return out;
}

TEST(LineCounterBlock, NonceThenBe56AddressThenBlockByte) {
  EXPECT_EQ(to_hex(line_counter_block(0x0102030405060708ULL, 0x11121314151617ULL, 3)),
            "01020304050607081112131415161703");
  EXPECT_EQ(to_hex(line_counter_block(kMax64, kMaxLineAddr, 0)),
            "ffffffffffffffffffffffffffffff00");
  EXPECT_EQ(to_hex(line_counter_block(0, 0, 1)), "00000000000000000000000000000001");
  // A = 0x123456789ac0 gives line address 0x48d159e26b.
  EXPECT_EQ(to_hex(line_counter_block(1, 0x123456789ac0ULL >> 6, 2)),
            "0000000000000001000048d159e26b02");
}

TEST(LineCounterBlock, RejectsWideAddressAndBlockOutsideTheLine) {
  const std::string msg = test::error_message([] { line_counter_block(0, kMaxLineAddr + 1, 0); });
  EXPECT_NE(msg.find("line address"), std::string::npos) << msg;
  EXPECT_THROW(line_counter_block(0, kMax64, 0), Error);
  const std::string block_msg = test::error_message([] { line_counter_block(0, 0, 4); });
  EXPECT_NE(block_msg.find("block"), std::string::npos) << block_msg;
  for (unsigned b = 0; b < 4; ++b) EXPECT_NO_THROW(line_counter_block(0, kMaxLineAddr, b));
}

// Computed once with the openssl command of spec section 3 over the bytes 00..3f:
//   openssl enc -aes-256-ctr -K <key> -iv <nonce><BE56(A>>6)>00 -nopad
TEST(LineCrypt, KnownAnswersFromOpensslEnc) {
  Bytes plain(64);
  for (std::size_t i = 0; i < plain.size(); ++i) plain[i] = static_cast<std::uint8_t>(i);
  struct Case {
    const char* key;
    std::uint64_t nonce, line_addr;
    const char* ct;
  };
  const Case cases[] = {
      {"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
       0xfedcba9876543210ULL, 0x123456789ac0ULL >> 6,
       "8937cceff87c0a48c9263723c51d0c9f75e9720a8b9b0f65d4bb5a02f29d9cfa"
       "d9a436f2d6cd3ac3fa08a0b9e9e5d49bb8b2495ab5343f89c4a15fe2fd7bf650"},
      {"2b7e151628aed2a6abf7158809cf4f3c", kMax64, kLastDramLine,
       "5acc93911892beff1b8c3387cd8e769b784fbc17446ae4f58581eb490c8dbf6f"
       "9d4e7db839843cfe1e4cd7eb2676450b3d541d18a832a0ecd03f484280a55803"},
      {"603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4", 0, kMaxLineAddr,
       "0000af96b735a9ef02bc3412eb5f1a6a6d3b2262e1e38576863c38743aed39a0"
       "9bbbce9a17a1689e39441293e7d7aea51c8a3e55eeefd59e9afff659d25fa61a"},
  };
  for (const Case& c : cases) {
    const Bytes key = test::hex(c.key);
    SCOPED_TRACE(fmt::format("key {} nonce {:016x} line {:x}", c.key, c.nonce, c.line_addr));
    EXPECT_EQ(to_hex(crypt_line(LineCrypt(key), c.nonce, c.line_addr, plain)), c.ct);
    EXPECT_EQ(to_hex(test::openssl_line_ctr(key, c.nonce, c.line_addr, plain)), c.ct);
  }
}

TEST(LineCrypt, MatchesOpensslCtrForRandomKeysNoncesAndAddresses) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  const std::uint64_t edge_nonces[] = {0, 1, kMax64 - 1, kMax64};
  const std::uint64_t edge_lines[] = {0, 1, kLastDramLine - 1, kLastDramLine,
                                      kLastDramLine + 1, kMaxLineAddr - 1, kMaxLineAddr};
  for (int trial = 0; trial < 400; ++trial) {
    const Bytes key = test::random_bytes(rng, trial % 2 ? 32 : 16);
    const std::uint64_t nonce = trial % 5 == 0 ? edge_nonces[rng() % 4] : rng();
    const std::uint64_t line_addr =
        trial % 3 == 0 ? edge_lines[rng() % 7]
                       : (trial % 3 == 1 ? rng() % (kLastDramLine + 1) : rng() & kMaxLineAddr);
    const Bytes plain = test::random_bytes(rng, kLineSize);
    SCOPED_TRACE(fmt::format("trial {} key {} nonce {:016x} line {:x}", trial, to_hex(key),
                             nonce, line_addr));
    const Line expected = test::openssl_line_ctr(key, nonce, line_addr, plain);
    ASSERT_EQ(to_hex(crypt_line(LineCrypt(key), nonce, line_addr, plain)), to_hex(expected));

    // Each block b on its own: AES of the spec's counter block, XORed in.
    const AesEcb ecb(key);
    for (unsigned b = 0; b < kBlocksPerLine; ++b) {
      const Block ks = ecb.encrypt(line_counter_block(nonce, line_addr, b));
      for (std::size_t k = 0; k < kAesBlockSize; ++k) {
        ASSERT_EQ(expected[16 * b + k], plain[16 * b + k] ^ ks[k]) << "block " << b;
      }
    }
  }
}

TEST(LineCrypt, AddressNonceAndKeyAreBound) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 100; ++trial) {
    const Bytes key = test::random_bytes(rng, 32), other_key = test::random_bytes(rng, 32);
    const LineCrypt lc(key), other(other_key);
    const std::uint64_t nonce = rng(), line_addr = rng() % (kLastDramLine + 1);
    const Bytes plain = test::random_bytes(rng, kLineSize);
    const Line ct = crypt_line(lc, nonce, line_addr, plain);
    const Line p = to_line(plain);
    SCOPED_TRACE(fmt::format("trial {} nonce {:016x} line {:x}", trial, nonce, line_addr));
    ASSERT_EQ(crypt_line(lc, nonce, line_addr, ct), p);

    // The ciphertext and its nonce moved to another address.
    const std::uint64_t moved = (line_addr + 1 + rng() % kLastDramLine) % (kLastDramLine + 1);
    ASSERT_NE(moved, line_addr);
    EXPECT_NE(crypt_line(lc, nonce, moved, ct), p) << "moved to " << moved;
    EXPECT_NE(crypt_line(lc, nonce, line_addr ^ 1, ct), p);  // the neighbouring line
    // Another line's nonce, at the right address.
    EXPECT_NE(crypt_line(lc, nonce + 1 + rng() % 1000, line_addr, ct), p);
    // Another VM's key.
    EXPECT_NE(crypt_line(other, nonce, line_addr, ct), p);
    // The ciphertext is not the plaintext.
    EXPECT_NE(ct, p);
  }
}

TEST(LineCrypt, CryptTwiceIsIdentityAlsoInPlace) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 50; ++trial) {
    const LineCrypt lc(test::random_bytes(rng, trial % 2 ? 32 : 16));
    const std::uint64_t nonce = rng(), line_addr = rng() & kMaxLineAddr;
    const Bytes plain = test::random_bytes(rng, kLineSize);
    Bytes buf = plain;
    lc.crypt(nonce, line_addr, buf, buf);
    ASSERT_NE(buf, plain);
    lc.crypt(nonce, line_addr, buf, buf);
    ASSERT_EQ(buf, plain);
  }
}

TEST(LineCrypt, CryptLinesEqualsCryptLineByLine) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 20; ++trial) {
    const Bytes key = test::random_bytes(rng, trial % 2 ? 32 : 16);
    const LineCrypt lc(key);
    // Up to 300 lines, so runs cross the 128-line chunks inside crypt_lines.
    const std::size_t nlines = trial < 3 ? std::size_t{1} + 127 * trial : 1 + rng() % 300;
    const std::uint64_t first_nonce = trial == 5 ? kMax64 - (nlines - 1) : rng();
    const std::uint64_t first_line =
        trial == 6 ? kMaxLineAddr - (nlines - 1) : rng() % (kLastDramLine + 1 - nlines);
    const Bytes plain = test::random_bytes(rng, nlines * kLineSize);
    SCOPED_TRACE(fmt::format("trial {} lines {} nonce {:016x} line {:x}", trial, nlines,
                             first_nonce, first_line));

    Bytes whole(plain.size());
    lc.crypt_lines(first_nonce, first_line, plain, whole);
    for (std::size_t i = 0; i < nlines; ++i) {
      const auto in = std::span<const std::uint8_t>(plain).subspan(i * kLineSize, kLineSize);
      const Line one = crypt_line(lc, first_nonce + i, first_line + i, in);
      ASSERT_TRUE(std::equal(one.begin(), one.end(), whole.begin() + i * kLineSize))
          << "line " << i;
      if (i % 37 == 0) {  // and against OpenSSL directly, now and then
        ASSERT_EQ(one, test::openssl_line_ctr(key, first_nonce + i, first_line + i, in));
      }
    }
    Bytes in_place = plain;
    lc.crypt_lines(first_nonce, first_line, in_place, in_place);
    ASSERT_EQ(in_place, whole);
    lc.crypt_lines(first_nonce, first_line, in_place, in_place);
    ASSERT_EQ(in_place, plain);
  }
}

TEST(LineCrypt, RunNeverWrapsNonceOrAddress) {
  const LineCrypt lc(Bytes(32, 0x5a));
  Bytes two(2 * kLineSize), one(kLineSize), none;
  EXPECT_NO_THROW(lc.crypt_lines(kMax64 - 1, 0, two, two));
  EXPECT_NO_THROW(lc.crypt_lines(kMax64, 0, one, one));
  EXPECT_NE(test::error_message([&] { lc.crypt_lines(kMax64, 0, two, two); }).find("nonce"),
            std::string::npos);
  EXPECT_NO_THROW(lc.crypt_lines(0, kMaxLineAddr - 1, two, two));
  EXPECT_NE(test::error_message([&] { lc.crypt_lines(0, kMaxLineAddr, two, two); })
                .find("line address"),
            std::string::npos);
  EXPECT_NE(test::error_message([&] { lc.crypt(0, kMaxLineAddr + 1, one, one); })
                .find("line address"),
            std::string::npos);
  EXPECT_THROW(lc.crypt_lines(0, kMaxLineAddr + 1, one, one), Error);
  EXPECT_NO_THROW(lc.crypt_lines(kMax64, kMaxLineAddr, none, none));  // nothing to run
}

TEST(LineCrypt, RejectsBadSizesAndKeys) {
  const LineCrypt lc(Bytes(16));
  Bytes out(3 * kLineSize);
  EXPECT_THROW(lc.crypt(0, 0, Bytes(63), std::span(out).first(63)), Error);
  EXPECT_THROW(lc.crypt(0, 0, Bytes(64), std::span(out).first(63)), Error);
  EXPECT_THROW(lc.crypt(0, 0, Bytes(128), std::span(out).first(128)), Error);
  EXPECT_THROW(lc.crypt_lines(0, 0, Bytes(65), std::span(out).first(65)), Error);
  EXPECT_THROW(lc.crypt_lines(0, 0, Bytes(128), std::span(out).first(64)), Error);
  EXPECT_THROW(LineCrypt(Bytes(24)), Error);
  EXPECT_THROW(LineCrypt(Bytes{}), Error);
}

}  // namespace
}  // namespace tame
