// The line crypt block on its own with 1, 2 and 4 lanes: known answers for the line
// format computed with OpenSSL directly, the model bit for bit on random lines (slots,
// nonces, addresses up to 2^56) under random back-pressure, and the rate per lane count.
#include <random>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "Vtame_line_crypt_l1.h"
#include "Vtame_line_crypt_l2.h"
#include "Vtame_line_crypt_l4.h"
#include "line_crypt_driver.hpp"
#include "test_support.hpp"

namespace tame::sim {
namespace {

// Spec section 3 with OpenSSL's own CTR: IV = nonce || BE56(A>>6) || 00 over 64 bytes.
Line openssl_line(const Bytes& key, std::uint64_t nonce, std::uint64_t line, const Line& in) {
  std::uint8_t iv[16];
  store_be64(nonce, iv);
  for (int i = 0; i < 7; ++i) iv[8 + i] = static_cast<std::uint8_t>(line >> (8 * (6 - i)));
  iv[15] = 0;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  const EVP_CIPHER* c = key.size() == 16 ? EVP_aes_128_ctr() : EVP_aes_256_ctr();
  Line out{};
  int n = 0;
  EXPECT_EQ(EVP_EncryptInit_ex(ctx, c, nullptr, key.data(), iv), 1);
  EXPECT_EQ(EVP_EncryptUpdate(ctx, out.data(), &n, in.data(), static_cast<int>(in.size())), 1);
  EVP_CIPHER_CTX_free(ctx);
  return out;
}

template <class Dut>
class LineCryptLanes : public ::testing::Test {};
using LaneBuilds = ::testing::Types<Vtame_line_crypt_l1, Vtame_line_crypt_l2, Vtame_line_crypt_l4>;
TYPED_TEST_SUITE(LineCryptLanes, LaneBuilds);

TYPED_TEST(LineCryptLanes, MatchesOpenSslAndModel) {
  const std::uint64_t seed = test::test_seed();
  std::mt19937_64 rng(seed);
  LineCryptDriver<TypeParam> drv(seed);
  std::vector<Bytes> keys;
  for (unsigned s = 0; s < 4; ++s) {
    keys.push_back(test::random_bytes(rng, s == 3 ? 16 : 32));
    drv.load_key(s, keys.back());
  }
  std::vector<LineJob> jobs(20000);
  for (auto& j : jobs) {
    j.slot = static_cast<unsigned>(rng() % 4);
    j.nonce = rng() % 8 == 0 ? ~std::uint64_t{0} - rng() % 3 : rng();
    j.line = rng() % 8 == 0 ? kMaxLineAddr - rng() % 3 : rng() & kMaxLineAddr;
    for (auto& b : j.data) b = static_cast<std::uint8_t>(rng());
  }
  const auto r = drv.run(jobs, {0.6, 0.6}, rng);
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const auto& j = jobs[i];
    Line model;
    LineCrypt(keys[j.slot]).crypt(j.nonce, j.line, j.data, model);
    ASSERT_EQ(to_hex(r.out[i]), to_hex(model)) << "line " << i << " seed " << seed;
    if (i % 97 == 0) {
      ASSERT_EQ(to_hex(r.out[i]), to_hex(openssl_line(keys[j.slot], j.nonce, j.line, j.data)));
    }
  }
}

TYPED_TEST(LineCryptLanes, RateIsLanesOverFourLinesPerClock) {
  std::mt19937_64 rng(3);
  LineCryptDriver<TypeParam> drv(3);
  drv.load_key(0, test::random_bytes(rng, 32));
  std::vector<LineJob> jobs(4000);
  for (std::size_t i = 0; i < jobs.size(); ++i) jobs[i] = {0, i + 1, i, {}};
  const auto r = drv.run(jobs, {}, rng);
  // Lines per clock once the pipeline is full: from the first line out to the last, so
  // that the depth of the pipeline (one to three stages per round) does not count.
  const double rate = double(jobs.size() - 1) / double(r.last_out_cycle - r.first_out_cycle);
  const unsigned lanes = std::is_same_v<TypeParam, Vtame_line_crypt_l1> ? 1 : std::is_same_v<TypeParam, Vtame_line_crypt_l2> ? 2 : 4;
  this->RecordProperty("lines_per_clock", std::to_string(rate));
  EXPECT_GE(rate, 0.99 * lanes / 4.0);
  EXPECT_LE(rate, lanes / 4.0 + 1e-9);
}

}  // namespace
}  // namespace tame::sim
