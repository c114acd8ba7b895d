// The driver of the trust anchor's port of a top with the key controller
// (rtl/ta/tame_ta_keyctrl.sv): register accesses over AXI4-Lite, the entropy port fed
// from a seeded source, and the key controller's commands, each waited for by polling
// STATUS and ERROR. It is a driver only: it tells a listener (TopHarness wires the
// model's TaKeyCtrlModel, tame/ta.hpp) of every command that finished, with the entropy
// it consumed and what ADIN held, and predicts nothing itself.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <span>
#include <stdexcept>

#include <fmt/format.h>

#include "clocked.hpp"
#include "tame/bytes.hpp"
#include "tame/contract.hpp"
#include "wide.hpp"

extern "C" {
#include "tame_ta_regs.h"
}

namespace tame::sim {

// Command and error codes of the key controller: generated from the SystemRDL
// (tame/contract.hpp, docs/ta-registers.md).
using tame::TaCmd;
using tame::TaErr;

#define TAME_TA_REG(name) static_cast<std::uint32_t>(offsetof(tame_ta_regs_t, name))

// A command the key controller finished, with what the DRBG saw.
struct TaCommandDone {
  TaCmd cmd;
  unsigned slot;
  bool with_adin;
  TaErr err;
  std::span<const std::uint8_t> entropy;  // the last entropy the controller consumed
  std::span<const std::uint8_t> adin;     // what ADIN held (48 bytes)
};

// A command the controller refused where the caller needed it done: names the command
// and the error as the register reference does ("trust anchor: LOAD_IMAGE_KEY refused:
// NO_KEY_STAGED (6)").
struct TaCommandError : Error {
  TaCommandError(TaCmd c, TaErr e)
      : Error("trust anchor", fmt::format("{} refused: {} ({})", ta_name(c), ta_name(e), static_cast<unsigned>(e))),
        cmd(c),
        err(e) {}
  TaCmd cmd;
  TaErr err;
};

template <class Dut>
class TaDriver {
 public:
  TaDriver(Clocked<Dut>& sim, std::uint64_t entropy_seed) : sim_(sim), entropy_rng_(entropy_seed) {
    next_entropy();
    idle();
  }

  // Inputs at rest; called after construction and after a reset.
  void idle() {
    auto& d = sim_.dut();
    d.ta_awvalid_i = d.ta_wvalid_i = d.ta_bready_i = 0;
    d.ta_arvalid_i = d.ta_rready_i = 0;
    d.ta_wstrb_i = 0xf;
    d.entropy_valid_i = 1;
    put_slice(d.entropy_i, 0, entropy_);
  }

  // Told of every command that finished (refused or done).
  void on_command_done(std::function<void(const TaCommandDone&)> listener) { listener_ = std::move(listener); }

  // The entropy source offers nothing for the next `clocks` clocks (a slow source, or
  // one still gathering), then serves again.
  void hold_entropy(unsigned clocks) { entropy_hold_ = clocks; }

  // One cycle with the entropy port served (unless held back).
  void tick() {
    auto& d = sim_.dut();
    d.entropy_valid_i = entropy_hold_ == 0;
    if (entropy_hold_ > 0) --entropy_hold_;
    sim_.settle();
    const bool took = d.entropy_valid_i && d.entropy_ready_o;
    sim_.posedge();
    if (took) {
      consumed_ = entropy_;
      next_entropy();
      put_slice(d.entropy_i, 0, entropy_);
    }
  }

  void write(std::uint32_t addr, std::uint32_t data) {
    auto& d = sim_.dut();
    d.ta_awaddr_i = addr;
    d.ta_wdata_i = data;
    d.ta_awvalid_i = d.ta_wvalid_i = 1;
    d.ta_bready_i = 1;
    bool aw = false, w = false;
    for (int i = 0; i < 1000; ++i) {
      sim_.settle();
      const bool aw_now = d.ta_awvalid_i && d.ta_awready_o, w_now = d.ta_wvalid_i && d.ta_wready_o;
      const bool b_now = d.ta_bvalid_o && d.ta_bready_i;
      tick();
      aw |= aw_now;
      w |= w_now;
      if (aw) d.ta_awvalid_i = 0;
      if (w) d.ta_wvalid_i = 0;
      if (b_now) {
        d.ta_bready_i = 0;
        return;
      }
    }
    throw std::runtime_error(fmt::format("TA register write at {:#x} got no response", addr));
  }

  std::uint32_t read(std::uint32_t addr) {
    auto& d = sim_.dut();
    d.ta_araddr_i = addr;
    d.ta_arvalid_i = 1;
    d.ta_rready_i = 1;
    for (int i = 0; i < 1000; ++i) {
      sim_.settle();
      const bool ar = d.ta_arvalid_i && d.ta_arready_o;
      const bool r = d.ta_rvalid_o && d.ta_rready_i;
      const std::uint32_t data = d.ta_rdata_o;
      tick();
      if (ar) d.ta_arvalid_i = 0;
      if (r) {
        d.ta_rready_i = 0;
        return data;
      }
    }
    throw std::runtime_error(fmt::format("TA register read at {:#x} got no response", addr));
  }

  std::uint32_t status() { return read(TAME_TA_REG(STATUS)); }

  // Runs a command and waits for it by polling: STATUS.busy until clear, then ERROR. The
  // CMD write's strobe is registered once before the controller's FSM sees it (two
  // edges, which the write's own response already covers; two more ticks keep that true
  // for any register slice in the port). A command done is counted in ERROR.done_count,
  // one refused sets ERROR.code. Returns the error code.
  TaErr command(TaCmd cmd, unsigned slot = 0, bool key256 = true, bool adin = false) {
    const std::uint32_t count0 = done_count(read(TAME_TA_REG(ERROR)));
    write(TAME_TA_REG(CMD), cmd_word(cmd, slot, key256, adin));
    tick(), tick();
    for (int i = 0; i < 20000; ++i) {
      // In the error state the controller stays busy, and every command's answer is FATAL.
      if ((status() & TAME_TA_REGS__STATUS__BUSY_bm) != 0 && (i % 64 != 63 || error_code() != TaErr::Fatal))
        continue;
      const std::uint32_t e = read(TAME_TA_REG(ERROR));
      const auto err = error_code(e);
      if (err == TaErr::None && done_count(e) == count0) continue;  // not there yet
      if (listener_) listener_({cmd, slot, adin, err, consumed_, adin_});
      return err;
    }
    throw std::runtime_error(fmt::format("TA command {} never finished", ta_name(cmd)));
  }

  // The same, for a command that must be done: throws TaCommandError otherwise.
  void run(TaCmd cmd, unsigned slot = 0, bool key256 = true, bool adin = false) {
    const TaErr err = command(cmd, slot, key256, adin);
    if (err != TaErr::None) throw TaCommandError(cmd, err);
  }

  // Polls STATUS until every bit of `mask` is set (slots ready after a load: a key slot
  // expands its round keys after the command is done).
  // Stops early when the TA reports FATAL (a fault: every key is gone, and nothing it
  // waits for will come).
  void wait_status(std::uint32_t mask, const char* what) {
    for (int i = 0; i < 20000; ++i) {
      if ((status() & mask) == mask) return;
      if (i % 64 == 63 && error_code() == TaErr::Fatal)
        throw std::runtime_error(fmt::format("TA STATUS: {} never set: the trust anchor reports FATAL", what));
    }
    throw std::runtime_error(fmt::format("TA STATUS: {} never set", what));
  }

  // ERROR.code, as read now or from an ERROR value.
  TaErr error_code() { return error_code(read(TAME_TA_REG(ERROR))); }
  static TaErr error_code(std::uint32_t error) {
    return static_cast<TaErr>((error & TAME_TA_REGS__ERROR__CODE_bm) >> TAME_TA_REGS__ERROR__CODE_bp);
  }

  // The CMD register's value for a command (fields from tame_ta_regs.h).
  static std::uint32_t cmd_word(TaCmd cmd, unsigned slot = 0, bool key256 = true, bool adin = false) {
    return ((static_cast<std::uint32_t>(cmd) << TAME_TA_REGS__CMD__CODE_bp) & TAME_TA_REGS__CMD__CODE_bm) |
           ((slot << TAME_TA_REGS__CMD__SLOT_bp) & TAME_TA_REGS__CMD__SLOT_bm) |
           ((std::uint32_t{key256} << TAME_TA_REGS__CMD__KEY256_bp) & TAME_TA_REGS__CMD__KEY256_bm) |
           ((std::uint32_t{adin} << TAME_TA_REGS__CMD__ADIN_bp) & TAME_TA_REGS__CMD__ADIN_bm);
  }

  void write_adin(std::span<const std::uint8_t> adin) {
    if (adin.size() > contract::kAdinBytes)
      throw std::invalid_argument(fmt::format("ADIN of {} bytes: at most {}", adin.size(), contract::kAdinBytes));
    std::array<std::uint8_t, contract::kAdinBytes> a{};
    std::copy(adin.begin(), adin.end(), a.begin());
    adin_ = Bytes(a.begin(), a.end());
    for (unsigned i = 0; i < contract::kAdinBytes / 4; ++i)
      write(TAME_TA_REG(ADIN_0) + 4 * i, (std::uint32_t{a[4 * i]} << 24) | (std::uint32_t{a[4 * i + 1]} << 16) |
                                           (std::uint32_t{a[4 * i + 2]} << 8) | a[4 * i + 3]);
  }

  // Whether block 1 takes AES-256 image keys (FEATURES, fixed per build; read once).
  bool disk_takes_aes256() {
    if (!disk_aes256_)
      disk_aes256_ = (read(TAME_TA_REG(FEATURES)) & TAME_TA_REGS__FEATURES__DISK_AES256_bm) != 0;
    return *disk_aes256_;
  }

  // The image key into KEY_LOAD (write-only), 4 or 8 words. A key the disk block cannot
  // run is refused here, as the RTL refuses it (KEY_SIZE): an AES-256 key for a block
  // built for AES-128 only.
  void stage_image_key(std::span<const std::uint8_t> key) {
    if (key.size() != contract::kAes128KeyBits / 8 && key.size() != contract::kKeyBits / 8)
      throw std::invalid_argument(fmt::format("image key of {} bytes: expected 16 or 32", key.size()));
    if (key.size() == contract::kKeyBits / 8 && !disk_takes_aes256())
      throw std::invalid_argument("an AES-256 image key, but this build's disk block runs AES-128 only");
    for (std::size_t i = 0; i < key.size() / 4; ++i)
      write(TAME_TA_REG(KEY_LOAD_0) + 4 * static_cast<std::uint32_t>(i),
            (std::uint32_t{key[4 * i]} << 24) | (std::uint32_t{key[4 * i + 1]} << 16) |
                (std::uint32_t{key[4 * i + 2]} << 8) | key[4 * i + 3]);
  }

  Bytes read_nonce() {
    Bytes n;
    for (unsigned i = 0; i < contract::kTaNonceBytes / 4; ++i) {
      const std::uint32_t w = read(TAME_TA_REG(TA_NONCE_0) + 4 * i);
      for (int b = 3; b >= 0; --b) n.push_back(static_cast<std::uint8_t>(w >> (8 * b)));
    }
    return n;
  }

  void configure(unsigned disk_slot, unsigned dram_slot, std::uint32_t core_slots) {
    write(TAME_TA_REG(CONFIG), ((disk_slot << TAME_TA_REGS__CONFIG__DISK_SLOT_bp) & TAME_TA_REGS__CONFIG__DISK_SLOT_bm) |
                                   ((dram_slot << TAME_TA_REGS__CONFIG__DRAM_SLOT_bp) & TAME_TA_REGS__CONFIG__DRAM_SLOT_bm) |
                                   ((core_slots << TAME_TA_REGS__CONFIG__CORE_SLOT_bp) & TAME_TA_REGS__CONFIG__CORE_SLOT_bm));
  }

 private:
  void next_entropy() {
    for (auto& b : entropy_) b = static_cast<std::uint8_t>(entropy_rng_());
  }

  static std::uint32_t done_count(std::uint32_t error_reg) {
    return (error_reg & TAME_TA_REGS__ERROR__DONE_COUNT_bm) >> TAME_TA_REGS__ERROR__DONE_COUNT_bp;
  }

  Clocked<Dut>& sim_;
  std::mt19937_64 entropy_rng_;
  std::array<std::uint8_t, contract::kEntropyBits / 8> entropy_{}, consumed_{};
  std::function<void(const TaCommandDone&)> listener_;
  Bytes adin_ = Bytes(contract::kAdinBytes, 0);   // what ADIN holds
  std::optional<bool> disk_aes256_;                   // FEATURES.disk_aes256, once read
  unsigned entropy_hold_ = 0;                         // clocks the source still holds back
};

}  // namespace tame::sim
