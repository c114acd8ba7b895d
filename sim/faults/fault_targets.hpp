// The registers a fault campaign can flip, found in a Verilated model's symbol table:
// the ones rtl/faults.vlt makes writable in Vtame_top_faults, and the key registers that
// every model lists through their public_flat_rd marks. Each is sorted into a class of
// the report by its name.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <verilated.h>

namespace tame::sim {

struct FaultTarget {
  std::string name;     // scope.signal, as the symbol table has it
  std::string cls;      // the report's class ("FSM state", "nonce registers", ...)
  unsigned width;       // bits per element
  unsigned elements;    // 1, or the entries of an unpacked array (a key-slot RAM)
  std::uint64_t bits() const { return std::uint64_t{width} * elements; }
};

// The classes, in the order the report lists them.
const std::vector<std::string>& fault_classes();

// Every target of the model, in the symbol table's (sorted) order.
std::vector<FaultTarget> fault_targets(const VerilatedContext& ctx);

// Inverts bit `bit` (0 .. bits()-1) of the named target in this model; false if the model
// has no such signal.
bool flip_bit(const VerilatedContext& ctx, const std::string& name, std::uint64_t bit);

}  // namespace tame::sim
