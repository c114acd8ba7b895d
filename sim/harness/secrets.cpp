#include "secrets.hpp"

#include <verilated_syms.h>

namespace tame::sim {
namespace {

// Calls visit(scope.signal, bytes, size) for every marked signal in the model's symbol
// table. The marks are read-only (public_flat_rd); the registers that the fault model
// makes writable (rtl/faults.vlt) are there too, and are skipped.
template <class Visit>
void for_each_marked(const VerilatedContext& ctx, Visit visit) {
  const VerilatedScopeNameMap* scopes = const_cast<VerilatedContext&>(ctx).scopeNameMap();
  if (scopes == nullptr) return;
  for (const auto& [scope_name, scope] : *scopes) {
    const VerilatedVarNameMap* vars = scope->varsp();
    if (vars == nullptr) continue;
    for (const auto& [var_name, var] : *vars)
      if (!var.isPublicRW())
        visit(std::string(scope_name) + "." + var_name, static_cast<const std::uint8_t*>(var.datap()),
              static_cast<std::size_t>(var.totalSize()));
  }
}

}  // namespace

std::vector<SecretSignal> secret_signals(const VerilatedContext& ctx) {
  std::vector<SecretSignal> out;
  for_each_marked(ctx, [&](std::string name, const std::uint8_t* bytes, std::size_t n) {
    bool zero = true;
    for (std::size_t i = 0; i < n; ++i) zero &= bytes[i] == 0;
    out.push_back({std::move(name), zero});
  });
  return out;
}

std::vector<std::string> live_secrets(const VerilatedContext& ctx) {
  std::vector<std::string> out;
  for (auto& s : secret_signals(ctx))
    if (!s.zero) out.push_back(std::move(s.name));
  return out;
}

std::vector<std::uint8_t> secret_bytes(const VerilatedContext& ctx) {
  std::vector<std::uint8_t> out;
  for_each_marked(ctx, [&](const std::string&, const std::uint8_t* bytes, std::size_t n) {
    out.insert(out.end(), bytes, bytes + n);
  });
  return out;
}

}  // namespace tame::sim
