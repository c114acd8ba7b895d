// Looks inside a Verilated model for key material, by looking rather than by trusting the
// design. Every RTL signal that can hold key material carries the mark
// /*verilator public_flat_rd*/ at its declaration (docs/conventions.md; make lint checks
// the marks), which puts it in the model's symbol table, read-only. So a new or renamed
// key register is inspected without anyone editing a test, and no model needs
// --public-flat-rw. (The fault campaign's model also lists the registers it flips, as
// writable: those are not key material, and are skipped.) Used by the tests that must
// show zeroize and reset leave no key.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <verilated.h>

namespace tame::sim {

struct SecretSignal {
  std::string name;   // scope.signal
  bool zero;          // every bit of it (all array entries included) is zero
};

// Every marked signal of every instance, with whether it is all zero.
std::vector<SecretSignal> secret_signals(const VerilatedContext& ctx);

// The names of the marked signals that are not all zero (after a zeroize: none).
std::vector<std::string> live_secrets(const VerilatedContext& ctx);

// The raw bytes of every marked signal, in the symbol table's order: equal before and
// after a step when the step changed no key material.
std::vector<std::uint8_t> secret_bytes(const VerilatedContext& ctx);

}  // namespace tame::sim
