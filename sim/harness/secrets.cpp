#include "secrets.hpp"

#include <array>
#include <cstring>
#include <string_view>

#include <verilated_syms.h>

namespace tame::sim {

namespace {

bool holds_secret(std::string_view scope, std::string_view var) {
  auto in_scope = [&](std::string_view s) { return scope.find(s) != std::string_view::npos; };
  if (in_scope("u_rk_ram") && var == "mem") return true;                    // round-key RAMs
  if (var == "rk_wr_q") return true;                                         // and their write port
  if (in_scope("u_key_expand") && (var == "a_q" || var == "b_q" || var == "sub_q")) return true;
  if (var == "load_key_q" || var == "drawn_q") return true;
  if (in_scope("u_drbg") && (var == "key_q" || var == "v_q" || var == "temp_q" || var == "provided_q"))
    return true;
  if (in_scope("u_drbg") && var == "rk_q") return true;                      // the DRBG's AES
  if (scope.ends_with("tame_top") && (var == "disk_key" || var == "mem_key")) return true;
  return false;
}

}  // namespace

std::vector<SecretSignal> secret_signals(const VerilatedContext& ctx) {
  std::vector<SecretSignal> out;
  const VerilatedScopeNameMap* scopes = const_cast<VerilatedContext&>(ctx).scopeNameMap();
  if (scopes == nullptr) return out;
  for (const auto& [scope_name, scope] : *scopes) {
    const VerilatedVarNameMap* vars = scope->varsp();
    if (vars == nullptr) continue;
    for (const auto& [var_name, var] : *vars) {
      if (!holds_secret(scope_name, var_name)) continue;
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
