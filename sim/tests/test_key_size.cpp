// A build that cannot honour a request refuses it rather than do something else: a crypt
// block built for AES-128 only (MaxKeyBits = 128) would run AES-128 on half of an AES-256
// key. The block refuses such a key (taken off the port, never loaded, its slot left not
// ready), the trust anchor refuses LOAD_IMAGE_KEY of one (KEY_SIZE, and FEATURES says so
// beforehand), and the C++ drivers refuse to offer one. An AES-128 key still works, bit
// for bit.
//
// Models (rtl/configs.json): Vtame_ctr_crypt_k128 (tame_ctr_crypt, MaxKeyBits 128) and
// Vtame_top_k128 (tame_top, DiskMaxKeyBits 128, one lane per core to keep it small).
#include <random>
#include <stdexcept>

#include <gtest/gtest.h>

#include "Vtame_ctr_crypt_k128.h"
#include "Vtame_top_k128.h"
#include "clocked.hpp"
#include "key_port.hpp"
#include "ta_driver.hpp"
#include "tame/contract.hpp"
#include "tame/disk_crypt.hpp"
#include "test_support.hpp"
#include "wide.hpp"

namespace tame::sim {
namespace {

constexpr unsigned kAes128Only = contract::kAes128KeyBits;

// ---------------------------------------------------------------- the crypt block

struct Ctr128 {
  explicit Ctr128(std::uint64_t seed) : sim(seed) {
    auto& d = sim.dut();
    d.zeroize_i = d.key_valid_i = d.req_valid_i = d.in_valid_i = d.in_last_i = 0;
    d.out_ready_i = 1;
    sim.reset();
    for (int i = 0; i < 16; ++i) sim.settle(), sim.posedge();  // the slot RAMs wipe after reset
  }
  bool slot_ready(unsigned slot) {
    sim.settle();
    return (sim.dut().slot_ready_o >> slot) & 1U;
  }
  // Offers a key on the raw port, as a misbehaving key controller would, and returns
  // whether the block took it off the port.
  bool offer_raw_key(unsigned slot, const Bytes& key) {
    auto& d = sim.dut();
    std::array<std::uint8_t, contract::kKeyBits / 8> k{};
    std::copy(key.begin(), key.end(), k.begin());
    d.key_slot_i = slot;
    d.key256_i = key.size() == contract::kKeyBits / 8;
    put_slice(d.key_i, 0, k);
    d.key_valid_i = 1;
    bool taken = false;
    for (int i = 0; i < 100 && !taken; ++i) {
      sim.settle();
      taken = d.key_ready_o;
      sim.posedge();
    }
    d.key_valid_i = 0;
    return taken;
  }
  // One beat through slot `slot` under counter block nonce || index.
  Bytes crypt_beat(unsigned slot, std::uint64_t nonce, std::uint64_t index, const Bytes& in) {
    auto& d = sim.dut();
    d.req_slot_i = slot;
    d.req_nonce_i = nonce;
    d.req_index_i = index;
    d.req_valid_i = 1;
    put_slice(d.in_data_i, 0, in);
    d.in_tag_i = 0;
    d.in_last_i = 1;
    d.in_valid_i = 1;
    Bytes out(contract::kBeatBytes);
    for (int i = 0; i < 1000; ++i) {
      sim.settle();
      const bool req = d.req_valid_i && d.req_ready_o, beat = d.in_valid_i && d.in_ready_o;
      const bool done = d.out_valid_o && d.out_ready_i;
      if (done) get_slice(d.out_data_o, 0, out);
      sim.posedge();
      if (req) d.req_valid_i = 0;
      if (beat) d.in_valid_i = 0;
      if (done) return out;
    }
    throw std::runtime_error("no beat came out of the AES-128 block");
  }
  Clocked<Vtame_ctr_crypt_k128> sim;
};

TEST(KeySize, Aes128CryptBlockRefusesAes256Key) {
  std::mt19937_64 rng(21);
  Ctr128 b(21);
  const Bytes k128 = test::random_bytes(rng, 16), k256 = test::random_bytes(rng, 32);

  // The driver refuses to offer it at all.
  EXPECT_THROW(sideload_key(b.sim, 0, k256, 2000, kAes128Only), std::invalid_argument);
  EXPECT_THROW(check_key_size(32, kAes128Only), std::invalid_argument);
  EXPECT_NO_THROW(check_key_size(16, kAes128Only));

  // Offered anyway on the raw port: taken, never loaded; the slot stays not ready.
  ASSERT_TRUE(b.offer_raw_key(0, k256));
  for (int i = 0; i < 300; ++i) b.sim.settle(), b.sim.posedge();
  EXPECT_FALSE(b.slot_ready(0)) << "an AES-256 key was loaded into an AES-128 block";

  // A loaded slot that is asked to take an AES-256 key closes: its old key no longer
  // serves, as if the new one had been loaded.
  sideload_key(b.sim, 1, k128, 2000, kAes128Only);
  EXPECT_TRUE(b.slot_ready(1));
  ASSERT_TRUE(b.offer_raw_key(1, k256));
  for (int i = 0; i < 300; ++i) b.sim.settle(), b.sim.posedge();
  EXPECT_FALSE(b.slot_ready(1));

  // An AES-128 key loads into the refused slot and runs AES-128 bit for bit.
  sideload_key(b.sim, 0, k128, 2000, kAes128Only);
  EXPECT_TRUE(b.slot_ready(0));
  const std::uint64_t nonce = rng(), index = rng();
  const Bytes in = test::random_bytes(rng, contract::kBeatBytes);
  Bytes want(in.size());
  DiskCrypt(k128, nonce).crypt_blocks(index, in, want);
  EXPECT_EQ(to_hex(b.crypt_beat(0, nonce, index, in)), to_hex(want));
}

// ---------------------------------------------------------------- the trust anchor

struct Top128 {
  explicit Top128(std::uint64_t seed) : sim(seed), ta(sim, seed ^ 0x5eed) {
    auto& d = sim.dut();
    d.disk_req_valid_i = d.disk_valid_i = d.page_valid_i = 0;
    d.dram_ready_i = 1;
    d.fill_valid_i = d.wb_valid_i = 0;
    d.l2_ready_i = d.l3_ready_i = 3;
    sim.reset();
    for (int i = 0; i < 16; ++i) ta.tick();  // the key-slot RAMs wipe themselves after reset
  }
  std::uint32_t status() { return ta.read(TAME_TA_REG(STATUS)); }
  // KEY_LOAD written word by word, past the driver's own refusal (as firmware could).
  void write_key_load(const Bytes& key) {
    for (std::size_t i = 0; i < key.size() / 4; ++i)
      ta.write(TAME_TA_REG(KEY_LOAD_0) + 4 * static_cast<std::uint32_t>(i),
               (std::uint32_t{key[4 * i]} << 24) | (std::uint32_t{key[4 * i + 1]} << 16) |
                   (std::uint32_t{key[4 * i + 2]} << 8) | key[4 * i + 3]);
  }
  Clocked<Vtame_top_k128> sim;
  TaDriver<Vtame_top_k128> ta;
};

constexpr std::uint32_t disk_ready_bit(unsigned slot) { return 1U << (TAME_TA_REGS__STATUS__DISK_SLOT_READY_bp + slot); }

TEST(KeySize, TrustAnchorRefusesAes256ImageKeyForAes128DiskBlock) {
  std::mt19937_64 rng(22);
  Top128 t(22);
  EXPECT_EQ(t.ta.read(TAME_TA_REG(FEATURES)) & TAME_TA_REGS__FEATURES__DISK_AES256_bm, 0U);
  EXPECT_FALSE(t.ta.disk_takes_aes256());
  ASSERT_EQ(t.ta.command(TaCmd::Instantiate), TaErr::None);

  // The driver refuses to stage it.
  const Bytes k256 = test::random_bytes(rng, 32);
  EXPECT_THROW(t.ta.stage_image_key(k256), std::invalid_argument);

  // Firmware that writes it anyway gets KEY_SIZE, and nothing changes: no slot loaded,
  // the key still staged.
  t.write_key_load(k256);
  ASSERT_NE(t.status() & TAME_TA_REGS__STATUS__KEY_STAGED_bm, 0U);
  EXPECT_EQ(t.ta.command(TaCmd::LoadImageKey, 0, true), TaErr::KeySize);
  for (int i = 0; i < 300; ++i) t.ta.tick();
  EXPECT_EQ(t.status() & TAME_TA_REGS__STATUS__DISK_SLOT_READY_bm, 0U);
  EXPECT_NE(t.status() & TAME_TA_REGS__STATUS__KEY_STAGED_bm, 0U) << "a refused command changed KEY_LOAD";

  // A locked slot is reported first, as for any size.
  EXPECT_EQ(t.ta.command(TaCmd::LockDiskSlot, 3), TaErr::None);
  EXPECT_EQ(t.ta.command(TaCmd::LoadImageKey, 3, true), TaErr::SlotLocked);

  // An AES-128 image key loads.
  t.ta.stage_image_key(test::random_bytes(rng, 16));
  EXPECT_EQ(t.ta.command(TaCmd::LoadImageKey, 1, false), TaErr::None);
  for (int i = 0; i < 300 && (t.status() & disk_ready_bit(1)) == 0; ++i) t.ta.tick();
  EXPECT_EQ(t.status() & TAME_TA_REGS__STATUS__DISK_SLOT_READY_bm, disk_ready_bit(1));
  EXPECT_EQ(t.status() & TAME_TA_REGS__STATUS__KEY_STAGED_bm, 0U) << "KEY_LOAD is cleared by its use";
}

}  // namespace
}  // namespace tame::sim
