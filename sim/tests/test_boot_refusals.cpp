// Each refusal of the boot protocol, replayed through the RTL flow: the RTL DRBG draws
// the TA nonce, the firmware model builds M1 with it, the key service (its decision
// logic, in-process) answers or refuses, and the firmware loads a key only from an M2
// it accepts. After every refusal no key is loaded anywhere: no slot is ready, nothing
// is staged, and the only key material inside the RTL is the DRBG's own state.
#include <functional>

#include <gtest/gtest.h>

#include "Vtame_top.h"
#include "boot_flow.hpp"
#include "mem_harness.hpp"
#include "protocol_support.hpp"
#include "secrets.hpp"
#include "tame/ta_firmware.hpp"

namespace tame::sim {
namespace {

struct Case {
  const char* name;
  std::function<void(test::World&)> prepare;                        // change the world
  std::function<void(KeyRequest&)> tamper_request = [](KeyRequest&) {};
  std::function<Bytes(const Bytes& m2, const Bytes& stale_m2)> tamper_m2 = [](const Bytes& m2, const Bytes&) { return m2; };
};

// Runs one boot attempt through the RTL (BootFlow step by step, with the request and
// the answer changed in between); true when the image key was loaded.
bool boot_attempt(const Case& c, test::World& w, TopHarness<Vtame_top>& top, const Bytes& stale_m2,
                  Bytes* m2_out = nullptr) {
  BootFlow<Vtame_top> flow(top.ta());
  flow.instantiate();
  const Bytes32 nonce = flow.draw_nonce();
  TaFirmware firmware(w.ta.uds, w.ta.cert_der);
  KeyRequest req = BootFlow<Vtame_top>::key_request(firmware, w.header, nonce);
  EXPECT_EQ(req.image_header, test::aad_bytes(w.header));
  c.tamper_request(req);
  const KeyService service{X25519Key(test::bytes32(0x5a)), w.policy};  // the World's key service key
  const Decision d = service.decide(req);
  if (!d.granted()) return false;
  const Bytes m2 = c.tamper_m2(Bytes(d.m2->begin(), d.m2->end()), stale_m2);
  if (m2_out) *m2_out = m2;
  Bytes k_img;
  try {
    k_img = BootFlow<Vtame_top>::accept_m2(firmware, m2);
  } catch (const Error&) {
    return false;
  }
  flow.load_image_key(k_img);
  flow.draw_mem_key(0);
  return true;
}

void expect_no_key_loaded(TopHarness<Vtame_top>& top, const char* name) {
  const std::uint32_t status = top.ta().status();
  EXPECT_EQ(status & (TAME_TA_REGS__STATUS__DISK_SLOT_READY_bm | TAME_TA_REGS__STATUS__MEM_SLOT_READY_bm |
                      TAME_TA_REGS__STATUS__KEY_STAGED_bm), 0U) << name;
  for (const auto& s : secret_signals(top.sim().context())) {
    if (s.zero) continue;
    EXPECT_NE(s.name.find("u_drbg"), std::string::npos) << name << ": key material in " << s.name;
  }
}

TEST(BootRefusals, EachRefusalThroughTheRtlLeavesNoKeyLoaded) {
  // A grant first, so that the stale-M2 cases have an M2 from an earlier boot.
  Bytes earlier_m2;
  {
    test::World w;
    TopHarness<Vtame_top> top(2, 1);
    ASSERT_TRUE(boot_attempt({"grant", [](test::World&) {}}, w, top, {}, &earlier_m2)) << "the happy path";
  }
  const std::vector<Case> cases = {
      {"tampered header byte", [](test::World&) {}, [](KeyRequest& r) { r.image_header[12] ^= 1; }},
      {"wrong image id", [](test::World& w) { w.policy.images.clear(); }},
      {"CPU model not allowed", [](test::World& w) { w.policy.cpu_models.clear(); }},
      {"certificate from an unknown CA", [](test::World& w) { w.policy.ca_certs.clear(); }},
      {"bad signature", [](test::World&) {}, [](KeyRequest& r) { r.m1[250] ^= 1; }},
      {"truncated M1", [](test::World&) {}, [](KeyRequest& r) { r.m1.resize(200); }},
      {"wrong magic", [](test::World&) {}, [](KeyRequest& r) { r.m1[0] = 'X'; }},
      {"M2 replayed from an earlier boot", [](test::World&) {}, [](KeyRequest&) {},
       [](const Bytes&, const Bytes& stale) { return stale; }},
      {"M2 with a tampered C2", [](test::World&) {}, [](KeyRequest&) {},
       [](const Bytes& m2, const Bytes&) { Bytes t = m2; t[100] ^= 1; return t; }},
      {"truncated M2", [](test::World&) {}, [](KeyRequest&) {},
       [](const Bytes& m2, const Bytes&) { return Bytes(m2.begin(), m2.begin() + 100); }},
  };
  unsigned seed = 10;
  for (const auto& c : cases) {
    test::World w;
    c.prepare(w);
    TopHarness<Vtame_top> top(2, seed++);
    for (int i = 0; i < 16; ++i) top.ta().tick();  // the key-slot RAMs wipe themselves after reset
    EXPECT_FALSE(boot_attempt(c, w, top, earlier_m2)) << c.name << ": the key was loaded";
    expect_no_key_loaded(top, c.name);
  }
}

}  // namespace
}  // namespace tame::sim
