// The harness of tame_mem_path, compiled for its two builds (2 and 4 cores).
#include "Vtame_mem_path.h"
#include "Vtame_mem_path_c4.h"
#include "mem_harness_impl.hpp"

namespace tame::sim {
template class MemPathHarness<Vtame_mem_path>;
template class MemPathHarness<Vtame_mem_path_c4>;
}  // namespace tame::sim
