// Drives the memory path (rtl/mem/tame_mem_path.sv): the trust-anchor side (keys, which
// slot serves block 2 and each core), and the host side: pages into block 2, line fills
// and write-backs into each core's block 3, with random gaps on every input and
// output. It is a bus driver only: it collects what comes out, in order, and leaves
// the checking to the scoreboard (mem_scoreboard.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <random>
#include <span>
#include <vector>

#include "clocked.hpp"
#include "ctr_crypt_driver.hpp"  // Pressure
#include "tame/bytes.hpp"
#include "tame/line_crypt.hpp"  // tame::Line

namespace tame::sim {

struct LineWrite {        // a line leaving toward DRAM or L3: ciphertext and its nonce
  std::uint64_t line;     // line address, A >> 6
  std::uint64_t nonce;
  Line data;
};
struct LineFill {         // a line coming from L3 toward a core
  std::uint64_t line;
  std::uint64_t nonce;
  Line data;
};
struct LinePlain {        // a line in plaintext (into L2, or a write-back from L2)
  std::uint64_t line;
  Line data;
};

struct MemPressure {
  double in_valid = 1.0;  // per input channel and cycle: offer the next item
  double out_ready = 1.0; // per output channel and cycle: take what is offered
};

// Dut is tame_mem_path (pages arrive as plaintext beats) or tame_top (pages arrive as
// ciphertext from the disk, through block 1, with their counter blocks). Key loads are
// for tame_mem_path only: tame_top's keys come from its trust anchor (ta_driver.hpp).
template <class Dut>
class MemPathDriver {
 public:
  static constexpr bool kDiskPath = requires(Dut& d) { d.disk_valid_i; };

  MemPathDriver(unsigned cores, std::uint64_t seed);

  unsigned cores() const { return cores_; }
  Clocked<Dut>& sim() { return sim_; }
  std::uint64_t cycles() const { return sim_.cycles(); }

  // ---- trust-anchor side
  void reset();                                               // also drops all queues
  void load_key(unsigned slot, std::span<const std::uint8_t> key);  // waits for every block
  // A key load offered during the next run, beside the traffic (a reload under load).
  void queue_key_load(unsigned slot, std::span<const std::uint8_t> key);
  void zeroize();
  void set_dram_slot(unsigned slot);
  void set_core_slot(unsigned core, unsigned slot);
  bool slot_ready(unsigned slot);
  bool nonce_open(unsigned slot);

  // ---- host side: queue work, then run
  void queue_page(std::uint64_t first_line, std::span<const std::uint8_t> page /*contract::kPageBytes*/);
  // tame_top: a sealed page as read from disk, decrypted by block 1 with counter blocks
  // ctr_nonce || BE64(first_index + j), then written by block 2 from first_line on.
  void queue_disk_page(std::uint64_t first_line, std::uint64_t ctr_nonce, std::uint64_t first_index,
                       std::span<const std::uint8_t> sealed_page /*contract::kPageBytes*/);
  void queue_fill(unsigned core, const LineFill& fill);
  void queue_write_back(unsigned core, const LinePlain& wb);
  bool idle() const;  // nothing queued and nothing owed

  // Runs until every queued item has come out (true), or for stop_after cycles (false;
  // inputs then go idle and the next run carries on where this one stopped).
  bool run(MemPressure pressure, std::mt19937_64& rng, std::uint64_t stop_after = UINT64_MAX);

  // What came out, in order, since the last take_*().
  std::vector<LineWrite> take_dram_writes();
  std::vector<LinePlain> take_l2(unsigned core);
  std::vector<LineWrite> take_l3(unsigned core);

 private:
  struct Core {
    std::deque<LineFill> fills;
    std::deque<LinePlain> wbs;
    bool fill_on_bus = false, wb_on_bus = false;
    std::size_t owed = 0;   // taken in, not yet out
    std::vector<LinePlain> l2;
    std::vector<LineWrite> l3;
  };
  void idle_inputs();

  unsigned cores_;
  Clocked<Dut> sim_;
  struct PageJob {
    std::uint64_t first_line;
    Bytes data;                 // plaintext (tame_mem_path) or ciphertext (tame_top)
    std::uint64_t ctr_nonce = 0, first_index = 0;
  };
  std::deque<PageJob> pages_;
  bool disk_req_sent_ = false, disk_req_on_bus_ = false;
  std::deque<std::pair<unsigned, Bytes>> keys_;        // queued key loads
  std::size_t beats_sent_ = 0;                         // of the front page
  bool page_req_sent_ = false, page_on_bus_ = false, beat_on_bus_ = false;
  std::size_t dram_owed_ = 0;
  std::vector<LineWrite> dram_;
  std::vector<Core> core_;
};

}  // namespace tame::sim
