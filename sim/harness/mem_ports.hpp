// One driver per port type of the memory tops (tame_mem_path, tame_top), each a bus
// driver only: it offers what is queued, with random gaps, and collects what comes out,
// in order; the checking is the scoreboard's (mem_scoreboard.hpp). The harnesses
// (mem_harness.hpp) compose them per top and step them together, one clock at a time:
//   KeySideloadPort  tame_mem_path's trust-anchor pins: key sideload, zeroize, slot choice
//   BeatPagePort     a page request into block 2, then its plaintext beats (tame_mem_path)
//   DiskPagePort     block 1's request and ciphertext beats from the disk, and block 2's
//                    page request (tame_top)
//   DramPort         what block 2 writes toward DRAM
//   CorePorts        each core's block 3: fills from L3, write-backs from L2, lines out
// Every part has idle_inputs(), clear(), idle(), drive(Coins&) (inputs for this cycle)
// and sample() (this cycle's handshakes, after the inputs settled; true on progress).
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <random>
#include <span>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "clocked.hpp"
#include "key_port.hpp"
#include "tame/bytes.hpp"
#include "tame/contract.hpp"
#include "tame/line_crypt.hpp"  // tame::Line
#include "wide.hpp"

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

// The coins of one run: whether an input offers its next item, an output takes.
class Coins {
 public:
  Coins(MemPressure p, std::mt19937_64& rng) : p_(p), rng_(rng) {}
  bool offer() { return p_.in_valid >= 1.0 || coin_(rng_) < p_.in_valid; }
  bool take() { return p_.out_ready >= 1.0 || coin_(rng_) < p_.out_ready; }

 private:
  MemPressure p_;
  std::mt19937_64& rng_;
  std::uniform_real_distribution<double> coin_{0.0, 1.0};
};

namespace port {
// The port geometry (tame_contract_pkg in the RTL, the same generated contract here).
inline constexpr unsigned kSlotBits = contract::kKeySlotBits;
inline constexpr std::size_t kBeatsPerPage = contract::kBeatsPerPage;
inline constexpr std::size_t kBeatBytes = contract::kBeatBytes;
inline constexpr std::size_t kPageBytes = contract::kPageBytes;
inline constexpr std::size_t kLinesPerPage = contract::kLinesPerPage;
inline constexpr std::size_t kAddrBits = contract::kLineAddrBits;     // a line address on the ports
inline constexpr std::size_t kNonceBits = contract::kLineNonceBits;
inline constexpr std::size_t kLineWords = contract::kLineBytes / 4;   // a line in 32-bit port words

inline void check_page(std::span<const std::uint8_t> page) {
  if (page.size() != kPageBytes) throw std::invalid_argument(fmt::format("a page is {} bytes", kPageBytes));
}
}  // namespace port

// ---- tame_mem_path's trust-anchor pins
template <class Dut>
class KeySideloadPort {
 public:
  explicit KeySideloadPort(Clocked<Dut>& sim) : sim_(sim) {
    // The configuration starts at slot 0 everywhere (inputs, too, start random).
    sim_.dut().dram_slot_i = 0;
    sim_.dut().core_slot_i = 0;
  }

  // Loads a key now and waits until every block has it.
  void load_key(unsigned slot, std::span<const std::uint8_t> key) { sideload_key(sim_, slot, key); }
  // A key load offered during the next run, beside the traffic (a reload under load).
  void queue_key_load(unsigned slot, std::span<const std::uint8_t> key) {
    keys_.emplace_back(slot, Bytes(key.begin(), key.end()));
  }
  void zeroize() { sim_.zeroize(); }
  void set_dram_slot(unsigned slot) { sim_.dut().dram_slot_i = slot; }
  void set_core_slot(unsigned core, unsigned slot) {
    auto& v = sim_.dut().core_slot_i;
    const unsigned shift = core * port::kSlotBits;
    v = static_cast<std::remove_reference_t<decltype(v)>>((v & ~(((1U << port::kSlotBits) - 1) << shift)) |
                                                          (slot << shift));
  }
  bool slot_ready(unsigned slot) {
    sim_.settle();
    return (sim_.dut().slot_ready_o >> slot) & 1U;
  }
  bool nonce_open(unsigned slot) {
    sim_.settle();
    return (sim_.dut().nonce_open_o >> slot) & 1U;
  }

  void idle_inputs() {
    sim_.dut().zeroize_i = 0;
    sim_.dut().key_valid_i = 0;
  }
  void clear() { keys_.clear(); }
  bool idle() const { return keys_.empty(); }
  void drive(Coins&) {
    auto& d = sim_.dut();
    d.key_valid_i = !keys_.empty();
    if (!keys_.empty()) drive_key(d, keys_.front().first, keys_.front().second);
  }
  bool sample() {
    auto& d = sim_.dut();
    if (!(d.key_valid_i && d.key_ready_o)) return false;
    keys_.pop_front();
    return true;
  }

 private:
  Clocked<Dut>& sim_;
  std::deque<std::pair<unsigned, Bytes>> keys_;
};

// ---- pages into block 2, as plaintext beats (tame_mem_path)
template <class Dut>
class BeatPagePort {
 public:
  explicit BeatPagePort(Clocked<Dut>& sim) : sim_(sim) {}

  void queue_page(std::uint64_t first_line, std::span<const std::uint8_t> page) {
    port::check_page(page);
    pages_.push_back({first_line, Bytes(page.begin(), page.end())});
  }

  void idle_inputs() {
    sim_.dut().page_valid_i = 0;
    sim_.dut().beat_valid_i = 0;
  }
  void clear() {
    pages_.clear();
    beats_sent_ = 0;
    req_sent_ = req_on_bus_ = beat_on_bus_ = false;
  }
  bool idle() const { return pages_.empty(); }
  void drive(Coins& coins) {
    auto& d = sim_.dut();
    if (!pages_.empty()) {
      const Page& pg = pages_.front();
      if (!req_sent_ && !req_on_bus_ && coins.offer()) d.page_line_i = pg.first_line, req_on_bus_ = true;
      if (req_sent_ && beats_sent_ < port::kBeatsPerPage && !beat_on_bus_ && coins.offer()) {
        put_slice(d.beat_data_i, 0, std::span(pg.data).subspan(port::kBeatBytes * beats_sent_, port::kBeatBytes));
        beat_on_bus_ = true;
      }
    }
    d.page_valid_i = req_on_bus_;
    d.beat_valid_i = beat_on_bus_;
  }
  bool sample() {
    auto& d = sim_.dut();
    bool progress = false;
    if (d.page_valid_i && d.page_ready_o) req_on_bus_ = false, req_sent_ = true, progress = true;
    if (d.beat_valid_i && d.beat_ready_o) beat_on_bus_ = false, ++beats_sent_, progress = true;
    if (!pages_.empty() && beats_sent_ == port::kBeatsPerPage && req_sent_) {
      pages_.pop_front();
      beats_sent_ = 0;
      req_sent_ = false;
    }
    return progress;
  }

 private:
  struct Page {
    std::uint64_t first_line;
    Bytes data;
  };
  Clocked<Dut>& sim_;
  std::deque<Page> pages_;
  std::size_t beats_sent_ = 0;  // of the front page
  bool req_sent_ = false, req_on_bus_ = false, beat_on_bus_ = false;
};

// ---- pages from the disk through block 1 into block 2 (tame_top)
template <class Dut>
class DiskPagePort {
 public:
  explicit DiskPagePort(Clocked<Dut>& sim) : sim_(sim) {}

  // A sealed page as read from disk, decrypted by block 1 with counter blocks
  // ctr_nonce || BE64(first_index + j), then written by block 2 from first_line on.
  void queue_disk_page(std::uint64_t first_line, std::uint64_t ctr_nonce, std::uint64_t first_index,
                       std::span<const std::uint8_t> sealed_page) {
    port::check_page(sealed_page);
    pages_.push_back({first_line, Bytes(sealed_page.begin(), sealed_page.end()), ctr_nonce, first_index});
  }

  void idle_inputs() {
    auto& d = sim_.dut();
    d.page_valid_i = 0;
    d.disk_req_valid_i = 0;
    d.disk_valid_i = 0;
  }
  void clear() {
    pages_.clear();
    beats_sent_ = 0;
    page_req_sent_ = page_on_bus_ = beat_on_bus_ = false;
    disk_req_sent_ = disk_req_on_bus_ = false;
  }
  bool idle() const { return pages_.empty(); }
  void drive(Coins& coins) {
    auto& d = sim_.dut();
    if (!pages_.empty()) {
      const Page& pg = pages_.front();
      if (!page_req_sent_ && !page_on_bus_ && coins.offer()) d.page_line_i = pg.first_line, page_on_bus_ = true;
      if (beats_sent_ < port::kBeatsPerPage && !beat_on_bus_ && coins.offer()) {
        put_slice(d.disk_data_i, 0, std::span(pg.data).subspan(port::kBeatBytes * beats_sent_, port::kBeatBytes));
        d.disk_last_i = beats_sent_ + 1 == port::kBeatsPerPage;
        beat_on_bus_ = true;
      }
      if (!disk_req_sent_ && !disk_req_on_bus_ && coins.offer()) {
        d.disk_req_nonce_i = pg.ctr_nonce;
        d.disk_req_index_i = pg.first_index;
        disk_req_on_bus_ = true;
      }
    }
    d.page_valid_i = page_on_bus_;
    d.disk_req_valid_i = disk_req_on_bus_;
    d.disk_valid_i = beat_on_bus_;
  }
  bool sample() {
    auto& d = sim_.dut();
    bool progress = false;
    if (d.disk_req_valid_i && d.disk_req_ready_o) disk_req_on_bus_ = false, disk_req_sent_ = true, progress = true;
    if (d.page_valid_i && d.page_ready_o) page_on_bus_ = false, page_req_sent_ = true, progress = true;
    if (d.disk_valid_i && d.disk_ready_o) beat_on_bus_ = false, ++beats_sent_, progress = true;
    if (!pages_.empty() && beats_sent_ == port::kBeatsPerPage && page_req_sent_ && disk_req_sent_) {
      pages_.pop_front();
      beats_sent_ = 0;
      page_req_sent_ = disk_req_sent_ = false;
    }
    return progress;
  }

 private:
  struct Page {
    std::uint64_t first_line;
    Bytes data;  // ciphertext
    std::uint64_t ctr_nonce, first_index;
  };
  Clocked<Dut>& sim_;
  std::deque<Page> pages_;
  std::size_t beats_sent_ = 0;  // of the front page
  bool page_req_sent_ = false, page_on_bus_ = false, beat_on_bus_ = false;
  bool disk_req_sent_ = false, disk_req_on_bus_ = false;
};

// ---- block 2's writes toward DRAM
template <class Dut>
class DramPort {
 public:
  explicit DramPort(Clocked<Dut>& sim) : sim_(sim) {}

  void expect(std::size_t lines) { owed_ += lines; }   // lines that a queued page owes
  std::vector<LineWrite> take_writes() { return std::exchange(writes_, {}); }

  void idle_inputs() { sim_.dut().dram_ready_i = 0; }
  void clear() {
    owed_ = 0;
    writes_.clear();
  }
  bool idle() const { return owed_ == 0; }
  void drive(Coins& coins) { sim_.dut().dram_ready_i = coins.take(); }
  bool sample() {
    auto& d = sim_.dut();
    if (!(d.dram_valid_o && d.dram_ready_i)) return false;
    LineWrite w{d.dram_line_o, d.dram_nonce_o, {}};
    get_slice(d.dram_data_o, 0, w.data);
    writes_.push_back(w);
    --owed_;
    return true;
  }

 private:
  Clocked<Dut>& sim_;
  std::size_t owed_ = 0;
  std::vector<LineWrite> writes_;
};

// ---- each core's block 3: fills and write-backs in, L2 and L3 lines out
template <class Dut>
class CorePorts {
 public:
  CorePorts(Clocked<Dut>& sim, unsigned cores) : sim_(sim), core_(cores) {}

  unsigned cores() const { return static_cast<unsigned>(core_.size()); }
  void queue_fill(unsigned core, const LineFill& fill) { core_.at(core).fills.push_back(fill); }
  void queue_write_back(unsigned core, const LinePlain& wb) { core_.at(core).wbs.push_back(wb); }
  std::vector<LinePlain> take_l2(unsigned core) { return std::exchange(core_.at(core).l2, {}); }
  std::vector<LineWrite> take_l3(unsigned core) { return std::exchange(core_.at(core).l3, {}); }

  void idle_inputs() {
    auto& d = sim_.dut();
    d.fill_valid_i = 0;
    d.wb_valid_i = 0;
    d.l2_ready_i = 0;
    d.l3_ready_i = 0;
  }
  void clear() {
    for (auto& c : core_) c = Core{};
  }
  bool idle() const {
    for (const auto& c : core_)
      if (!c.fills.empty() || !c.wbs.empty() || c.owed != 0) return false;
    return true;
  }
  void drive(Coins& coins) {
    auto& d = sim_.dut();
    std::uint32_t fill_valid = 0, wb_valid = 0, l2_ready = 0, l3_ready = 0;
    for (unsigned c = 0; c < cores(); ++c) {
      Core& k = core_[c];
      if (!k.fill_on_bus && !k.fills.empty() && coins.offer()) {
        const LineFill& f = k.fills.front();
        set_bits(d.fill_line_i, port::kAddrBits * c, port::kAddrBits, f.line);
        set_bits(d.fill_nonce_i, port::kNonceBits * c, port::kNonceBits, f.nonce);
        put_slice(d.fill_data_i, port::kLineWords * c, f.data);
        k.fill_on_bus = true;
      }
      if (!k.wb_on_bus && !k.wbs.empty() && coins.offer()) {
        const LinePlain& w = k.wbs.front();
        set_bits(d.wb_line_i, port::kAddrBits * c, port::kAddrBits, w.line);
        put_slice(d.wb_data_i, port::kLineWords * c, w.data);
        k.wb_on_bus = true;
      }
      fill_valid |= std::uint32_t{k.fill_on_bus} << c;
      wb_valid |= std::uint32_t{k.wb_on_bus} << c;
      l2_ready |= std::uint32_t{coins.take()} << c;
      l3_ready |= std::uint32_t{coins.take()} << c;
    }
    d.fill_valid_i = fill_valid;
    d.wb_valid_i = wb_valid;
    d.l2_ready_i = l2_ready;
    d.l3_ready_i = l3_ready;
  }
  bool sample() {
    auto& d = sim_.dut();
    bool progress = false;
    for (unsigned c = 0; c < cores(); ++c) {
      Core& k = core_[c];
      const std::uint32_t bit = 1U << c;
      if ((d.fill_valid_i & d.fill_ready_o & bit) != 0) k.fills.pop_front(), k.fill_on_bus = false, ++k.owed;
      if ((d.wb_valid_i & d.wb_ready_o & bit) != 0) k.wbs.pop_front(), k.wb_on_bus = false, ++k.owed;
      if ((d.l2_valid_o & d.l2_ready_i & bit) != 0) {
        LinePlain p{get_bits(d.l2_line_o, port::kAddrBits * c, port::kAddrBits), {}};
        get_slice(d.l2_data_o, port::kLineWords * c, p.data);
        k.l2.push_back(p);
        --k.owed;
        progress = true;
      }
      if ((d.l3_valid_o & d.l3_ready_i & bit) != 0) {
        LineWrite w{get_bits(d.l3_line_o, port::kAddrBits * c, port::kAddrBits),
                    get_bits(d.l3_nonce_o, port::kNonceBits * c, port::kNonceBits), {}};
        get_slice(d.l3_data_o, port::kLineWords * c, w.data);
        k.l3.push_back(w);
        --k.owed;
        progress = true;
      }
    }
    return progress;
  }

 private:
  struct Core {
    std::deque<LineFill> fills;
    std::deque<LinePlain> wbs;
    bool fill_on_bus = false, wb_on_bus = false;
    std::size_t owed = 0;  // taken in, not yet out
    std::vector<LinePlain> l2;
    std::vector<LineWrite> l3;
  };
  Clocked<Dut>& sim_;
  std::vector<Core> core_;
};

// Steps the parts together until every one is idle (true), or for stop_after cycles
// (false; inputs then go idle, and what was on a bus is offered again by the next run).
template <class Dut, class... Parts>
bool run_ports(Clocked<Dut>& sim, MemPressure pressure, std::mt19937_64& rng, std::uint64_t stop_after,
               Parts&... parts) {
  Coins coins(pressure, rng);
  const std::uint64_t start = sim.cycles();
  std::uint64_t last_progress = start;
  while (!(parts.idle() && ...)) {
    const std::uint64_t now = sim.cycles();
    if (now - start >= stop_after) {
      (parts.idle_inputs(), ...);
      return false;
    }
    if (now - last_progress > 100000)
      throw std::runtime_error(fmt::format("memory path made no progress for 100000 cycles (cycle {})", now));
    (parts.drive(coins), ...);
    sim.settle();
    bool progress = false;
    ((progress = parts.sample() || progress), ...);
    if (progress) last_progress = now;
    sim.posedge();
  }
  (parts.idle_inputs(), ...);
  return true;
}

}  // namespace tame::sim
