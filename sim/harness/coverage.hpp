// Coverage counts of one simulation, for make coverage (a build with TAME_COVERAGE=ON).
#pragma once

#include <verilated.h>

namespace tame::sim {

// Writes the context's line, branch and toggle counts to a file of their own in the
// coverage build's raw folder; does nothing in any other build.
void write_coverage(VerilatedContext& ctx) noexcept;

}  // namespace tame::sim
