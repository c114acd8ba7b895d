// AesEcb and AesCtr against the standards' known answers (FIPS-197 appendix C,
// SP 800-38A F.5) and against each other where the standards stop (counter carry).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "test_support.hpp"

namespace tame {
namespace {

using test::block;
using test::hex;

TEST(CheckAesKey, RejectsAllButAes128And256) {
  for (std::size_t len : {0, 15, 24, 33}) {
    const Bytes key(len, 0x11);
    EXPECT_THROW(check_aes_key(key, "--key-hex"), Error) << len << " bytes";
    EXPECT_THROW(AesEcb{key}, Error) << len << " bytes";
    EXPECT_THROW((AesCtr{key, Block{}}), Error) << len << " bytes";
  }
  EXPECT_NO_THROW(check_aes_key(Bytes(16), "--key-hex"));
  EXPECT_NO_THROW(check_aes_key(Bytes(32), "--key-hex"));
  try {
    check_aes_key(Bytes(15), "--key-hex");
    FAIL() << "15-byte key accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(),
                 "--key-hex: key is 15 bytes, expected 16 (AES-128) or 32 (AES-256)");
  }
}

// FIPS-197 appendix C.1 and C.3.
TEST(AesEcb, Fips197AppendixC) {
  const Block pt = block("00112233445566778899aabbccddeeff");
  const AesEcb aes128(hex("000102030405060708090a0b0c0d0e0f"));
  EXPECT_EQ(to_hex(aes128.encrypt(pt)), "69c4e0d86a7b0430d8cdb78070b4c55a");
  const AesEcb aes256(hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
  EXPECT_EQ(to_hex(aes256.encrypt(pt)), "8ea2b7ca516745bfeafc49904b496089");
}

TEST(AesEcb, ManyBlocksEqualOneByOneAndInPlace) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  const AesEcb aes(test::random_bytes(rng, 32));
  const Bytes in = test::random_bytes(rng, 16 * 37);
  Bytes out(in.size());
  aes.encrypt_blocks(in, out);
  for (std::size_t i = 0; i < in.size(); i += 16) {
    Block b;
    std::copy_n(in.begin() + i, 16, b.begin());
    EXPECT_EQ(to_hex(aes.encrypt(b)), to_hex(std::span(out).subspan(i, 16))) << "block " << i / 16;
  }
  Bytes inplace = in;
  aes.encrypt_blocks(inplace, inplace);
  EXPECT_EQ(inplace, out);
}

TEST(AesEcb, RejectsPartialBlocksAndSizeMismatch) {
  const AesEcb aes(Bytes(16));
  Bytes out(32);
  EXPECT_THROW(aes.encrypt_blocks(Bytes(17), std::span(out).first(17)), Error);
  EXPECT_THROW(aes.encrypt_blocks(Bytes(16), out), Error);
}

// SP 800-38A F.5.1 (CTR-AES128.Encrypt) and F.5.5 (CTR-AES256.Encrypt).
struct CtrKat {
  const char* name;
  const char* key;
  const char* ct;
};
constexpr const char* kSp80038aCounter = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
constexpr const char* kSp80038aPlain =
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710";
constexpr CtrKat kCtrKats[] = {
    {"F.5.1", "2b7e151628aed2a6abf7158809cf4f3c",
     "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
     "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee"},
    {"F.5.5", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
     "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
     "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6"},
};

TEST(AesCtr, Sp80038aWhole) {
  for (const auto& kat : kCtrKats) {
    SCOPED_TRACE(kat.name);
    const Bytes pt = hex(kSp80038aPlain);
    Bytes out(pt.size());
    AesCtr(hex(kat.key), block(kSp80038aCounter)).process(pt, out);
    EXPECT_EQ(to_hex(out), kat.ct);
    // Decryption (F.5.2, F.5.6) is the same operation.
    Bytes back(out.size());
    AesCtr(hex(kat.key), block(kSp80038aCounter)).process(out, back);
    EXPECT_EQ(back, pt);
  }
}

TEST(AesCtr, Sp80038aInOddPieces) {
  // Pieces that start and end inside blocks, including empty ones.
  const std::size_t pieces[] = {1, 7, 0, 16, 3, 17, 5, 15, 31, 2};
  for (const auto& kat : kCtrKats) {
    SCOPED_TRACE(kat.name);
    const Bytes pt = hex(kSp80038aPlain);
    Bytes out(pt.size());
    AesCtr ctr(hex(kat.key), block(kSp80038aCounter));
    std::size_t off = 0;
    for (std::size_t i = 0; off < pt.size(); ++i) {
      const std::size_t n = std::min(pieces[i % std::size(pieces)], pt.size() - off);
      ctr.process(std::span(pt).subspan(off, n), std::span(out).subspan(off, n));
      off += n;
    }
    EXPECT_EQ(to_hex(out), kat.ct);
  }
}

TEST(AesCtr, ResetRestartsTheStream) {
  const Bytes pt = hex(kSp80038aPlain);
  AesCtr ctr(hex(kCtrKats[0].key), block("00000000000000000000000000000000"));
  Bytes junk(21);
  ctr.process(junk, junk);  // leave a partly used keystream block behind
  ctr.reset(block(kSp80038aCounter));
  Bytes out(pt.size());
  ctr.process(pt, out);
  EXPECT_EQ(to_hex(out), kCtrKats[0].ct);
}

// The whole 128-bit counter increments, so the carry out of the low 64 bits reaches
// the high half. Checked against single-block AES, not against EVP CTR itself.
TEST(AesCtr, CounterCarriesThroughAll128Bits) {
  const std::uint64_t seed = test::test_seed();
  SCOPED_TRACE(fmt::format("TAME_SEED={}", seed));
  std::mt19937_64 rng(seed);
  for (std::size_t key_len : {16, 32}) {
    const Bytes key = test::random_bytes(rng, key_len);
    const AesEcb ecb(key);
    struct Case {
      const char* start;
      const char* next;
    };
    for (const Case& c : {Case{"0123456789abcdefffffffffffffffff", "0123456789abcdf00000000000000000"},
                          Case{"00000000fffffffffffffffffffffffe", "00000000ffffffffffffffffffffffff"},
                          Case{"ffffffffffffffffffffffffffffffff", "00000000000000000000000000000000"}}) {
      SCOPED_TRACE(c.start);
      Bytes ks(32, 0);
      AesCtr(key, block(c.start)).process(ks, ks);
      EXPECT_EQ(to_hex(std::span(ks).first(16)), to_hex(ecb.encrypt(block(c.start))));
      EXPECT_EQ(to_hex(std::span(ks).last(16)), to_hex(ecb.encrypt(block(c.next))));
    }
  }
}

}  // namespace
}  // namespace tame
