// The key vault in RTL (rtl/ta/tame_key_vault.sv) against a reference model written here:
// 10,000 random clocks of writes, reads from every port, locks, clears, zeroize and resets,
// every output compared every clock; each refusal once by hand, shown to change nothing
// (the vault's marked registers read byte for byte before and after); the UDS from the
// fuse readable by the hash-message port only; zeroize and reset leave no marked bit set;
// and no read port ever shows data except in the clock of a granted read.
#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "Vtame_key_vault.h"
#include "clocked.hpp"
#include "secrets.hpp"
#include "test_support.hpp"
#include "wide.hpp"

namespace tame::sim {
namespace {

// The default build: 8 slots, the UDS in slot 0, three read ports (tame_key_vault's defaults).
constexpr unsigned kSlots = 8;
constexpr unsigned kSlotW = 3;
constexpr unsigned kReaders = 3;
constexpr unsigned kUsageW = 5;
constexpr unsigned kErrW = 3;
constexpr unsigned kFuseSlot = 0;
constexpr unsigned kWords = 16;   // 512 bits as Verilator's 32-bit words, word 0 = [31:0]

// tame_pkg::vault_use_e and vault_err_e.
enum Use : std::uint8_t { kHmacKey = 1, kHashMsg = 2, kEd25519 = 4, kX25519 = 8, kAesKey = 16 };
enum class Code : unsigned { kOk = 0, kEmpty = 1, kUsage = 2, kUseLocked = 3, kWriteLocked = 4, kLength = 5 };
constexpr std::array<std::uint8_t, kReaders> kReaderUse = {kHmacKey, kHashMsg, kAesKey};
constexpr unsigned kHashReader = 1;

using Data = std::array<std::uint32_t, kWords>;

Data random_data(std::mt19937_64& rng) {
  Data d;
  for (auto& w : d) w = static_cast<std::uint32_t>(rng());
  return d;
}
bool is_zero(const Data& d) { return std::all_of(d.begin(), d.end(), [](std::uint32_t w) { return w == 0; }); }
// A 32-byte key lives in [511:256]: the low eight words are zero.
Data short_key(Data d) {
  std::fill(d.begin(), d.begin() + kWords / 2, 0U);
  return d;
}

// One clock's inputs.
struct Inputs {
  bool zeroize = false;
  bool wr_valid = false;
  unsigned wr_slot = 0;
  Data wr_data{};
  bool wr_wide = false;
  std::uint8_t wr_usage = 0;
  std::array<bool, kReaders> rd_req{};
  std::array<unsigned, kReaders> rd_slot{};
  std::array<bool, kReaders> rd_wide{};
  std::uint8_t lock_write = 0;
  std::uint8_t lock_use = 0;
  std::uint8_t clear = 0;
};

// ---------------------------------------------------------------- the reference model
struct Slot {
  Data data{};
  bool valid = false;
  bool wide = false;
  std::uint8_t usage = 0;
  bool wlock = false;
  bool ulock = false;
};

struct Answer {
  bool valid = false;
  Code code = Code::kOk;
  Data data{};
};

class VaultModel {
 public:
  void reset() { *this = VaultModel{}; }

  bool wr_ready(const Inputs& in) const { return !fuse_pending && !in.zeroize; }

  // The clock edge: the answers to this clock's requests and the state after it. Reads
  // see the state before; then clears, the write, the fuse and zeroize in that order.
  void edge(const Inputs& in, bool fuse_valid, const Data& fuse) {
    for (unsigned i = 0; i < kReaders; ++i) {
      Answer a;
      a.valid = in.rd_req[i];
      if (in.rd_req[i]) {
        const Slot& s = slots[in.rd_slot[i]];
        if (in.zeroize || !s.valid) a.code = Code::kEmpty;
        else if ((s.usage & kReaderUse[i]) == 0) a.code = Code::kUsage;
        else if (s.ulock) a.code = Code::kUseLocked;
        else if (s.wide != in.rd_wide[i]) a.code = Code::kLength;
        else a.data = s.data;
      }
      rd[i] = a;
    }
    const std::array<Slot, kSlots> before = slots;
    const bool take = in.wr_valid && wr_ready(in);
    wr_done = take;
    wr_err = take && before[in.wr_slot].wlock ? Code::kWriteLocked : Code::kOk;
    for (unsigned k = 0; k < kSlots; ++k) {
      Slot& s = slots[k];
      s.wlock |= ((in.lock_write >> k) & 1U) != 0;
      s.ulock |= ((in.lock_use >> k) & 1U) != 0;
      if (((in.clear >> k) & 1U) != 0 && !before[k].wlock) s.data = {}, s.valid = false, s.wide = false, s.usage = 0;
    }
    if (take && !before[in.wr_slot].wlock) {
      Slot& s = slots[in.wr_slot];
      s.data = in.wr_wide ? in.wr_data : short_key(in.wr_data);
      s.valid = true;
      s.wide = in.wr_wide;
      s.usage = in.wr_usage;
    }
    if (fuse_pending && fuse_valid && !in.zeroize) {
      Slot& s = slots[kFuseSlot];
      s.data = short_key(fuse);
      s.valid = true;
      s.wide = false;
      s.usage = kHashMsg;
      s.wlock = true;
    }
    if (in.zeroize) {
      for (auto& s : slots) s.data = {}, s.valid = false, s.wide = false, s.usage = 0;
    }
    fuse_pending = false;
  }

  std::array<Slot, kSlots> slots{};
  std::array<Answer, kReaders> rd{};
  bool wr_done = false;
  Code wr_err = Code::kOk;
  bool fuse_pending = true;   // the first clock after reset reads the fuse
};

// ---------------------------------------------------------------- the driver
class Vault {
 public:
  explicit Vault(std::uint64_t seed) : sim_(seed), rng_(seed) { reset(true, random_data(rng_)); }

  // Reset with the fuse inputs as given; the next clock is the fuse clock.
  void reset(bool fuse_valid, const Data& fuse) {
    fuse_valid_ = fuse_valid;
    fuse_ = fuse;
    auto& d = sim_.dut();
    d.fuse_valid_i = fuse_valid;
    for (unsigned w = 0; w < 8; ++w) d.fuse_uds_i[w] = fuse[8 + w];
    drive({});
    sim_.reset();
    model_.reset();
    sim_.settle();
  }

  // One clock with these inputs; every output compared with the model after the edge.
  void step(const Inputs& in) {
    auto& d = sim_.dut();
    drive(in);
    sim_.settle();
    EXPECT_EQ(d.wr_ready_o != 0, model_.wr_ready(in)) << "wr_ready_o at cycle " << sim_.cycles();
    model_.edge(in, fuse_valid_, fuse_);
    sim_.posedge();
    check();
  }

  void idle() { step({}); }

  const VaultModel& model() const { return model_; }
  Vtame_key_vault& dut() { return sim_.dut(); }
  const VerilatedContext& context() const { return sim_.context(); }
  std::mt19937_64& rng() { return rng_; }
  Data fuse() const { return fuse_; }

  Code code(unsigned i) { return static_cast<Code>((dut().rd_err_o >> (i * kErrW)) & 7U); }
  Data data(unsigned i) {
    Data out;
    for (unsigned w = 0; w < kWords; ++w) out[w] = dut().rd_data_o[i * kWords + w];
    return out;
  }

 private:
  void drive(const Inputs& in) {
    auto& d = sim_.dut();
    d.zeroize_i = in.zeroize;
    d.wr_valid_i = in.wr_valid;
    d.wr_slot_i = in.wr_slot;
    // The write bus carries the data, or noise while no write is offered: it must not matter.
    for (unsigned w = 0; w < kWords; ++w) d.wr_data_i[w] = in.wr_valid ? in.wr_data[w] : static_cast<std::uint32_t>(rng_());
    d.wr_wide_i = in.wr_wide;
    d.wr_usage_i = in.wr_usage;
    std::uint32_t req = 0, slot = 0, wide = 0;
    for (unsigned i = 0; i < kReaders; ++i) {
      req |= static_cast<std::uint32_t>(in.rd_req[i]) << i;
      wide |= static_cast<std::uint32_t>(in.rd_wide[i]) << i;
      slot |= (in.rd_req[i] ? in.rd_slot[i] : static_cast<unsigned>(rng_() % kSlots)) << (i * kSlotW);
    }
    d.rd_req_i = req;
    d.rd_slot_i = slot;
    d.rd_wide_i = wide;
    d.lock_write_i = in.lock_write;
    d.lock_use_i = in.lock_use;
    d.clear_i = in.clear;
  }

  void check() {
    auto& d = sim_.dut();
    const auto at = " at cycle " + std::to_string(sim_.cycles());
    for (unsigned i = 0; i < kReaders; ++i) {
      const Answer& a = model_.rd[i];
      ASSERT_EQ(((d.rd_valid_o >> i) & 1U) != 0, a.valid) << "reader " << i << at;
      ASSERT_EQ(code(i), a.code) << "reader " << i << at;
      ASSERT_EQ(data(i), a.data) << "reader " << i << at;
      // No stale key on a port: data only in the clock of a granted read.
      if (!a.valid || a.code != Code::kOk) {
        ASSERT_TRUE(is_zero(data(i))) << "reader " << i << " shows data" << at;
      }
    }
    ASSERT_EQ(d.wr_done_o != 0, model_.wr_done) << at;
    ASSERT_EQ(static_cast<Code>(d.wr_err_o), model_.wr_err) << at;
    for (unsigned k = 0; k < kSlots; ++k) {
      const Slot& s = model_.slots[k];
      ASSERT_EQ(((d.slot_valid_o >> k) & 1U) != 0, s.valid) << "slot " << k << at;
      ASSERT_EQ(((d.slot_wide_o >> k) & 1U) != 0, s.wide) << "slot " << k << at;
      ASSERT_EQ(((d.slot_wlock_o >> k) & 1U) != 0, s.wlock) << "slot " << k << at;
      ASSERT_EQ(((d.slot_ulock_o >> k) & 1U) != 0, s.ulock) << "slot " << k << at;
      ASSERT_EQ((d.slot_usage_o >> (k * kUsageW)) & 0x1fU, s.usage) << "slot " << k << at;
    }
  }

  Clocked<Vtame_key_vault> sim_;
  std::mt19937_64 rng_;
  VaultModel model_;
  bool fuse_valid_ = false;
  Data fuse_{};
};

std::vector<std::string> live_secrets(const Vault& v) { return tame::sim::live_secrets(v.context()); }

Inputs write(unsigned slot, const Data& data, bool wide, std::uint8_t usage) {
  Inputs in;
  in.wr_valid = true;
  in.wr_slot = slot;
  in.wr_data = data;
  in.wr_wide = wide;
  in.wr_usage = usage;
  return in;
}

Inputs read(unsigned reader, unsigned slot, bool wide) {
  Inputs in;
  in.rd_req[reader] = true;
  in.rd_slot[reader] = slot;
  in.rd_wide[reader] = wide;
  return in;
}

Inputs random_inputs(Vault& v) {
  auto& rng = v.rng();
  Inputs in;
  if (rng() % 5 < 2) {
    in.wr_valid = true;
    in.wr_slot = static_cast<unsigned>(rng() % kSlots);
    in.wr_data = random_data(rng);
    in.wr_wide = (rng() & 1) != 0;
    switch (rng() % 3) {
      case 0: in.wr_usage = kReaderUse[rng() % kReaders]; break;
      case 1: in.wr_usage = kReaderUse[rng() % kReaders] | kReaderUse[rng() % kReaders]; break;
      default: in.wr_usage = static_cast<std::uint8_t>(rng() & 0x1f); break;
    }
  }
  for (unsigned i = 0; i < kReaders; ++i) {
    if (rng() % 5 >= 3) continue;
    in.rd_req[i] = true;
    in.rd_slot[i] = static_cast<unsigned>(rng() % kSlots);
    // mostly the slot's own length, so that reads are granted often
    in.rd_wide[i] = rng() % 10 < 7 ? v.model().slots[in.rd_slot[i]].wide : (rng() & 1) != 0;
  }
  for (unsigned k = 0; k < kSlots; ++k) {
    if (rng() % 15000 == 0) in.lock_write |= static_cast<std::uint8_t>(1U << k);
    if (rng() % 3000 == 0) in.lock_use |= static_cast<std::uint8_t>(1U << k);
    if (rng() % 200 == 0) in.clear |= static_cast<std::uint8_t>(1U << k);
  }
  in.zeroize = rng() % 1200 == 0;
  return in;
}

// 10,000 random clocks, every output compared with the model every clock, with resets
// (the fuse present or not, a new UDS each time) and zeroizes among them. Every read
// result is seen on every port, and both lengths granted and refused.
TEST(KeyVaultRtl, RandomOperationsMatchModel) {
  const std::uint64_t seed = test::test_seed();
  Vault v(seed);
  auto& rng = v.rng();
  std::array<std::array<unsigned, 6>, kReaders> codes{};
  std::array<std::array<unsigned, 2>, kReaders> granted{};
  unsigned write_locked = 0;
  for (int c = 0; c < 10'000; ++c) {
    if (rng() % 1500 == 0) v.reset(rng() % 8 != 0, random_data(rng));
    const Inputs in = random_inputs(v);
    v.step(in);
    if (::testing::Test::HasFatalFailure()) FAIL() << "seed " << seed;
    for (unsigned i = 0; i < kReaders; ++i) {
      if (!in.rd_req[i]) continue;
      ++codes[i][static_cast<unsigned>(v.model().rd[i].code)];
      if (v.model().rd[i].code == Code::kOk) ++granted[i][in.rd_wide[i]];
    }
    if (v.model().wr_done && v.model().wr_err == Code::kWriteLocked) ++write_locked;
  }
  for (unsigned i = 0; i < kReaders; ++i) {
    for (const Code c : {Code::kOk, Code::kEmpty, Code::kUsage, Code::kUseLocked, Code::kLength}) {
      EXPECT_GT(codes[i][static_cast<unsigned>(c)], 0U) << "reader " << i << " never saw code " << static_cast<unsigned>(c);
    }
    EXPECT_GT(granted[i][0], 0U) << "reader " << i;
    EXPECT_GT(granted[i][1], 0U) << "reader " << i;
  }
  EXPECT_GT(write_locked, 0U);
}

// Each refusal once: its code, zero data, and the marked registers and the status
// outputs the same before and after.
TEST(KeyVaultRtl, EveryRefusalChangesNothing) {
  Vault v(2);
  auto& rng = v.rng();
  v.idle();                                           // the fuse clock: UDS into slot 0
  const Data hmac_key = random_data(rng);
  v.step(write(1, hmac_key, true, kHmacKey));         // slot 1: a 64-byte HMAC key
  v.step(write(2, random_data(rng), false, kAesKey)); // slot 2: a 32-byte AES key, use-locked
  Inputs lock;
  lock.lock_use = 1U << 2;
  v.step(lock);
  v.idle();

  struct Case {
    const char* name;
    Inputs in;
    unsigned reader;   // kReaders for the write
    Code code;
  };
  const std::vector<Case> cases = {
      {"empty slot", read(0, 5, true), 0, Code::kEmpty},
      {"wrong usage", read(2, 1, true), 2, Code::kUsage},
      {"use locked", read(2, 2, false), 2, Code::kUseLocked},
      {"wrong length", read(0, 1, false), 0, Code::kLength},
      {"write locked", write(kFuseSlot, random_data(rng), true, 0x1f), kReaders, Code::kWriteLocked},
  };
  for (const auto& c : cases) {
    const auto before = secret_bytes(v.context());
    const VaultModel model_before = v.model();
    v.step(c.in);
    if (c.reader < kReaders) {
      EXPECT_TRUE((v.dut().rd_valid_o >> c.reader) & 1U) << c.name;
      EXPECT_EQ(v.code(c.reader), c.code) << c.name;
      EXPECT_TRUE(is_zero(v.data(c.reader))) << c.name;
    } else {
      EXPECT_TRUE(v.dut().wr_done_o) << c.name;
      EXPECT_EQ(static_cast<Code>(v.dut().wr_err_o), c.code) << c.name;
    }
    EXPECT_EQ(secret_bytes(v.context()), before) << c.name << ": a marked register changed";
    for (unsigned k = 0; k < kSlots; ++k) {
      EXPECT_EQ(v.model().slots[k].data, model_before.slots[k].data) << c.name;
      EXPECT_EQ(v.model().slots[k].valid, model_before.slots[k].valid) << c.name;
      EXPECT_EQ(v.model().slots[k].usage, model_before.slots[k].usage) << c.name;
    }
  }
  // The key is still there and still served.
  v.step(read(0, 1, true));
  EXPECT_EQ(v.code(0), Code::kOk);
  EXPECT_EQ(v.data(0), hmac_key);
  v.idle();
  EXPECT_TRUE(is_zero(v.data(0))) << "the data held past its clock";
}

// The UDS from the fuse: in slot 0 as a 32-byte hash message, write-locked; read only by
// the hash-message port asking for 32 bytes; not overwritten or cleared; gone with a
// zeroize until the next reset, which reads the fuse again.
TEST(KeyVaultRtl, FuseUdsReadableOnlyAsHashMessage) {
  Vault v(3);
  Inputs first = write(kFuseSlot, random_data(v.rng()), true, 0x1f);
  v.step(first);   // the fuse clock: no write is taken
  EXPECT_FALSE(v.dut().wr_done_o);
  EXPECT_TRUE(v.model().slots[kFuseSlot].wlock);
  EXPECT_EQ(v.model().slots[kFuseSlot].usage, kHashMsg);
  v.step(read(kHashReader, kFuseSlot, false));
  EXPECT_EQ(v.code(kHashReader), Code::kOk);
  EXPECT_EQ(v.data(kHashReader), short_key(v.fuse()));
  for (unsigned i = 0; i < kReaders; ++i) {
    if (i == kHashReader) continue;
    for (const bool wide : {false, true}) {
      v.step(read(i, kFuseSlot, wide));
      EXPECT_EQ(v.code(i), Code::kUsage) << "reader " << i;
    }
  }
  v.step(write(kFuseSlot, random_data(v.rng()), false, kHashMsg | kHmacKey));
  EXPECT_EQ(static_cast<Code>(v.dut().wr_err_o), Code::kWriteLocked);
  Inputs clear;
  clear.clear = 1U << kFuseSlot;
  v.step(clear);
  EXPECT_TRUE(v.model().slots[kFuseSlot].valid);
  Inputs z;
  z.zeroize = true;
  v.step(z);
  v.step(read(kHashReader, kFuseSlot, false));
  EXPECT_EQ(v.code(kHashReader), Code::kEmpty);
  v.step(write(kFuseSlot, random_data(v.rng()), false, kHashMsg));
  EXPECT_EQ(static_cast<Code>(v.dut().wr_err_o), Code::kWriteLocked) << "the UDS slot is writable after zeroize";
  v.reset(true, v.fuse());
  v.idle();
  v.step(read(kHashReader, kFuseSlot, false));
  EXPECT_EQ(v.data(kHashReader), short_key(v.fuse()));
  v.reset(false, random_data(v.rng()));
  v.idle();
  EXPECT_EQ(v.dut().slot_valid_o, 0U) << "no fuse: the slot stays empty";
  EXPECT_EQ(v.dut().slot_wlock_o, 0U);
}

// With every slot full, a granted read on every port and locks set: zeroize leaves every
// marked register zero and keeps the locks; a reset leaves every marked register zero too.
TEST(KeyVaultRtl, ZeroizeAndResetLeaveNoSecret) {
  Vault v(4);
  EXPECT_EQ(secret_signals(v.context()).size(), 2U) << "the inspector should see slot_q and rd_data_q";
  for (int round = 0; round < 2; ++round) {
    v.reset(true, random_data(v.rng()));
    v.idle();
    for (unsigned k = 1; k < kSlots; ++k) v.step(write(k, random_data(v.rng()), true, 0x1f));
    Inputs locks;
    locks.lock_write = 0x0c;
    locks.lock_use = 0x30;
    v.step(locks);
    Inputs reads;
    for (unsigned i = 0; i < kReaders; ++i) reads.rd_req[i] = true, reads.rd_slot[i] = 1 + i, reads.rd_wide[i] = true;
    v.step(reads);
    ASSERT_EQ(v.dut().rd_valid_o, 7U);
    ASSERT_EQ(v.dut().rd_err_o, 0U);
    EXPECT_EQ(live_secrets(v).size(), 2U);
    if (round == 0) {
      Inputs z;
      z.zeroize = true;
      v.step(z);
      const auto left = live_secrets(v);
      EXPECT_TRUE(left.empty()) << left.size() << " marked registers still set after zeroize, e.g. " << left.front();
      EXPECT_EQ(v.dut().slot_wlock_o, 0x0dU) << "zeroize keeps the locks (the fuse slot's too)";
      EXPECT_EQ(v.dut().slot_ulock_o, 0x30U);
      EXPECT_EQ(v.dut().slot_valid_o, 0U);
    } else {
      v.reset(false, Data{});
      const auto left = live_secrets(v);
      EXPECT_TRUE(left.empty()) << left.size() << " marked registers still set after reset, e.g. " << left.front();
      EXPECT_EQ(v.dut().slot_wlock_o, 0U);
      EXPECT_EQ(v.dut().slot_ulock_o, 0U);
    }
  }
}

}  // namespace
}  // namespace tame::sim
