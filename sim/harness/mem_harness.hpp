// The memory tops, each put together from its port drivers (mem_ports.hpp):
//   MemPathHarness  tame_mem_path: key sideload pins, pages as plaintext beats, DRAM, cores
//   TopHarness      tame_top: the trust anchor's port (ta_driver.hpp) with the model of
//                   its key controller beside it (TaKeyCtrlModel, the predictor of what
//                   its DRBG draws), pages from the disk through block 1, DRAM, cores
// Each has only the methods its top has a port for. The member functions are compiled
// once per model, in instances_mem_path.cpp and instances_top.cpp.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "clocked.hpp"
#include "mem_ports.hpp"
#include "ta_driver.hpp"
#include "tame/ta.hpp"

namespace tame::sim {

// What both tops have: the clock, block 2's DRAM port and each core's block 3.
template <class Dut>
class HostHarness {
 public:
  HostHarness(unsigned cores, std::uint64_t seed) : sim_(seed), dram_(sim_), cores_(sim_, cores) {}
  HostHarness(const HostHarness&) = delete;
  HostHarness& operator=(const HostHarness&) = delete;

  unsigned cores() const { return cores_.cores(); }
  Clocked<Dut>& sim() { return sim_; }
  std::uint64_t cycles() const { return sim_.cycles(); }

  void queue_fill(unsigned core, const LineFill& fill) { cores_.queue_fill(core, fill); }
  void queue_write_back(unsigned core, const LinePlain& wb) { cores_.queue_write_back(core, wb); }
  // What came out, in order, since the last take_*().
  std::vector<LineWrite> take_dram_writes() { return dram_.take_writes(); }
  std::vector<LinePlain> take_l2(unsigned core) { return cores_.take_l2(core); }
  std::vector<LineWrite> take_l3(unsigned core) { return cores_.take_l3(core); }

 protected:
  Clocked<Dut> sim_;
  DramPort<Dut> dram_;
  CorePorts<Dut> cores_;
};

template <class Dut>
class MemPathHarness : public HostHarness<Dut> {
 public:
  MemPathHarness(unsigned cores, std::uint64_t seed);

  void reset();  // the reset pin; also drops every queue

  // ---- the trust anchor's pins
  void load_key(unsigned slot, std::span<const std::uint8_t> key) { keys_.load_key(slot, key); }
  void queue_key_load(unsigned slot, std::span<const std::uint8_t> key) { keys_.queue_key_load(slot, key); }
  void zeroize() { keys_.zeroize(); }
  void set_dram_slot(unsigned slot) { keys_.set_dram_slot(slot); }
  void set_core_slot(unsigned core, unsigned slot) { keys_.set_core_slot(core, slot); }
  bool slot_ready(unsigned slot) { return keys_.slot_ready(slot); }
  bool nonce_open(unsigned slot) { return keys_.nonce_open(slot); }

  // ---- the host: queue work, then run
  void queue_page(std::uint64_t first_line, std::span<const std::uint8_t> page /*contract::kPageBytes*/);
  bool idle() const;  // nothing queued and nothing owed
  // Runs until every queued item has come out (true), or for stop_after cycles (false;
  // inputs then go idle and the next run carries on where this one stopped).
  bool run(MemPressure pressure, std::mt19937_64& rng, std::uint64_t stop_after = UINT64_MAX);

 private:
  KeySideloadPort<Dut> keys_;
  BeatPagePort<Dut> pages_;
};

template <class Dut>
class TopHarness : public HostHarness<Dut> {
 public:
  // seed starts the registers (Clocked); seed ^ 0x7a the entropy source.
  TopHarness(unsigned cores, std::uint64_t seed);

  // The reset pin: every queue dropped, the TA's inputs at rest, and the key
  // controller's model forgets its DRBG.
  void reset();

  TaDriver<Dut>& ta() { return ta_; }
  // The model of the key controller, fed every command the RTL finished: the TA nonce
  // and each memory slot's session key, known without reading them out of the RTL.
  const TaKeyCtrlModel& ta_model() const { return ta_model_; }

  // ---- the host: queue work, then run
  // A sealed page as read from disk, decrypted by block 1 with counter blocks
  // ctr_nonce || BE64(first_index + j), then written by block 2 from first_line on.
  void queue_disk_page(std::uint64_t first_line, std::uint64_t ctr_nonce, std::uint64_t first_index,
                       std::span<const std::uint8_t> sealed_page /*contract::kPageBytes*/);
  bool idle() const;
  bool run(MemPressure pressure, std::mt19937_64& rng, std::uint64_t stop_after = UINT64_MAX);

 private:
  TaDriver<Dut> ta_;
  TaKeyCtrlModel ta_model_;
  DiskPagePort<Dut> pages_;
};

}  // namespace tame::sim

// The models these are compiled for (instances_*.cpp).
class Vtame_mem_path;
extern template class tame::sim::MemPathHarness<Vtame_mem_path>;
class Vtame_mem_path_c4;
extern template class tame::sim::MemPathHarness<Vtame_mem_path_c4>;
class Vtame_top;
extern template class tame::sim::TopHarness<Vtame_top>;
class Vtame_top_c4;
extern template class tame::sim::TopHarness<Vtame_top_c4>;
