// The trust anchor's key controller inside the full top: its register port, its refusals
// (a command out of order changes no key), no key bit on any register read, zeroize and
// reset leaving no key bit anywhere inside the RTL (looked at, signal by signal), and its
// DRBG drawing exactly what the model draws from the same entropy.
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "Vtame_top.h"
#include "boot_flow.hpp"
#include "mem_harness.hpp"
#include "secrets.hpp"
#include "tame/contract.hpp"
#include "test_support.hpp"

namespace tame::sim {
namespace {

struct Top {
  explicit Top(std::uint64_t seed) : top(2, seed), ta(top.ta()), flow(ta) { wait_wipe(); }
  void wait_wipe() {
    for (int i = 0; i < 16; ++i) ta.tick();  // the key-slot RAMs wipe themselves after reset
  }
  std::uint32_t status() { return ta.status(); }
  std::vector<std::string> live_secrets() { return tame::sim::live_secrets(top.sim().context()); }
  TopHarness<Vtame_top> top;  // the host's ports at rest: only the TA is driven
  TaDriver<Vtame_top>& ta;
  BootFlow<Vtame_top> flow;
};

// Loads an image key into disk slot 0 and draws session keys into memory slots 0 and 1
// (BootFlow's steps, each of which must be done), then polls STATUS until all are ready.
Bytes load_keys(Top& t, std::mt19937_64& rng) {
  const Bytes k_img = test::random_bytes(rng, 32);
  t.flow.instantiate();
  t.flow.load_image_key(k_img);
  t.flow.draw_mem_key(0);
  t.flow.draw_mem_key(1);
  t.flow.wait_slots_ready(0, 0);
  t.flow.wait_slots_ready(0, 1);
  return k_img;
}

TEST(TrustAnchor, IdentifiesItself) {
  Top t(1);
  EXPECT_EQ(t.ta.read(TAME_TA_REG(ID)), contract::kTaId);  // "TAKC"
  EXPECT_EQ(t.ta.read(TAME_TA_REG(VERSION)), contract::kTaVersion);
  // The full top's block 1 takes AES-256 keys (test_key_size.cpp has one that does not).
  EXPECT_EQ(t.ta.read(TAME_TA_REG(FEATURES)), TAME_TA_REGS__FEATURES__DISK_AES256_bm);
  EXPECT_TRUE(t.ta.disk_takes_aes256());
}

// NOP is a command like the others: done and counted, and nothing else changes.
TEST(TrustAnchor, NopIsDoneAndChangesNothing) {
  Top t(7);
  const std::uint32_t before = t.status();
  EXPECT_EQ(t.ta.command(TaCmd::Nop), TaErr::None);
  EXPECT_EQ(t.status(), before);
  EXPECT_TRUE(t.live_secrets().empty());
}

TEST(TrustAnchor, OutOfOrderCommandsAreRefusedAndChangeNoKey) {
  std::mt19937_64 rng(2);
  Top t(2);
  EXPECT_EQ(t.ta.command(TaCmd::DrawNonce), TaErr::DrbgNotReady);
  EXPECT_EQ(t.ta.command(TaCmd::DrawMemKey, 1), TaErr::DrbgNotReady);
  EXPECT_EQ(t.ta.command(TaCmd::Reseed), TaErr::DrbgNotReady);
  EXPECT_EQ(t.ta.command(TaCmd::LoadImageKey, 0), TaErr::NoKeyStaged);
  t.ta.stage_image_key(test::random_bytes(rng, 16));   // half a 256-bit key
  EXPECT_EQ(t.ta.command(TaCmd::LoadImageKey, 0, true), TaErr::NoKeyStaged);
  EXPECT_EQ(t.ta.command(static_cast<TaCmd>(13)), TaErr::Unknown);
  // The half key sits in KEY_LOAD (the staging the firmware wrote); nothing else holds
  // key material: no refused command moved anything into a slot or the DRBG.
  const auto live = t.live_secrets();
  ASSERT_EQ(live.size(), 1U) << "a refused command put key material somewhere, e.g. " << live.back();
  EXPECT_NE(live.front().find("disk_key"), std::string::npos) << live.front();
  EXPECT_EQ(t.status() & (TAME_TA_REGS__STATUS__DISK_SLOT_READY_bm | TAME_TA_REGS__STATUS__MEM_SLOT_READY_bm), 0U);

  load_keys(t, rng);
  const std::uint32_t before = t.status();
  EXPECT_EQ(t.ta.command(TaCmd::LockDiskSlot, 0), TaErr::None);
  EXPECT_EQ(t.ta.command(TaCmd::LockMemSlot, 1), TaErr::None);
  t.ta.stage_image_key(test::random_bytes(rng, 32));
  EXPECT_EQ(t.ta.command(TaCmd::LoadImageKey, 0, true), TaErr::SlotLocked);
  EXPECT_EQ(t.ta.command(TaCmd::DrawMemKey, 1), TaErr::SlotLocked);
  const auto secrets = secret_signals(t.top.sim().context());
  // A command while another runs is refused, and the running one completes.
  t.ta.write(TAME_TA_REG(CMD), TaDriver<Vtame_top>::cmd_word(TaCmd::DrawNonce, 0, false));
  t.ta.write(TAME_TA_REG(CMD), TaDriver<Vtame_top>::cmd_word(TaCmd::DrawMemKey, 2, false));
  EXPECT_EQ(static_cast<TaErr>((t.ta.read(TAME_TA_REG(ERROR)) & TAME_TA_REGS__ERROR__CODE_bm) >>
                               TAME_TA_REGS__ERROR__CODE_bp),
            TaErr::Busy);
  while (t.status() & TAME_TA_REGS__STATUS__BUSY_bm) {}
  EXPECT_EQ(t.status() & TAME_TA_REGS__STATUS__MEM_SLOT_READY_bm, before & TAME_TA_REGS__STATUS__MEM_SLOT_READY_bm)
      << "the refused DRAW_MEM_KEY changed a memory slot";
  EXPECT_EQ(t.status() & TAME_TA_REGS__STATUS__MEM_SLOT_LOCKED_bm, 1U << (TAME_TA_REGS__STATUS__MEM_SLOT_LOCKED_bp + 1))
      << "memory slot 1 locked";
}

TEST(TrustAnchor, NoRegisterReadShowsAKeyBit) {
  std::mt19937_64 rng(3);
  Top t(3);
  const Bytes k_img = load_keys(t, rng);
  std::set<std::uint32_t> key_words;
  for (const Bytes* k : {&k_img, &t.top.ta_model().mem_key(0), &t.top.ta_model().mem_key(1)})
    for (std::size_t i = 0; i + 4 <= k->size(); i += 4)
      key_words.insert((std::uint32_t{(*k)[i]} << 24) | (std::uint32_t{(*k)[i + 1]} << 16) |
                       (std::uint32_t{(*k)[i + 2]} << 8) | (*k)[i + 3]);
  for (std::uint32_t addr = 0; addr < (1U << contract::kTaAddrBits); addr += 4) {
    const std::uint32_t v = t.ta.read(addr);
    EXPECT_EQ(key_words.count(v), 0U) << "address " << addr << " shows a key word";
    if (addr >= TAME_TA_REG(KEY_LOAD_0) && addr <= TAME_TA_REG(KEY_LOAD_7)) {
      EXPECT_EQ(v, 0U) << "KEY_LOAD reads back";
    }
  }
  // KEY_LOAD was cleared by its use.
  EXPECT_EQ(t.status() & TAME_TA_REGS__STATUS__KEY_STAGED_bm, 0U);
}

TEST(TrustAnchor, ZeroizeClearsEveryKeyBit) {
  std::mt19937_64 rng(4);
  Top t(4);
  load_keys(t, rng);
  t.ta.stage_image_key(test::random_bytes(rng, 32));   // a staged key, too
  ASSERT_FALSE(t.live_secrets().empty()) << "the keys should be somewhere before zeroize";
  EXPECT_EQ(t.ta.command(TaCmd::Zeroize), TaErr::None);
  t.wait_wipe();  // zeroize wipes the key-slot RAMs as a reset does
  const auto live = t.live_secrets();
  EXPECT_TRUE(live.empty()) << live.size() << " signals still hold key bits, e.g. " << live.front();
  EXPECT_EQ(t.status() & (TAME_TA_REGS__STATUS__DISK_SLOT_READY_bm | TAME_TA_REGS__STATUS__MEM_SLOT_READY_bm |
                          TAME_TA_REGS__STATUS__DRBG_READY_bm | TAME_TA_REGS__STATUS__NONCE_OPEN_bm), 0U);
  EXPECT_GT(secret_signals(t.top.sim().context()).size(), 100U) << "the inspector should see every key RAM";
}

TEST(TrustAnchor, ResetClearsEveryKeyBit) {
  std::mt19937_64 rng(5);
  Top t(5);
  load_keys(t, rng);
  t.ta.stage_image_key(test::random_bytes(rng, 32));
  t.top.reset();
  t.wait_wipe();
  const auto live = t.live_secrets();
  EXPECT_TRUE(live.empty()) << live.size() << " signals still hold key bits, e.g. " << live.front();
}

TEST(TrustAnchor, DrbgDrawsWhatTheModelDraws) {
  const std::uint64_t seed = test::test_seed();
  std::mt19937_64 rng(seed);
  Top t(seed);
  t.ta.write_adin(test::random_bytes(rng, contract::kAdinBytes));   // personalization
  ASSERT_EQ(t.ta.command(TaCmd::Instantiate), TaErr::None);
  for (int i = 0; i < 6; ++i) {
    const bool adin = rng() % 2;
    if (adin) t.ta.write_adin(test::random_bytes(rng, 1 + rng() % contract::kAdinBytes));
    if (rng() % 3 == 0) {
      ASSERT_EQ(t.ta.command(TaCmd::Reseed, 0, true, adin), TaErr::None);
    }
    ASSERT_EQ(t.ta.command(TaCmd::DrawNonce, 0, true, adin), TaErr::None);
    EXPECT_EQ(to_hex(t.ta.read_nonce()), to_hex(t.top.ta_model().nonce())) << "draw " << i;
  }
  EXPECT_EQ(t.ta.read(TAME_TA_REG(RESEED_COUNT)), t.top.ta_model().drbg().reseed_counter());
}

// An entropy source that holds back makes the commands that take entropy (INSTANTIATE,
// RESEED) wait, the controller busy; a draw takes none and does not wait. Nothing else
// changes: the same seed gives the same draws as a source that is always ready, and
// the model's.
TEST(TrustAnchor, SlowEntropyOnlyDelaysTheDrbg) {
  const std::uint64_t seed = test::test_seed();
  Top fast(seed), slow(seed);
  for (const TaCmd cmd : {TaCmd::Instantiate, TaCmd::DrawNonce, TaCmd::Reseed, TaCmd::DrawNonce}) {
    const std::uint64_t fast0 = fast.top.sim().cycles();
    ASSERT_EQ(fast.ta.command(cmd), TaErr::None) << ta_name(cmd);
    const std::uint64_t fast_clocks = fast.top.sim().cycles() - fast0;
    slow.ta.hold_entropy(300);
    const std::uint64_t slow0 = slow.top.sim().cycles();
    ASSERT_EQ(slow.ta.command(cmd), TaErr::None) << ta_name(cmd);
    const std::uint64_t slow_clocks = slow.top.sim().cycles() - slow0;
    if (cmd == TaCmd::DrawNonce) {
      EXPECT_EQ(slow_clocks, fast_clocks) << "a draw waited for entropy it does not use";
    } else {
      EXPECT_GT(slow_clocks, fast_clocks + 250) << ta_name(cmd) << " did not wait for entropy";
    }
    slow.ta.hold_entropy(0);
  }
  EXPECT_EQ(to_hex(slow.ta.read_nonce()), to_hex(fast.ta.read_nonce()));
  EXPECT_EQ(to_hex(slow.ta.read_nonce()), to_hex(slow.top.ta_model().nonce()));
}

}  // namespace
}  // namespace tame::sim
