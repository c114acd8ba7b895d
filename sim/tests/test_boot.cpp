// The boot-and-fetch flow through the full top (tame_top): the TA firmware (BootFlow,
// through the register port) loads the image key and draws the memory session
// key; the host sends sealed pages through block 1 and block 2 into DRAM; each core
// reads its VM's lines through its block 3. Every DRAM write and every L2 read is
// checked against the model, with K_mem known only from the model's own DRBG.
#include <random>

#include <gtest/gtest.h>

#include "Vtame_top.h"
#include "boot_flow.hpp"
#include "mem_harness.hpp"
#include "mem_scoreboard.hpp"
#include "secrets.hpp"
#include "tame/disk_crypt.hpp"
#include "test_support.hpp"

namespace tame::sim {
namespace {

struct Boot {
  explicit Boot(std::uint64_t seed) : host(2, seed), sb(4, 1024), rng(seed) {}

  // What the TA firmware does once M2 has been opened (the protocol runs in the model):
  // BootFlow from INSTANTIATE to CONFIGURE, slots polled until ready.
  void firmware_loads_keys(const Bytes& k_img) {
    BootFlow<Vtame_top>(host.ta()).boot_with_key(k_img);  // disk slot 0, DRAM slot 0, both cores run VM 0
    sb.load_key(0, host.ta_model().mem_key(0));
  }

  // The host fetches pages [0, n) of the sealed image into DRAM from first_line on.
  void host_boots(const Bytes& k_img, std::uint64_t ctr_nonce, const std::vector<Bytes>& plain,
                  std::uint64_t first_line) {
    const DiskCrypt disk(k_img, ctr_nonce);
    for (std::size_t p = 0; p < plain.size(); ++p) {
      Bytes sealed(kPageSize);
      disk.crypt_page(p, plain[p], sealed);
      host.queue_disk_page(first_line + kLinesPerPage * p, ctr_nonce, kBlocksPerPage * p, sealed);
      sb.expect_page(0, first_line + kLinesPerPage * p, plain[p]);
    }
  }

  TopHarness<Vtame_top> host;
  MemScoreboard sb;
  std::mt19937_64 rng;
};

TEST(Boot, SealedPagesReachDramEncryptedAndCoresReadThemBack) {
  const std::uint64_t seed = test::test_seed();
  Boot b(seed);
  const Bytes k_img = test::random_bytes(b.rng, b.rng() % 2 ? 32 : 16);
  const std::uint64_t ctr_nonce = b.rng();
  std::vector<Bytes> plain;
  for (int p = 0; p < 16; ++p) plain.push_back(test::random_bytes(b.rng, kPageSize));
  b.firmware_loads_keys(k_img);
  b.host_boots(k_img, ctr_nonce, plain, 0x100000);
  ASSERT_TRUE(b.host.run({0.8, 0.8}, b.rng));
  b.sb.check_dram(b.host.take_dram_writes());
  ASSERT_TRUE(b.sb.errors().empty()) << b.sb.errors().front() << " (seed " << seed << ")";

  // Both cores read every line of the image through their block 3.
  for (std::uint64_t l = 0; l < 16 * kLinesPerPage; ++l) {
    const auto s = b.sb.fetch(0x100000 + l).value();
    const unsigned core = l % 2;
    b.host.queue_fill(core, {0x100000 + l, s.line.nonce, s.line.ct});
    b.sb.expect_fill(core, 0x100000 + l, s.plain, std::nullopt);
  }
  ASSERT_TRUE(b.host.run({0.8, 0.8}, b.rng));
  for (unsigned c = 0; c < 2; ++c) b.sb.check_l2(c, b.host.take_l2(c));
  ASSERT_TRUE(b.sb.errors().empty()) << b.sb.errors().front() << " (seed " << seed << ")";
  EXPECT_TRUE(b.sb.nonces_dense(0));
  EXPECT_EQ(b.sb.lines_checked(), 2U * 16 * kLinesPerPage);
}

TEST(Boot, ResetInTheMiddleLeavesNoKeyAndTheNextBootSucceeds) {
  const std::uint64_t seed = test::test_seed();
  Boot b(seed);
  std::vector<Bytes> plain;
  for (int p = 0; p < 8; ++p) plain.push_back(test::random_bytes(b.rng, kPageSize));
  const Bytes k_img = test::random_bytes(b.rng, 32);
  b.firmware_loads_keys(k_img);
  b.host_boots(k_img, 42, plain, 0x2000);
  ASSERT_FALSE(b.host.run({1.0, 0.9}, b.rng, 300 + b.rng() % 800));

  b.host.reset();   // the pin: everything in flight is gone
  for (int i = 0; i < 16; ++i) b.host.ta().tick();  // the key-slot RAMs wipe themselves after reset
  const auto live = live_secrets(b.host.sim().context());
  EXPECT_TRUE(live.empty()) << live.size() << " signals hold key bits after reset, e.g. " << live.front();

  // The next boot (new session key) is correct from the first line.
  b.sb.clear_memory();
  b.firmware_loads_keys(k_img);
  b.host_boots(k_img, 42, plain, 0x2000);
  ASSERT_TRUE(b.host.run({0.9, 0.9}, b.rng));
  b.sb.check_dram(b.host.take_dram_writes());
  ASSERT_TRUE(b.sb.errors().empty()) << b.sb.errors().front() << " (seed " << seed << ")";
  EXPECT_TRUE(b.sb.nonces_dense(0));
}

}  // namespace
}  // namespace tame::sim
