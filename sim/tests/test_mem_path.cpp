// The memory path (RTL: block 2, one block 3 per core, the nonce source) against the
// golden model, with harness models of DRAM and the shared L3 around it: random mixes
// of page boots, line fills and write-backs from every core under random back-pressure,
// resets in the middle, two VMs with their own keys, lines moved or given another
// line's nonce, and the rate with four lanes.
#include <algorithm>
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "Vtame_mem_path.h"
#include "Vtame_mem_path_c4.h"
#include "mem_harness.hpp"
#include "mem_scoreboard.hpp"
#include "test_support.hpp"

namespace tame::sim {
namespace {

constexpr unsigned kSlots = 4;
constexpr std::size_t kL3Lines = 2048;

Line random_line(std::mt19937_64& rng) {
  Line l;
  for (auto& b : l) b = static_cast<std::uint8_t>(rng());
  return l;
}

// A memory system under test: the RTL with its driver, the scoreboard, and which lines
// each VM owns. VM v runs on the cores c with c % 2 == v and owns key slot v.
template <class Dut>
class System {
 public:
  System(unsigned cores, std::uint64_t seed) : drv(cores, seed), sb(kSlots, kL3Lines), rng(seed) { start_session(); }

  // New session keys for both VMs (after power-up or a reset), nothing stored yet.
  void start_session() {
    sb.clear_memory();
    for (unsigned vm = 0; vm < 2; ++vm) lines[vm].clear(), fresh[vm].clear();
    for (unsigned vm = 0; vm < 2; ++vm) {
      const Bytes key = test::random_bytes(rng, 32);
      drv.load_key(vm, key);
      sb.load_key(vm, key);
    }
    for (unsigned c = 0; c < drv.cores(); ++c) drv.set_core_slot(c, c % 2);
  }

  // Pages for a VM at fresh page addresses anywhere below 2^48. Block 2 serves one VM
  // at a time: the trust anchor switches it between runs, when block 2 is idle.
  void queue_pages(unsigned vm, unsigned n) {
    drv.set_dram_slot(vm);
    for (unsigned i = 0; i < n; ++i) {
      std::uint64_t first_line;
      do first_line = (rng() % (kDramLineCount / kLinesPerPage)) * kLinesPerPage;
      while (!pages.insert(first_line).second);
      const Bytes page = test::random_bytes(rng, kPageSize);
      drv.queue_page(first_line, page);
      sb.expect_page(vm, first_line, page);
      for (std::uint64_t l = 0; l < kLinesPerPage; ++l) fresh[vm].push_back(first_line + l);
    }
  }

  std::uint64_t pick(unsigned vm) { return lines[vm][rng() % lines[vm].size()]; }

  // Fills and write-backs for every core. Now and then a fill is one the core must not
  // be able to read: another VM's line, a line moved to another address, or a line
  // given another line's nonce.
  void queue_core_traffic(unsigned fills, unsigned wbs) {
    std::set<std::uint64_t> written;  // one write-back per line per batch keeps L3 order defined
    for (unsigned c = 0; c < drv.cores(); ++c) {
      const unsigned vm = c % 2;
      if (lines[vm].empty()) continue;
      for (unsigned i = 0; i < fills; ++i) {
        const unsigned kind = rng() % 64;
        std::uint64_t line = pick(kind == 0 && !lines[1 - vm].empty() ? 1 - vm : vm);
        const auto s = sb.fetch(line).value();  // every picked line has been stored
        LineFill f{line, s.line.nonce, s.line.ct};
        if (kind == 0 && s.slot != vm) {                  // another VM's line
          drv.queue_fill(c, f);
          sb.expect_fill(c, line, std::nullopt, s.plain);
          ++foreign_reads;
        } else if (kind == 1) {                           // moved to another address
          f.line = pick(vm);
          if (f.line == line) f.line ^= 1;
          drv.queue_fill(c, f);
          sb.expect_fill(c, f.line, std::nullopt, s.plain);
          ++foreign_reads;
        } else if (kind == 2) {                           // another line's nonce
          const auto other = sb.fetch(pick(vm)).value();
          f.nonce = other.line.nonce == s.line.nonce ? f.nonce + 1 : other.line.nonce;
          drv.queue_fill(c, f);
          sb.expect_fill(c, line, std::nullopt, s.plain);
          ++foreign_reads;
        } else {
          drv.queue_fill(c, f);
          sb.expect_fill(c, line, s.plain, std::nullopt);
        }
      }
      for (unsigned i = 0; i < wbs; ++i) {
        const std::uint64_t line = pick(vm);
        if (!written.insert(line).second) continue;
        const LinePlain wb{line, random_line(rng)};
        drv.queue_write_back(c, wb);
        sb.expect_write_back(c, vm, wb);
      }
    }
  }

  // Runs what is queued and checks everything that came out.
  void run_and_check(MemPressure p) {
    ASSERT_TRUE(drv.run(p, rng));
    check_outputs();
  }

  void check_outputs() {
    sb.check_dram(drv.take_dram_writes());
    for (unsigned c = 0; c < drv.cores(); ++c) {
      sb.check_l3(c, drv.take_l3(c));
      sb.check_l2(c, drv.take_l2(c));
    }
    for (unsigned vm = 0; vm < 2; ++vm) {
      lines[vm].insert(lines[vm].end(), fresh[vm].begin(), fresh[vm].end());
      fresh[vm].clear();
    }
  }

  MemPressure random_pressure() {
    return {0.3 + 0.7 * double(rng() % 101) / 100.0, 0.3 + 0.7 * double(rng() % 101) / 100.0};
  }

  MemPathHarness<Dut> drv;
  MemScoreboard sb;
  std::mt19937_64 rng;
  std::vector<std::uint64_t> lines[2], fresh[2];
  std::set<std::uint64_t> pages;
  unsigned foreign_reads = 0;
};

template <class Dut>
void random_mix(unsigned cores, std::uint64_t min_lines) {
  const std::uint64_t seed = test::test_seed();
  System<Dut> sys(cores, seed);
  sys.queue_pages(0, 4);
  sys.run_and_check({});
  sys.queue_pages(1, 4);
  sys.run_and_check({});
  while (sys.sb.lines_checked() < min_lines) {
    sys.queue_pages(sys.rng() % 2, sys.rng() % 3);   // block 2 works while the cores do
    sys.queue_core_traffic(sys.rng() % 400, sys.rng() % 200);
    sys.run_and_check(sys.random_pressure());
    ASSERT_TRUE(sys.sb.errors().empty()) << sys.sb.errors().front() << " (seed " << seed << ")";
  }
  for (unsigned vm = 0; vm < 2; ++vm)
    EXPECT_TRUE(sys.sb.nonces_dense(vm)) << "slot " << vm << ": nonces are not 1..n";
  EXPECT_GT(sys.foreign_reads, 100U);
  ::testing::Test::RecordProperty("lines_checked", std::to_string(sys.sb.lines_checked()));
}

TEST(MemPath, RandomMixTwoCoresMatchesModel) { random_mix<Vtame_mem_path>(2, 100000); }

TEST(MemPath, RandomMixFourCoresMatchesModel) { random_mix<Vtame_mem_path_c4>(4, 30000); }

TEST(MemPath, ResetInTheMiddleOfTraffic) {
  // A reset drops the session keys and all traffic; with new keys the next traffic is
  // correct and the nonces start again at 1.
  const std::uint64_t seed = test::test_seed();
  System<Vtame_mem_path> sys(2, seed);
  for (int round = 0; round < 4; ++round) {
    sys.queue_pages(0, 2);
    sys.run_and_check({});
    sys.queue_pages(1, 2);
    sys.run_and_check({});
    sys.queue_pages(sys.rng() % 2, 2);
    sys.queue_core_traffic(300, 150);
    EXPECT_FALSE(sys.drv.run(sys.random_pressure(), sys.rng, 50 + sys.rng() % 400));
    sys.drv.reset();
    for (unsigned s = 0; s < kSlots; ++s) {
      EXPECT_FALSE(sys.drv.slot_ready(s)) << "slot " << s << " kept its key through reset";
      EXPECT_FALSE(sys.drv.nonce_open(s)) << "slot " << s << " kept its nonce counter through reset";
    }
    sys.start_session();
    sys.queue_pages(0, 2);
    sys.run_and_check(sys.random_pressure());
    sys.queue_pages(1, 1);
    sys.run_and_check(sys.random_pressure());
    sys.queue_core_traffic(200, 100);
    sys.run_and_check(sys.random_pressure());
    ASSERT_TRUE(sys.sb.errors().empty()) << sys.sb.errors().front() << " (seed " << seed << ")";
  }
}

TEST(MemPath, NewKeyRestartsNoncesAndIsUsed) {
  const std::uint64_t seed = test::test_seed();
  System<Vtame_mem_path> sys(2, seed);
  sys.queue_pages(0, 2);
  sys.run_and_check({});
  EXPECT_EQ(sys.sb.nonces_used(0), 128U);
  const Bytes key = test::random_bytes(sys.rng, 16);  // the build may also run AES-128 keys
  sys.drv.load_key(0, key);
  sys.sb.load_key(0, key);
  sys.queue_pages(0, 1);
  sys.run_and_check({});
  EXPECT_EQ(sys.sb.nonces_used(0), 64U);
  EXPECT_TRUE(sys.sb.nonces_dense(0));
  ASSERT_TRUE(sys.sb.errors().empty()) << sys.sb.errors().front();
}

TEST(MemPath, KeyReloadUnderTrafficNeverReusesANonce) {
  // Block 2 (one lane: each line waits in a holding register with its nonce already
  // drawn) is writing pages when slot 0 gets a new key. Every line must come out under
  // the key its nonce was drawn with: old lines under the old key, new lines under the
  // new key with nonces from 1, and no (key, nonce) pair twice.
  const std::uint64_t seed = test::test_seed();
  System<Vtame_mem_path> sys(2, seed);
  for (int round = 0; round < 8; ++round) {
    const Bytes old_key = test::random_bytes(sys.rng, 32), new_key = test::random_bytes(sys.rng, 32);
    sys.drv.load_key(0, old_key);
    sys.drv.set_dram_slot(0);
    std::vector<std::pair<std::uint64_t, Bytes>> pages;
    for (int p = 0; p < 4; ++p) {
      pages.emplace_back(0x40000 * (round + 1) + 64 * p, test::random_bytes(sys.rng, kPageSize));
      sys.drv.queue_page(pages.back().first, pages.back().second);
    }
    ASSERT_FALSE(sys.drv.run({1.0, 0.7}, sys.rng, 100 + sys.rng() % 500));
    sys.drv.queue_key_load(0, new_key);
    ASSERT_TRUE(sys.drv.run({1.0, 0.7}, sys.rng));
    const auto writes = sys.drv.take_dram_writes();
    ASSERT_EQ(writes.size(), 4 * kLinesPerPage);
    const LineCrypt old_lc(old_key), new_lc(new_key);
    std::set<std::uint64_t> old_nonces, new_nonces;
    bool seen_new = false;
    for (std::size_t i = 0; i < writes.size(); ++i) {
      const auto& w = writes[i];
      Line plain, a, b;
      std::copy_n(pages[i / kLinesPerPage].second.begin() + kLineSize * (i % kLinesPerPage), kLineSize, plain.begin());
      old_lc.crypt(w.nonce, w.line, plain, a);
      new_lc.crypt(w.nonce, w.line, plain, b);
      if (w.data == a && !seen_new) {
        EXPECT_TRUE(old_nonces.insert(w.nonce).second) << "old key, nonce " << w.nonce << " twice";
      } else if (w.data == b) {
        seen_new = true;
        EXPECT_TRUE(new_nonces.insert(w.nonce).second) << "new key, nonce " << w.nonce << " twice";
      } else {
        ADD_FAILURE() << "line " << i << " (nonce " << w.nonce << ") is under neither key, or old after new";
      }
    }
    ASSERT_FALSE(new_nonces.empty());
    EXPECT_EQ(*new_nonces.begin(), 1U);
    EXPECT_EQ(*new_nonces.rbegin(), new_nonces.size()) << "new-key nonces are not 1..n";
  }
}

TEST(MemPath, ZeroizeClearsKeysAndNonceCounters) {
  System<Vtame_mem_path> sys(2, 5);
  sys.drv.zeroize();
  for (unsigned s = 0; s < kSlots; ++s) {
    EXPECT_FALSE(sys.drv.slot_ready(s));
    EXPECT_FALSE(sys.drv.nonce_open(s));
  }
  // A page waits: block 2 cannot encrypt without a key and a nonce.
  sys.queue_pages(0, 1);
  EXPECT_FALSE(sys.drv.run({}, sys.rng, 2000));
  EXPECT_TRUE(sys.drv.take_dram_writes().empty());
}

TEST(MemPath, OneLinePerClockPerCoreWithFourLanes) {
  // Cycle count, not a stopwatch: 10,000 fills on each core, nothing stalls.
  System<Vtame_mem_path> sys(2, 9);
  sys.queue_pages(0, 2);
  sys.run_and_check({});
  sys.queue_pages(1, 2);
  sys.run_and_check({});
  sys.queue_core_traffic(10000, 0);
  const std::uint64_t c0 = sys.drv.cycles();
  ASSERT_TRUE(sys.drv.run({}, sys.rng));
  const double cycles = double(sys.drv.cycles() - c0);
  sys.check_outputs();
  ASSERT_TRUE(sys.sb.errors().empty()) << sys.sb.errors().front();
  const double rate = 10000.0 / cycles;  // per core: both cores ran at once
  RecordProperty("lines_per_clock_per_core", std::to_string(rate));
  EXPECT_GE(rate, 0.99);
}

}  // namespace
}  // namespace tame::sim
