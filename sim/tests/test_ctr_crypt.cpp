// The disk crypt block (RTL) against standards' known answers, against the model bit
// for bit under random traffic and back-pressure, and through key reloads and resets.
#include <algorithm>
#include <array>
#include <random>

#include <gtest/gtest.h>

#include "ctr_crypt_driver.hpp"
#include "tame/disk_crypt.hpp"
#include "test_support.hpp"

namespace tame::sim {
namespace {

using test::hex;

// The model's answer for one job.
Bytes expected(const Bytes& key, const CtrJob& job) {
  Bytes out(job.data.size());
  DiskCrypt(key, job.nonce).crypt_blocks(job.index, job.data, out);
  return out;
}

// Random jobs: random slot, nonce, start index (never wrapping inside a job) and length.
std::vector<CtrJob> random_jobs(std::mt19937_64& rng, std::size_t total_blocks,
                                unsigned max_blocks_per_job) {
  std::vector<CtrJob> jobs;
  std::size_t blocks = 0;
  while (blocks < total_blocks) {
    const std::size_t n = std::min<std::size_t>(1 + rng() % max_blocks_per_job, total_blocks - blocks);
    CtrJob j;
    j.slot = static_cast<unsigned>(rng() % CtrCryptDriver::kNumSlots);
    j.nonce = rng();
    j.index = rng() % 4 == 0 ? ~std::uint64_t{0} - n - rng() % 4 : rng() % (1ULL << 40);
    j.data = test::random_bytes(rng, 16 * n);
    jobs.push_back(std::move(j));
    blocks += n;
  }
  return jobs;
}

TEST(CtrCrypt, Fips197AppendixCThroughCounterBlocks) {
  // With the plaintext block as counter (nonce || index) and zero data, the output is
  // the forward cipher of that block: FIPS-197 C.1 (AES-128) and C.3 (AES-256).
  CtrCryptDriver drv(1);
  drv.load_key(0, hex("000102030405060708090a0b0c0d0e0f"));
  drv.load_key(3, hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
  std::vector<CtrJob> jobs = {
      {0, 0x0011223344556677, 0x8899aabbccddeeff, Bytes(16, 0)},
      {3, 0x0011223344556677, 0x8899aabbccddeeff, Bytes(16, 0)},
  };
  std::mt19937_64 rng(1);
  const auto r = drv.run(jobs, {}, rng);
  EXPECT_EQ(to_hex(r.out[0]), "69c4e0d86a7b0430d8cdb78070b4c55a");
  EXPECT_EQ(to_hex(r.out[1]), "8ea2b7ca516745bfeafc49904b496089");
}

TEST(CtrCrypt, Sp80038aF5CounterMode) {
  // SP 800-38A F.5.1 (CTR-AES128.Encrypt) and F.5.5 (CTR-AES256.Encrypt).
  const Bytes pt = hex(
      "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
      "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710");
  const auto iv = test::block("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
  CtrCryptDriver drv(2);
  drv.load_key(1, hex("2b7e151628aed2a6abf7158809cf4f3c"));
  drv.load_key(2, hex("603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4"));
  std::vector<CtrJob> jobs = jobs_for_counter(1, iv, pt);
  const auto more = jobs_for_counter(2, iv, pt);
  jobs.insert(jobs.end(), more.begin(), more.end());
  std::mt19937_64 rng(2);
  const auto r = drv.run(jobs, {0.5, 0.5}, rng);
  EXPECT_EQ(to_hex(r.out[0]),
            "874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff"
            "5ae4df3edbd5d35e5b4f09020db03eab1e031dda2fbe03d1792170a0f3009cee");
  EXPECT_EQ(to_hex(r.out[1]),
            "601ec313775789a5b7a7f504bbf3d228f443e3ca4d62b59aca84e990cacaf5c5"
            "2b0930daa23de94ce87017ba2d84988ddfc9c58db67aada613c2dd08457941a6");
}

TEST(CtrCrypt, AcvpCounterVectors) {
  // NIST ACVP AES-CTR, 128- and 256-bit keys, encrypt and decrypt (CTR is its own
  // inverse). Payloads that end inside a byte compare only their valid bits.
  nlohmann::json doc;
  ASSERT_TRUE(test::load_vectors("aes_ctr_acvp.json", doc));
  CtrCryptDriver drv(3);
  std::mt19937_64 rng(3);
  unsigned ran = 0;
  for (const auto& group : doc["testGroups"]) {
    const int key_len = group["keyLen"];
    if (key_len == 192) continue;  // TAME has AES-128 and AES-256 only
    const bool encrypt = group["direction"] == "encrypt";
    for (const auto& t : group["tests"]) {
      const Bytes key = hex(t["key"].get<std::string>());
      const Bytes in = hex(t[encrypt ? "pt" : "ct"].get<std::string>());
      const Bytes want = hex(t[encrypt ? "ct" : "pt"].get<std::string>());
      const auto iv = test::block(t["iv"].get<std::string>());
      const unsigned bits = t["payloadLen"];
      drv.load_key(ran % CtrCryptDriver::kNumSlots, key);
      const auto jobs = jobs_for_counter(ran % CtrCryptDriver::kNumSlots, iv, in);
      const auto r = drv.run(jobs, {0.7, 0.7}, rng);
      Bytes got;
      for (const auto& o : r.out) got.insert(got.end(), o.begin(), o.end());
      got.resize(want.size());
      if (bits % 8 != 0 && !got.empty()) got.back() &= static_cast<std::uint8_t>(0xff00 >> (bits % 8));
      EXPECT_EQ(to_hex(got), to_hex(want)) << "tcId " << t["tcId"];
      ++ran;
    }
  }
  EXPECT_GE(ran, 90U) << "too few ACVP CTR cases ran";
}

// RTL against the model on random traffic: at least 100,000 blocks, random jobs over
// four slots, random gaps on both sides of the stream.
class RandomTraffic : public ::testing::TestWithParam<const char*> {};

TEST_P(RandomTraffic, MatchesModelBitForBit) {
  const std::string mode = GetParam();
  const std::uint64_t seed = test::test_seed();
  std::mt19937_64 rng(seed);
  CtrCryptDriver drv(seed);
  std::array<Bytes, CtrCryptDriver::kNumSlots> keys;
  for (unsigned s = 0; s < keys.size(); ++s) {
    const std::size_t len = mode == "aes128" ? 16 : mode == "aes256" ? 32 : (s % 2 ? 32 : 16);
    keys[s] = test::random_bytes(rng, len);
    drv.load_key(s, keys[s]);
  }
  const std::size_t total = 100000;
  std::size_t checked = 0;
  while (checked < total) {
    const auto jobs = random_jobs(rng, 20000, 300);
    const Pressure p{0.3 + 0.7 * (rng() % 100) / 100.0, 0.3 + 0.7 * (rng() % 100) / 100.0};
    const auto r = drv.run(jobs, p, rng);
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      ASSERT_EQ(to_hex(r.out[i]), to_hex(expected(keys[jobs[i].slot], jobs[i])))
          << "job " << i << " slot " << jobs[i].slot << " seed " << seed;
      checked += jobs[i].data.size() / 16;
    }
  }
  EXPECT_GE(checked, total);
}

INSTANTIATE_TEST_SUITE_P(KeySizes, RandomTraffic, ::testing::Values("aes128", "aes256", "mixed"));

// Slot 1 is reloaded under traffic, the load taken once `trigger` beats are in. Every
// slot-1 block taken before the load uses the old key even if still inside the rounds,
// every later one the new key; the reload waits for nothing else.
class SlotReload : public ::testing::TestWithParam<std::size_t> {};

TEST_P(SlotReload, OldBlocksOldKeyNewBlocksNewKey) {
  const std::size_t trigger = GetParam();
  const std::uint64_t seed = test::test_seed();
  std::mt19937_64 rng(seed);
  CtrCryptDriver drv(seed);
  const Bytes key0 = test::random_bytes(rng, 32), old1 = test::random_bytes(rng, 32),
              new1 = test::random_bytes(rng, 16);
  drv.load_key(0, key0);
  drv.load_key(1, old1);

  const std::vector<CtrJob> jobs = {
      {1, rng(), 1000, test::random_bytes(rng, 16 * 64)},
      {0, rng(), 5000, test::random_bytes(rng, 16 * 200)},
      {1, rng(), 9000, test::random_bytes(rng, 16 * 64)},
  };
  bool queued = false;
  std::uint64_t ready_again = 0;
  const auto r = drv.run(jobs, {1.0, 0.8}, rng, UINT64_MAX, [&](const CtrRunResult& so_far) {
    if (!queued && so_far.beat_in_cycle.size() >= trigger) {
      drv.queue_key_load(1, new1);
      queued = true;
    }
    if (queued && ready_again == 0 && !so_far.key_taken_cycle.empty() && drv.slot_ready(1))
      ready_again = drv.cycles();
  });
  ASSERT_EQ(r.key_taken_cycle.size(), 1U);
  const std::uint64_t taken = r.key_taken_cycle[0];

  std::size_t beat = 0, old_beats = 0, slot0_during_load = 0;
  for (std::size_t i = 0; i < jobs.size(); ++i) {
    const auto& j = jobs[i];
    for (std::size_t b = 0; b < j.data.size() / 16; ++b, ++beat) {
      const std::uint64_t in_cycle = r.beat_in_cycle[beat];
      const bool before = in_cycle <= taken;
      const Bytes& key = j.slot == 0 ? key0 : (before ? old1 : new1);
      if (j.slot == 1 && before) ++old_beats;
      if (j.slot == 0 && in_cycle > taken && in_cycle < ready_again) ++slot0_during_load;
      const CtrJob one{j.slot, j.nonce, j.index + b, Bytes(j.data.begin() + 16 * b, j.data.begin() + 16 * (b + 1))};
      ASSERT_EQ(to_hex(std::span(r.out[i]).subspan(16 * b, 16)), to_hex(expected(key, one)))
          << "job " << i << " beat " << b << " seed " << seed;
    }
  }
  // The load was taken with slot-1 blocks still inside the rounds.
  // The load is offered once `trigger` beats are in; a beat taken in the same cycle
  // still counts as before it.
  EXPECT_GE(old_beats, std::min<std::size_t>(trigger, 64));
  EXPECT_LE(old_beats, std::min<std::size_t>(trigger + 1, 64));
  EXPECT_LT(taken - r.beat_in_cycle[old_beats - 1], 10U);
  if (trigger >= 64) {
    EXPECT_GT(slot0_during_load, 0U) << "slot 0 should flow while slot 1 is reloaded";
  }
}

INSTANTIATE_TEST_SUITE_P(Trigger, SlotReload, ::testing::Values(40, 64));

TEST(CtrCrypt, ResetInTheMiddleOfTraffic) {
  // A reset drops everything in flight and every key; the next traffic is correct.
  const std::uint64_t seed = test::test_seed();
  std::mt19937_64 rng(seed);
  CtrCryptDriver drv(seed);
  for (int round = 0; round < 5; ++round) {
    std::array<Bytes, CtrCryptDriver::kNumSlots> keys;
    for (unsigned s = 0; s < keys.size(); ++s) {
      keys[s] = test::random_bytes(rng, rng() % 2 ? 32 : 16);
      drv.load_key(s, keys[s]);
    }
    const auto jobs = random_jobs(rng, 3000, 100);
    const auto partial = drv.run(jobs, {0.8, 0.5}, rng, 100 + rng() % 2000);
    EXPECT_FALSE(partial.completed);
    drv.reset();
    for (unsigned s = 0; s < keys.size(); ++s) EXPECT_FALSE(drv.slot_ready(s)) << "slot " << s << " survived reset";
    for (unsigned s = 0; s < keys.size(); ++s) drv.load_key(s, keys[s]);
    const auto r = drv.run(jobs, {0.8, 0.5}, rng);
    for (std::size_t i = 0; i < jobs.size(); ++i)
      ASSERT_EQ(to_hex(r.out[i]), to_hex(expected(keys[jobs[i].slot], jobs[i]))) << "round " << round << " job " << i;
  }
}

TEST(CtrCrypt, ZeroizeClearsEverySlot) {
  std::mt19937_64 rng(7);
  CtrCryptDriver drv(7);
  const Bytes key = test::random_bytes(rng, 32);
  for (unsigned s = 0; s < CtrCryptDriver::kNumSlots; ++s) drv.load_key(s, key);
  drv.zeroize();
  for (unsigned s = 0; s < CtrCryptDriver::kNumSlots; ++s) EXPECT_FALSE(drv.slot_ready(s));
  // A request under a zeroized slot waits: nothing comes out.
  const std::vector<CtrJob> jobs = {{2, 1, 2, Bytes(32, 0)}};
  const auto stalled = drv.run(jobs, {}, rng, 500);
  EXPECT_EQ(stalled.beats_out, 0U);
  // Loading the slot again releases the waiting beats under the new key.
  const Bytes fresh = test::random_bytes(rng, 16);
  drv.queue_key_load(2, fresh);
  const auto r = drv.run(jobs, {}, rng);
  EXPECT_EQ(to_hex(r.out[0]), to_hex(expected(fresh, jobs[0])));
}

TEST(CtrCrypt, ZeroizeUnderTrafficLetsNothingOut) {
  // Zeroize while blocks are inside the rounds and waiting in the output FIFO: none of
  // them may come out (they would be computed partly under wiped round keys), and the
  // next traffic after new keys is correct.
  const std::uint64_t seed = test::test_seed();
  std::mt19937_64 rng(seed);
  CtrCryptDriver drv(seed);
  for (int round = 0; round < 5; ++round) {
    std::array<Bytes, CtrCryptDriver::kNumSlots> keys;
    for (unsigned s = 0; s < keys.size(); ++s) {
      keys[s] = test::random_bytes(rng, 32);
      drv.load_key(s, keys[s]);
    }
    const auto jobs = random_jobs(rng, 2000, 64);
    const auto partial = drv.run(jobs, {1.0, 0.3}, rng, 50 + rng() % 200);
    ASSERT_FALSE(partial.completed);
    ASSERT_GT(partial.beat_in_cycle.size(), partial.beats_out) << "no block in flight at zeroize";
    drv.zeroize();
    auto& d = drv.sim().dut();
    d.out_ready_i = 1;
    for (int i = 0; i < 100; ++i) {
      drv.sim().settle();
      ASSERT_FALSE(d.out_valid_o) << "a block came out after zeroize";
      drv.sim().posedge();
    }
    d.out_ready_i = 0;
    for (unsigned s = 0; s < keys.size(); ++s) EXPECT_FALSE(drv.slot_ready(s));
    drv.reset();  // the driver's own bookkeeping of the dropped traffic
    for (unsigned s = 0; s < keys.size(); ++s) drv.load_key(s, keys[s]);
    const auto r = drv.run(jobs, {0.8, 0.8}, rng);
    for (std::size_t i = 0; i < jobs.size(); ++i)
      ASSERT_EQ(to_hex(r.out[i]), to_hex(expected(keys[jobs[i].slot], jobs[i]))) << "round " << round << " job " << i;
  }
}

TEST(CtrCrypt, OneBlockPerClockWithoutBackPressure) {
  // Cycle count, not a stopwatch: 10,000 blocks in one request, output always ready.
  std::mt19937_64 rng(11);
  CtrCryptDriver drv(11);
  const Bytes key = test::random_bytes(rng, 32);
  drv.load_key(0, key);
  const std::vector<CtrJob> jobs = {{0, rng(), 0, test::random_bytes(rng, 16 * 10000)}};
  const auto r = drv.run(jobs, {}, rng);
  ASSERT_EQ(to_hex(r.out[0]), to_hex(expected(key, jobs[0])));
  const double rate = 10000.0 / double(r.last_out_cycle - r.first_in_cycle + 1);
  RecordProperty("blocks_per_clock", std::to_string(rate));
  EXPECT_GE(rate, 0.99);
}

}  // namespace
}  // namespace tame::sim
