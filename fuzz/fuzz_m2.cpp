// libFuzzer target: the M2 parser and the trust anchor's C2 open (spec section 4). Any
// input is refused with a ProtocolError or parses back to itself; opening C2 from it
// either refuses by name or (never, in practice) gives a key.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "tame/protocol.hpp"
#include "tame/x25519.hpp"

namespace {
tame::Bytes32 filled(std::uint8_t v) {
  tame::Bytes32 b;
  b.fill(v);
  return b;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const tame::X25519Key ta_kem(filled(0x22));
  static const tame::X25519Key ks_key(filled(0x5a));
  const std::span<const std::uint8_t> in(data, size);
  try {
    const tame::M2 m2 = tame::M2::parse(in);
    const tame::M2Bytes back = m2.serialize();
    if (!std::equal(back.begin(), back.end(), in.begin(), in.end())) std::abort();
    (void)tame::open_c2(m2, size % 2 ? 16 : 32, ta_kem, ks_key.public_key());
  } catch (const tame::ProtocolError&) {
  }
  return 0;
}
