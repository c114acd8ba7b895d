#include "mem_path_driver.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "Vtame_mem_path.h"
#include "Vtame_mem_path_c4.h"
#include "Vtame_top.h"
#include "Vtame_top_c4.h"
#include "key_port.hpp"
#include "tame/contract.hpp"
#include "wide.hpp"

namespace tame::sim {

namespace {
// The port geometry (tame_contract_pkg in the RTL, the same generated contract here).
constexpr unsigned kSlotBits = contract::kKeySlotBits;
constexpr std::size_t kBeatsPerPage = contract::kBeatsPerPage;
constexpr std::size_t kBeatBytes = contract::kBeatBytes;
constexpr std::size_t kPageBytes = contract::kPageBytes;
constexpr std::size_t kLinesPerPage = contract::kLinesPerPage;
constexpr std::size_t kAddrBits = contract::kLineAddrBits;     // a line address on the ports
constexpr std::size_t kNonceBits = contract::kLineNonceBits;
constexpr std::size_t kLineWords = contract::kLineBytes / 4;   // a line in 32-bit port words
}  // namespace

template <class Dut>
MemPathDriver<Dut>::MemPathDriver(unsigned cores, std::uint64_t seed) : cores_(cores), sim_(seed), core_(cores) {
  // The trust anchor's configuration starts at slot 0 everywhere (inputs, too, start
  // random in simulation).
  if constexpr (!kDiskPath) {
    sim_.dut().dram_slot_i = 0;
    sim_.dut().core_slot_i = 0;
  }
  reset();
}

template <class Dut>
void MemPathDriver<Dut>::idle_inputs() {
  auto& d = sim_.dut();
  if constexpr (kDiskPath) {
    d.disk_req_valid_i = 0;
    d.disk_valid_i = 0;
  } else {
    d.zeroize_i = 0;
    d.key_valid_i = 0;
    d.beat_valid_i = 0;
  }
  d.page_valid_i = 0;
  d.dram_ready_i = 0;
  d.fill_valid_i = 0;
  d.wb_valid_i = 0;
  d.l2_ready_i = 0;
  d.l3_ready_i = 0;
}

template <class Dut>
void MemPathDriver<Dut>::reset() {
  pages_.clear();
  keys_.clear();
  beats_sent_ = 0;
  page_req_sent_ = page_on_bus_ = beat_on_bus_ = false;
  disk_req_sent_ = disk_req_on_bus_ = false;
  dram_owed_ = 0;
  dram_.clear();
  for (auto& c : core_) c = Core{};
  idle_inputs();
  sim_.reset();
}

template <class Dut>
void MemPathDriver<Dut>::load_key(unsigned slot, std::span<const std::uint8_t> key) {
  if constexpr (kDiskPath) throw std::logic_error("tame_top takes its keys from the trust anchor");
  else sideload_key(sim_, slot, key);
}

template <class Dut>
void MemPathDriver<Dut>::queue_key_load(unsigned slot, std::span<const std::uint8_t> key) {
  keys_.emplace_back(slot, Bytes(key.begin(), key.end()));
}

template <class Dut>
void MemPathDriver<Dut>::zeroize() {
  if constexpr (kDiskPath) {
    throw std::logic_error("tame_top zeroizes through its trust anchor");
  } else {
    auto& d = sim_.dut();
    d.zeroize_i = 1;
    sim_.settle();
    sim_.posedge();
    d.zeroize_i = 0;
    sim_.settle();
  }
}

template <class Dut>
void MemPathDriver<Dut>::set_dram_slot(unsigned slot) {
  if constexpr (kDiskPath) throw std::logic_error("tame_top's slots are set by its trust anchor");
  else sim_.dut().dram_slot_i = slot;
}

template <class Dut>
void MemPathDriver<Dut>::set_core_slot(unsigned core, unsigned slot) {
  if constexpr (kDiskPath) {
    throw std::logic_error("tame_top's slots are set by its trust anchor");
  } else {
    auto& v = sim_.dut().core_slot_i;
    const unsigned shift = core * kSlotBits;
    v = static_cast<std::remove_reference_t<decltype(v)>>((v & ~(((1U << kSlotBits) - 1) << shift)) | (slot << shift));
  }
}

template <class Dut>
bool MemPathDriver<Dut>::slot_ready(unsigned slot) {
  if constexpr (kDiskPath) {
    throw std::logic_error("read tame_top's slot state from its trust anchor's STATUS");
  } else {
    sim_.settle();
    return (sim_.dut().slot_ready_o >> slot) & 1U;
  }
}

template <class Dut>
bool MemPathDriver<Dut>::nonce_open(unsigned slot) {
  if constexpr (kDiskPath) {
    throw std::logic_error("read tame_top's nonce state from its trust anchor's STATUS");
  } else {
    sim_.settle();
    return (sim_.dut().nonce_open_o >> slot) & 1U;
  }
}

template <class Dut>
void MemPathDriver<Dut>::queue_page(std::uint64_t first_line, std::span<const std::uint8_t> page) {
  if (page.size() != kPageBytes) throw std::invalid_argument(fmt::format("a page is {} bytes", kPageBytes));
  if constexpr (kDiskPath) throw std::logic_error("tame_top's pages come from the disk: queue_disk_page");
  pages_.push_back({first_line, Bytes(page.begin(), page.end())});
  dram_owed_ += kLinesPerPage;
}

template <class Dut>
void MemPathDriver<Dut>::queue_disk_page(std::uint64_t first_line, std::uint64_t ctr_nonce,
                                         std::uint64_t first_index, std::span<const std::uint8_t> sealed_page) {
  if (sealed_page.size() != kPageBytes) throw std::invalid_argument(fmt::format("a page is {} bytes", kPageBytes));
  if constexpr (!kDiskPath) throw std::logic_error("tame_mem_path has no disk path: queue_page");
  pages_.push_back({first_line, Bytes(sealed_page.begin(), sealed_page.end()), ctr_nonce, first_index});
  dram_owed_ += kLinesPerPage;
}

template <class Dut>
void MemPathDriver<Dut>::queue_fill(unsigned core, const LineFill& fill) {
  core_.at(core).fills.push_back(fill);
}

template <class Dut>
void MemPathDriver<Dut>::queue_write_back(unsigned core, const LinePlain& wb) {
  core_.at(core).wbs.push_back(wb);
}

template <class Dut>
bool MemPathDriver<Dut>::idle() const {
  if (!pages_.empty() || !keys_.empty() || dram_owed_ != 0) return false;
  for (const auto& c : core_)
    if (!c.fills.empty() || !c.wbs.empty() || c.owed != 0) return false;
  return true;
}

template <class Dut>
bool MemPathDriver<Dut>::run(MemPressure pressure, std::mt19937_64& rng, std::uint64_t stop_after) {
  auto& d = sim_.dut();
  std::uniform_real_distribution<double> coin(0.0, 1.0);
  auto offer = [&] { return pressure.in_valid >= 1.0 || coin(rng) < pressure.in_valid; };
  auto take = [&] { return pressure.out_ready >= 1.0 || coin(rng) < pressure.out_ready; };
  const std::uint64_t start = sim_.cycles();
  std::uint64_t last_progress = start;

  while (!idle()) {
    const std::uint64_t now = sim_.cycles();
    if (now - start >= stop_after) {
      // Stop offering (what is on a bus is offered again by the next run) and taking.
      idle_inputs();
      d.fill_valid_i = d.wb_valid_i = 0;
      d.dram_ready_i = 0;
      d.l2_ready_i = d.l3_ready_i = 0;
      return false;
    }
    if (now - last_progress > 100000)
      throw std::runtime_error(fmt::format("memory path made no progress for 100000 cycles (cycle {})", now));

    // Pages. tame_mem_path: block 2's page request, then its 256 plaintext beats.
    // tame_top: block 1's request and 256 ciphertext beats, and block 2's page request.
    if constexpr (!kDiskPath) {
      d.key_valid_i = !keys_.empty();  // the key port, when a load is queued
      if (!keys_.empty()) drive_key(d, keys_.front().first, keys_.front().second);
    }
    if (!pages_.empty()) {
      const PageJob& pg = pages_.front();
      if (!page_req_sent_ && !page_on_bus_ && offer()) {
        d.page_line_i = pg.first_line;
        page_on_bus_ = true;
      }
      const bool beats_may_go = kDiskPath || page_req_sent_;
      if (beats_may_go && beats_sent_ < kBeatsPerPage && !beat_on_bus_ && offer()) {
        const auto beat = std::span(pg.data).subspan(kBeatBytes * beats_sent_, kBeatBytes);
        if constexpr (kDiskPath) {
          put_slice(d.disk_data_i, 0, beat);
          d.disk_last_i = beats_sent_ + 1 == kBeatsPerPage;
        } else {
          put_slice(d.beat_data_i, 0, beat);
        }
        beat_on_bus_ = true;
      }
      if constexpr (kDiskPath) {
        if (!disk_req_sent_ && !disk_req_on_bus_ && offer()) {
          d.disk_req_nonce_i = pg.ctr_nonce;
          d.disk_req_index_i = pg.first_index;
          disk_req_on_bus_ = true;
        }
      }
    }
    d.page_valid_i = page_on_bus_;
    if constexpr (kDiskPath) {
      d.disk_req_valid_i = disk_req_on_bus_;
      d.disk_valid_i = beat_on_bus_;
    } else {
      d.beat_valid_i = beat_on_bus_;
    }
    d.dram_ready_i = take();

    // Block 3 of each core: fills and write-backs.
    std::uint32_t fill_valid = 0, wb_valid = 0, l2_ready = 0, l3_ready = 0;
    for (unsigned c = 0; c < cores_; ++c) {
      Core& k = core_[c];
      if (!k.fill_on_bus && !k.fills.empty() && offer()) {
        const LineFill& f = k.fills.front();
        set_bits(d.fill_line_i, kAddrBits * c, kAddrBits, f.line);
        set_bits(d.fill_nonce_i, kNonceBits * c, kNonceBits, f.nonce);
        put_slice(d.fill_data_i, kLineWords * c, f.data);
        k.fill_on_bus = true;
      }
      if (!k.wb_on_bus && !k.wbs.empty() && offer()) {
        const LinePlain& w = k.wbs.front();
        set_bits(d.wb_line_i, kAddrBits * c, kAddrBits, w.line);
        put_slice(d.wb_data_i, kLineWords * c, w.data);
        k.wb_on_bus = true;
      }
      fill_valid |= std::uint32_t{k.fill_on_bus} << c;
      wb_valid |= std::uint32_t{k.wb_on_bus} << c;
      l2_ready |= std::uint32_t{take()} << c;
      l3_ready |= std::uint32_t{take()} << c;
    }
    d.fill_valid_i = fill_valid;
    d.wb_valid_i = wb_valid;
    d.l2_ready_i = l2_ready;
    d.l3_ready_i = l3_ready;
    sim_.settle();

    // Sample every handshake of this cycle, then the clock edge.
    bool progress = false;
    bool beat_taken;
    if constexpr (kDiskPath) {
      beat_taken = d.disk_valid_i && d.disk_ready_o;
      if (d.disk_req_valid_i && d.disk_req_ready_o) disk_req_on_bus_ = false, disk_req_sent_ = true, progress = true;
    } else {
      beat_taken = d.beat_valid_i && d.beat_ready_o;
      if (d.key_valid_i && d.key_ready_o) keys_.pop_front(), progress = true;
    }
    if (d.page_valid_i && d.page_ready_o) page_on_bus_ = false, page_req_sent_ = true, progress = true;
    if (beat_taken) beat_on_bus_ = false, ++beats_sent_, progress = true;
    if (!pages_.empty() && beats_sent_ == kBeatsPerPage && page_req_sent_ && (disk_req_sent_ || !kDiskPath)) {
      pages_.pop_front();
      beats_sent_ = 0;
      page_req_sent_ = disk_req_sent_ = false;
    }
    if (d.dram_valid_o && d.dram_ready_i) {
      LineWrite w{d.dram_line_o, d.dram_nonce_o, {}};
      get_slice(d.dram_data_o, 0, w.data);
      dram_.push_back(w);
      --dram_owed_;
      progress = true;
    }
    for (unsigned c = 0; c < cores_; ++c) {
      Core& k = core_[c];
      const std::uint32_t bit = 1U << c;
      if ((d.fill_valid_i & d.fill_ready_o & bit) != 0) k.fills.pop_front(), k.fill_on_bus = false, ++k.owed;
      if ((d.wb_valid_i & d.wb_ready_o & bit) != 0) k.wbs.pop_front(), k.wb_on_bus = false, ++k.owed;
      if ((d.l2_valid_o & d.l2_ready_i & bit) != 0) {
        LinePlain p{get_bits(d.l2_line_o, kAddrBits * c, kAddrBits), {}};
        get_slice(d.l2_data_o, kLineWords * c, p.data);
        k.l2.push_back(p);
        --k.owed;
        progress = true;
      }
      if ((d.l3_valid_o & d.l3_ready_i & bit) != 0) {
        LineWrite w{get_bits(d.l3_line_o, kAddrBits * c, kAddrBits), get_bits(d.l3_nonce_o, kNonceBits * c, kNonceBits), {}};
        get_slice(d.l3_data_o, kLineWords * c, w.data);
        k.l3.push_back(w);
        --k.owed;
        progress = true;
      }
    }
    if (progress) last_progress = now;
    sim_.posedge();
  }
  idle_inputs();
  d.fill_valid_i = d.wb_valid_i = 0;
  return true;
}

template <class Dut>
std::vector<LineWrite> MemPathDriver<Dut>::take_dram_writes() {
  return std::exchange(dram_, {});
}

template <class Dut>
std::vector<LinePlain> MemPathDriver<Dut>::take_l2(unsigned core) {
  return std::exchange(core_.at(core).l2, {});
}

template <class Dut>
std::vector<LineWrite> MemPathDriver<Dut>::take_l3(unsigned core) {
  return std::exchange(core_.at(core).l3, {});
}

template class MemPathDriver<Vtame_mem_path>;
template class MemPathDriver<Vtame_mem_path_c4>;
template class MemPathDriver<Vtame_top>;
template class MemPathDriver<Vtame_top_c4>;

}  // namespace tame::sim
