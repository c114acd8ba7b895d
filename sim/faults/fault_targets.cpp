#include "fault_targets.hpp"

#include <algorithm>
#include <array>
#include <string_view>
#include <utility>

#include <verilated_syms.h>

namespace tame::sim {
namespace {

// Signal name -> class. The key registers (marked public_flat_rd) that are not a key
// slot fall under "key registers"; a wire in the symbol table (no _q, not a RAM) is no
// register, and a flip of it would be overwritten before anything read it.
constexpr std::array<std::pair<std::string_view, std::string_view>, 27> kClassOf{{
    {"state_q", "FSM state"},
    {"cmd_q", "FSM state"},
    {"after_q", "FSM state"},
    {"load_state_q", "FSM state"},
    {"key_written_q", "counters"},
    {"counter_q", "counters"},
    {"gen_left_q", "counters"},
    {"out_left_q", "counters"},
    {"rk_idx_q", "counters"},
    {"outstanding_q", "counters"},
    {"index_q", "counters"},
    {"lines_left_q", "counters"},
    {"next_line_q", "counters"},
    {"disk_locked_q", "valid and lock bits"},
    {"mem_locked_q", "valid and lock bits"},
    {"slot_q", "valid and lock bits"},
    {"inst_q", "valid and lock bits"},
    {"slot_valid_q", "valid and lock bits"},
    {"slot_is256_q", "valid and lock bits"},
    {"load_slot_q", "valid and lock bits"},
    {"loaded_q", "valid and lock bits"},
    {"count_q", "nonce registers"},
    {"nonce_q", "nonce registers"},
    {"mem", "key-slot contents"},
    {"rk_q", "key-slot contents"},
    {"drawn_q", "key registers"},
    {"load_key_q", "key registers"},
}};

std::string class_of(std::string_view var, bool marked_secret) {
  for (const auto& [name, cls] : kClassOf)
    if (var == name) return std::string(cls);
  if (marked_secret && var.size() > 2 && var.substr(var.size() - 2) == "_q") return "key registers";
  return "";
}

template <class Visit>
void for_each_var(const VerilatedContext& ctx, Visit visit) {
  const VerilatedScopeNameMap* scopes = const_cast<VerilatedContext&>(ctx).scopeNameMap();
  if (scopes == nullptr) return;
  for (const auto& [scope_name, scope] : *scopes) {
    VerilatedVarNameMap* vars = scope->varsp();
    if (vars == nullptr) continue;
    for (auto& [var_name, var] : *vars) visit(std::string(scope_name), std::string(var_name), var);
  }
}

unsigned elements_of(const VerilatedVar& var) {
  const std::size_t ent = var.entSize();
  return ent == 0 ? 1U : static_cast<unsigned>(var.totalSize() / ent);
}

}  // namespace

const std::vector<std::string>& fault_classes() {
  static const std::vector<std::string> classes{"FSM state",         "counters",      "valid and lock bits",
                                                "nonce registers",   "key-slot contents", "key registers"};
  return classes;
}

std::vector<FaultTarget> fault_targets(const VerilatedContext& ctx) {
  std::vector<FaultTarget> out;
  for_each_var(ctx, [&](const std::string& scope, const std::string& var_name, const VerilatedVar& var) {
    const bool writable = var.isPublicRW();
    const std::string cls = class_of(var_name, !writable);
    if (cls.empty()) return;
    out.push_back({scope + "." + var_name, cls, static_cast<unsigned>(var.packed().elements()), elements_of(var)});
  });
  return out;
}

bool flip_bit(const VerilatedContext& ctx, const std::string& name, std::uint64_t bit) {
  bool found = false;
  for_each_var(ctx, [&](const std::string& scope, const std::string& var_name, VerilatedVar& var) {
    if (found || scope + "." + var_name != name) return;
    const unsigned width = static_cast<unsigned>(var.packed().elements());
    const std::uint64_t element = bit / width, within = bit % width;
    // Verilator stores each element little-endian in whole bytes (words of 32 bits for
    // the wide ones), so bit i of an element is bit i % 8 of its byte i / 8.
    auto* bytes = static_cast<std::uint8_t*>(var.datap()) + element * var.entSize();
    bytes[within / 8] ^= static_cast<std::uint8_t>(1U << (within % 8));
    found = true;
  });
  return found;
}

}  // namespace tame::sim
