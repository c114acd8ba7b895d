// libFuzzer target: the sealed image header parser (spec section 2). Any input is refused
// with a tame::Error naming an "image header" field, or parses into a header that
// serializes back to the same 4096 bytes; header[0:96] parses the same way on its own.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "tame/image.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> in(data, size);
  try {
    const tame::ImageHeader h = tame::ImageHeader::parse(in);
    const tame::HeaderBytes back = h.serialize();
    if (!std::equal(back.begin(), back.end(), in.begin(), in.end())) std::abort();
    if (h.page_count() > h.payload_length / 4096 + 1) std::abort();
    const tame::ImageHeader a = tame::ImageHeader::parse_aad(in.first(tame::kHeaderAadSize));
    if (a.aad() != h.aad()) std::abort();
  } catch (const tame::Error& e) {
    if (!std::string_view(e.what()).starts_with("image header")) std::abort();
  }
  if (size >= tame::kHeaderAadSize) {
    try {
      (void)tame::ImageHeader::parse_aad(in.first(tame::kHeaderAadSize));
    } catch (const tame::Error& e) {
      if (!std::string_view(e.what()).starts_with("image header")) std::abort();
    }
  }
  return 0;
}
