// The harness of tame_top, compiled for the builds tame-sim runs (2 and 4 cores).
#include "Vtame_top.h"
#include "Vtame_top_c4.h"
#include "mem_harness_impl.hpp"

namespace tame::sim {
template class TopHarness<Vtame_top>;
template class TopHarness<Vtame_top_c4>;
}  // namespace tame::sim
