// The trust anchor's CTR_DRBG (RTL) against NIST ACVP (AES-256, no derivation function)
// and against the model (tame::CtrDrbg, itself checked against OpenSSL's CTR-DRBG) bit
// for bit over random command sequences; refusals change nothing; zeroize forgets.
#include <random>

#include <gtest/gtest.h>

#include "Vtame_ctr_drbg.h"
#include "clocked.hpp"
#include "tame/drbg.hpp"
#include "test_support.hpp"
#include "wide.hpp"

namespace tame::sim {
namespace {

// A small driver for the DRBG alone: one command at a time, its blocks collected.
class Drbg {
 public:
  explicit Drbg(std::uint64_t seed) : sim_(seed) {
    auto& d = sim_.dut();
    d.zeroize_i = 0;
    d.cmd_valid_i = 0;
    sim_.reset();
  }

  struct Result {
    Bytes out;
    bool refused = false;
  };

  Result command(unsigned cmd, std::span<const std::uint8_t> entropy, std::span<const std::uint8_t> adin,
                 bool adin_present, unsigned nblocks) {
    auto& d = sim_.dut();
    std::array<std::uint8_t, 48> e{}, a{};
    std::copy(entropy.begin(), entropy.end(), e.begin());
    std::copy(adin.begin(), adin.end(), a.begin());
    put_slice(d.entropy_i, 0, e);
    put_slice(d.adin_i, 0, a);
    d.adin_present_i = adin_present;
    d.nblocks_i = nblocks;
    d.cmd_i = cmd;
    d.cmd_valid_i = 1;
    Result r;
    bool taken = false;  // done_o and refused_o speak of a command only after it is taken
    for (int i = 0; i < 100000; ++i) {
      sim_.settle();
      if (taken && d.out_valid_o) {
        std::uint8_t b[16];
        get_slice(d.out_block_o, 0, b);
        r.out.insert(r.out.end(), b, b + 16);
      }
      if (taken && d.done_o) return r;
      if (taken && d.refused_o) return r.refused = true, r;
      const bool take = d.cmd_valid_i && d.cmd_ready_o;
      sim_.posedge();
      if (take) d.cmd_valid_i = 0, taken = true;
    }
    throw std::runtime_error("DRBG command did not finish");
  }

  Result instantiate(std::span<const std::uint8_t> e, std::span<const std::uint8_t> pers) { return command(0, e, pers, true, 0); }
  Result reseed(std::span<const std::uint8_t> e, std::span<const std::uint8_t> add) { return command(1, e, add, true, 0); }
  Result generate(unsigned nblocks, std::span<const std::uint8_t> add) { return command(2, {}, add, !add.empty(), nblocks); }
  void zeroize() { sim_.zeroize(); }
  Vtame_ctr_drbg& dut() { return sim_.dut(); }

 private:
  Clocked<Vtame_ctr_drbg> sim_;
};

TEST(CtrDrbgRtl, AcvpAes256NoDf) {
  nlohmann::json doc;
  ASSERT_TRUE(test::load_vectors("ctr_drbg_aes256_nodf.json", doc));
  unsigned ran = 0;
  for (const auto& g : doc["testGroups"]) {
    const unsigned nblocks = g["returnedBitsLen"].get<unsigned>() / 128;
    for (const auto& t : g["tests"]) {
      Drbg drbg(ran + 1);
      ASSERT_FALSE(drbg.instantiate(test::hex(t["entropyInput"].get<std::string>()),
                                    test::hex(t["persoString"].get<std::string>())).refused);
      Bytes last;
      for (const auto& o : t["otherInput"]) {
        const Bytes add = test::hex(o["additionalInput"].get<std::string>());
        if (o["intendedUse"] == "reSeed") {
          ASSERT_FALSE(drbg.reseed(test::hex(o["entropyInput"].get<std::string>()), add).refused);
        } else {
          last = drbg.generate(nblocks, add).out;
        }
      }
      EXPECT_EQ(to_hex(last), to_hex(test::hex(t["returnedBits"].get<std::string>()))) << "tcId " << t["tcId"];
      ++ran;
    }
  }
  EXPECT_EQ(ran, 15U);
}

TEST(CtrDrbgRtl, MatchesModelOnRandomSequences) {
  const std::uint64_t seed = test::test_seed();
  std::mt19937_64 rng(seed);
  for (int run = 0; run < 6; ++run) {
    Drbg rtl(rng());
    CtrDrbg model;
    const Bytes e = test::random_bytes(rng, 48), pers = test::random_bytes(rng, rng() % 49);
    rtl.instantiate(e, pers);
    model.instantiate(e, pers);
    for (int step = 0; step < 25; ++step) {
      const Bytes add = rng() % 2 ? test::random_bytes(rng, 1 + rng() % 48) : Bytes{};
      if (rng() % 5 == 0) {
        const Bytes e2 = test::random_bytes(rng, 48);
        ASSERT_FALSE(rtl.reseed(e2, add).refused);
        model.reseed(e2, add);
      } else {
        const unsigned n = 1 + rng() % 8;
        const auto got = rtl.generate(n, add);
        ASSERT_FALSE(got.refused);
        ASSERT_EQ(to_hex(got.out), to_hex(model.generate(16 * n, add))) << "run " << run << " step " << step << " seed " << seed;
      }
      ASSERT_EQ(rtl.dut().reseed_counter_o, model.reseed_counter());
    }
  }
}

TEST(CtrDrbgRtl, RefusalsChangeNothingAndZeroizeForgets) {
  std::mt19937_64 rng(5);
  Drbg rtl(5);
  EXPECT_TRUE(rtl.generate(2, {}).refused) << "generate before instantiate";
  EXPECT_TRUE(rtl.reseed(test::random_bytes(rng, 48), {}).refused) << "reseed before instantiate";
  const Bytes e = test::random_bytes(rng, 48);
  rtl.instantiate(e, {});
  EXPECT_TRUE(rtl.generate(0, {}).refused) << "a request for no blocks";
  EXPECT_TRUE(rtl.command(3, e, {}, false, 1).refused) << "command code 3, which means nothing";
  CtrDrbg model;
  model.instantiate(e, {});
  EXPECT_EQ(to_hex(rtl.generate(3, {}).out), to_hex(model.generate(48)));  // the refusal changed nothing
  rtl.zeroize();
  EXPECT_FALSE(rtl.dut().instantiated_o);
  EXPECT_TRUE(rtl.generate(1, {}).refused) << "generate after zeroize";
}

}  // namespace
}  // namespace tame::sim
