// Looks inside a Verilated model for key material: every signal whose name says it holds
// a key, a round key, DRBG state or a staged key, with its value. Needs the model built
// with --public-flat-rw (the symbol table). Used by the tests that must show zeroize and
// reset leave no key behind, by looking, not by trusting the design.
#pragma once

#include <string>
#include <vector>

#include <verilated.h>

namespace tame::sim {

struct SecretSignal {
  std::string name;   // scope.signal
  bool zero;          // every bit of it (all array entries included) is zero
};

// The signals that hold secrets, by name: key-slot RAMs, the expanders' key words, load
// staging, the DRBG's Key, V and working values, the iterative AES's round keys, drawn
// DRBG output, and the staged image key (tame_top's disk_key wire).
std::vector<SecretSignal> secret_signals(const VerilatedContext& ctx);

}  // namespace tame::sim
