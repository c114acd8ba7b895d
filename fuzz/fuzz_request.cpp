// libFuzzer target: the key service's whole decision (keyservice.hpp) on hostile input.
// A world is made once: a CA, an allowed TA, a key service key, an allowed image and a
// valid request. The first input byte picks what the rest does: 0 sends it as the raw
// HTTP body; 1, 2 and 3 XOR it over the valid request's M1, header[0:96] or certificate
// (cut or zero-extended to the input's length), so that mutations reach the deep checks.
// decide() must never throw, and it may grant only a request whose M1 the TA signed.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "tame/certificate.hpp"
#include "tame/image.hpp"
#include "tame/kdf.hpp"
#include "tame/keyservice.hpp"
#include "tame/ta.hpp"
#include "tame/x509.hpp"

namespace {

tame::Bytes32 filled(std::uint8_t v) {
  tame::Bytes32 b;
  b.fill(v);
  return b;
}

struct World {
  tame::CaMaterial ca = tame::create_ca("Fuzz Silicon", 30);
  tame::Bytes32 uds = filled(0x11);
  tame::Bytes cert = tame::issue_ta_certificate(ca, tame::derive_ta_keys(uds), "fuzz-x1", 30);
  tame::MemoryPolicy policy;
  tame::KeyService service{tame::X25519Key(filled(0x5a)), policy};
  tame::KeyRequest valid;

  World() {
    tame::ImageHeader h;
    h.payload_length = 5000;
    h.image_id = filled(0x33);
    h.ks_pub = service.ks_pub();
    tame::seal_c1(h, tame::Bytes(32, 0x77));
    tame::TrustAnchor ta(uds, cert, tame::Bytes(48, 0x42));
    const tame::M1Bytes m1 = ta.make_m1(h);
    const tame::HeaderAad aad = h.aad();
    valid = {tame::Bytes(m1.begin(), m1.end()), tame::Bytes(aad.begin(), aad.end()), cert};
    policy.ca_certs.push_back(tame::cert_pem_to_der(ca.cert_pem, "CA"));
    policy.cpu_models.insert("fuzz-x1");
    policy.images.insert(h.image_id);
  }
};

// The field becomes as long as the mask (cut or zero-extended), XORed with it: an
// all-zero mask of the field's length leaves it as it was.
void mutate(tame::Bytes& field, std::span<const std::uint8_t> mask) {
  field.resize(mask.size(), 0);
  for (std::size_t i = 0; i < field.size(); ++i) field[i] ^= mask[i];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static World w;
  if (size == 0) return 0;
  const std::span<const std::uint8_t> rest(data + 1, size - 1);
  tame::Decision d;
  tame::KeyRequest r = w.valid;
  switch (data[0] % 4) {
    case 0:
      d = w.service.decide_body(
          std::string_view(reinterpret_cast<const char*>(rest.data()), rest.size()));
      break;
    case 1:
      mutate(r.m1, rest);
      d = w.service.decide(r);
      break;
    case 2:
      mutate(r.image_header, rest);
      d = w.service.decide(r);
      break;
    default:
      mutate(r.ta_certificate, rest);
      d = w.service.decide(r);
      break;
  }
  if (d.granted()) {
    // Only the TA's own M1 (any change to it breaks the signature) with an equivalent
    // header and the TA's certificate can be granted.
    if (data[0] % 4 == 1 && r.m1 != w.valid.m1) std::abort();
    if (tame::M2::parse(*d.m2).m1_digest != tame::sha256(r.m1)) std::abort();
  } else if (d.reason == tame::Reason::kInternal) {
    std::abort();  // nothing the request holds may make the service fail inside
  }
  return 0;
}
