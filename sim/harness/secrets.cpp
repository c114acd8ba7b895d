#include "secrets.hpp"

#include <verilated_syms.h>

namespace tame::sim {

std::vector<SecretSignal> secret_signals(const VerilatedContext& ctx) {
  std::vector<SecretSignal> out;
  const VerilatedScopeNameMap* scopes = const_cast<VerilatedContext&>(ctx).scopeNameMap();
  if (scopes == nullptr) return out;
  for (const auto& [scope_name, scope] : *scopes) {
    const VerilatedVarNameMap* vars = scope->varsp();
    if (vars == nullptr) continue;
    for (const auto& [var_name, var] : *vars) {
      const auto* bytes = static_cast<const unsigned char*>(var.datap());
      const std::size_t n = var.totalSize();
      bool zero = true;
      for (std::size_t i = 0; i < n; ++i) zero &= bytes[i] == 0;
      out.push_back({std::string(scope_name) + "." + var_name, zero});
    }
  }
  return out;
}

}  // namespace tame::sim
