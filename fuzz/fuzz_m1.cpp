// libFuzzer target: the M1 parser (spec section 4). Any input is either refused with a
// ProtocolError or parsed into fields that serialize back to the same 280 bytes; any
// other exception, crash or sanitizer report is a bug.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "tame/protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> in(data, size);
  try {
    const tame::M1 m1 = tame::M1::parse(in);
    const tame::M1Bytes back = m1.serialize();
    if (!std::equal(back.begin(), back.end(), in.begin(), in.end())) std::abort();
    if (m1.signed_message().size() != 10 + tame::kM1SignedSize) std::abort();
    (void)m1.verify(m1.ta_nonce);  // any 32 bytes as a key: true or false, never a crash
  } catch (const tame::ProtocolError&) {
  } catch (const tame::Error&) {
    // ed25519_verify refuses a key that is not a valid point only by returning false,
    // so an Error here is a bug too.
    std::abort();
  }
  return 0;
}
