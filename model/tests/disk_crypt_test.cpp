// The disk crypt reference against spec section 2: the whole payload is one AES-CTR
// stream from ctr_nonce || 0 (what `openssl enc -aes-*-ctr -iv <nonce>0000000000000000`
// gives), every page decrypts on its own, and block j of page p uses 256*p + j.
#include <algorithm>
#include <limits>
#include <numeric>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tame/disk_crypt.hpp"
#include "test_support.hpp"

namespace tame {
namespace {

constexpr std::uint64_t kMax64 = std::numeric_limits<std::uint64_t>::max();

TEST(CounterBlock, NonceThenIndexBigEndian) {
  EXPECT_EQ(to_hex(counter_block(0x0102030405060708ULL, 0x1112131415161718ULL)),
            "01020304050607081112131415161718");
  EXPECT_EQ(to_hex(counter_block(0, kMax64)), "0000000000000000ffffffffffffffff");
}

TEST(DiskCrypt, PayloadIsOneCtrStreamAndPagesStandAlone) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 20; ++trial) {
    const Bytes key = test::random_bytes(rng, trial % 2 ? 32 : 16);
    const std::uint64_t nonce = rng();
    const std::size_t pages = 1 + rng() % 8;
    const Bytes plain = test::random_bytes(rng, pages * kPageSize);
    SCOPED_TRACE(fmt::format("trial {} key {} nonce {:016x} pages {}", trial, to_hex(key),
                             nonce, pages));

    Bytes expected(plain.size());
    AesCtr(key, counter_block(nonce, 0)).process(plain, expected);

    const DiskCrypt disk(key, nonce);
    Bytes whole(plain.size());
    disk.crypt_blocks(0, plain, whole);
    ASSERT_EQ(to_hex(whole), to_hex(expected));

    // Each page decrypted on its own, in random order, gives the matching slice.
    std::vector<std::size_t> order(pages);
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), rng);
    for (std::size_t p : order) {
      const auto cipher_page = std::span<const std::uint8_t>(expected).subspan(p * kPageSize, kPageSize);
      Bytes page(kPageSize);
      disk.crypt_page(p, cipher_page, page);
      ASSERT_TRUE(std::equal(page.begin(), page.end(), plain.begin() + p * kPageSize))
          << "page " << p;
    }

    // An arbitrary block-aligned run inside the payload.
    const std::size_t nblocks = plain.size() / 16;
    const std::size_t first = rng() % nblocks;
    const std::size_t count = 1 + rng() % (nblocks - first);
    Bytes run(count * 16);
    disk.crypt_blocks(first, std::span(plain).subspan(first * 16, count * 16), run);
    EXPECT_EQ(to_hex(run), to_hex(std::span(expected).subspan(first * 16, count * 16)))
        << "blocks " << first << "+" << count;

    // Crypting twice is the identity, also in place.
    Bytes twice = whole;
    disk.crypt_blocks(0, twice, twice);
    EXPECT_EQ(twice, plain);
  }
}

// Spot checks against single-block AES, independent of EVP's counter handling.
TEST(DiskCrypt, BlockJOfPagePUsesIndex256pPlusJ) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  for (int trial = 0; trial < 50; ++trial) {
    const Bytes key = test::random_bytes(rng, trial % 2 ? 32 : 16);
    const std::uint64_t nonce = rng();
    const std::uint64_t p = rng() >> 8;  // any page whose indices fit in 64 bits
    const std::size_t j = rng() % kBlocksPerPage;
    const Bytes plain = test::random_bytes(rng, kPageSize);
    Bytes cipher(kPageSize);
    DiskCrypt(key, nonce).crypt_page(p, plain, cipher);
    const Block ks = AesEcb(key).encrypt(counter_block(nonce, 256 * p + j));
    for (std::size_t k = 0; k < 16; ++k) {
      ASSERT_EQ(cipher[16 * j + k], plain[16 * j + k] ^ ks[k])
          << fmt::format("nonce {:016x} page {} block {} byte {}", nonce, p, j, k);
    }
  }
}

TEST(DiskCrypt, IndexNeverWraps) {
  const Bytes key(32, 0x5a);
  const std::uint64_t nonce = 0x0123456789abcdefULL;
  const DiskCrypt disk(key, nonce);
  const AesEcb ecb(key);
  Bytes two(32, 0), one(16, 0);

  // The last two indices are fine, and the nonce half stays untouched.
  disk.crypt_blocks(kMax64 - 1, two, two);
  EXPECT_EQ(to_hex(std::span(two).first(16)), to_hex(ecb.encrypt(counter_block(nonce, kMax64 - 1))));
  EXPECT_EQ(to_hex(std::span(two).last(16)), to_hex(ecb.encrypt(counter_block(nonce, kMax64))));
  EXPECT_NO_THROW(disk.crypt_blocks(kMax64, one, one));

  EXPECT_THROW(disk.crypt_blocks(kMax64, two, two), Error);
  Bytes seven(16 * 7), none;
  EXPECT_THROW(disk.crypt_blocks(kMax64 - 5, seven, seven), Error);
  EXPECT_NO_THROW(disk.crypt_blocks(kMax64, none, none));  // nothing to wrap

  Bytes page(kPageSize);
  const std::uint64_t last_page = kMax64 / kBlocksPerPage;  // 2^56 - 1
  EXPECT_NO_THROW(disk.crypt_page(last_page, page, page));
  EXPECT_THROW(disk.crypt_page(last_page + 1, page, page), Error);
  EXPECT_THROW(keystream(key, nonce, kMax64, 2), Error);
}

TEST(DiskCrypt, RejectsBadSizesAndKeys) {
  const DiskCrypt disk(Bytes(16), 0);
  Bytes out(kPageSize + 16);
  EXPECT_THROW(disk.crypt_blocks(0, Bytes(17), std::span(out).first(17)), Error);
  EXPECT_THROW(disk.crypt_blocks(0, Bytes(32), std::span(out).first(16)), Error);
  EXPECT_THROW(disk.crypt_page(0, Bytes(kPageSize - 16), std::span(out).first(kPageSize - 16)), Error);
  EXPECT_THROW(disk.crypt_page(0, Bytes(kPageSize), out), Error);  // output too long
  EXPECT_THROW(DiskCrypt(Bytes(24), 0), Error);
}

TEST(DiskCrypt, KeystreamIsCryptOfZeros) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  const Bytes key = test::random_bytes(rng, 32);
  const std::uint64_t nonce = rng(), first = rng() >> 1;
  const Bytes ks = keystream(key, nonce, first, 300);
  ASSERT_EQ(ks.size(), 300u * 16);
  Bytes zeros(ks.size(), 0);
  DiskCrypt(key, nonce).crypt_blocks(first, zeros, zeros);
  EXPECT_EQ(ks, zeros);
  EXPECT_EQ(to_hex(std::span(ks).first(16)), to_hex(AesEcb(key).encrypt(counter_block(nonce, first))));
  EXPECT_TRUE(keystream(key, nonce, 0, 0).empty());
}

}  // namespace
}  // namespace tame
