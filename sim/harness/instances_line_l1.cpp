// LineCryptDriver compiled for the line crypt block with 1 lane.
#include "Vtame_line_crypt_l1.h"
#include "line_crypt_driver_impl.hpp"

namespace tame::sim {
template class LineCryptDriver<Vtame_line_crypt_l1>;
}  // namespace tame::sim
