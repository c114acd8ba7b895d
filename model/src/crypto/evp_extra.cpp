// The shared empty-input address for OpenSSL calls that refuse a null pointer.
#include "tame/evp_extra.hpp"

namespace tame {

const std::uint8_t* nonnull_data(std::span<const std::uint8_t> data) noexcept {
  static const std::uint8_t kEmpty = 0;
  return data.empty() ? &kEmpty : data.data();
}

}  // namespace tame
