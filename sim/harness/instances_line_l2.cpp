// LineCryptDriver compiled for the line crypt block with 2 lanes.
#include "Vtame_line_crypt_l2.h"
#include "line_crypt_driver_impl.hpp"

namespace tame::sim {
template class LineCryptDriver<Vtame_line_crypt_l2>;
}  // namespace tame::sim
