// Each refusal of the boot protocol, replayed through the RTL flow: the RTL DRBG draws
// the TA nonce, the firmware model builds M1 with it, the key service (its decision
// logic, in-process) answers or refuses, and the firmware loads a key only from an M2
// it accepts. After every refusal no key is loaded anywhere: no slot is ready, nothing
// is staged, and the only key material inside the RTL is the DRBG's own state.
#include <functional>

#include <gtest/gtest.h>

#include "Vtame_top.h"
#include "clocked.hpp"
#include "protocol_support.hpp"
#include "secrets.hpp"
#include "ta_driver.hpp"

namespace tame::sim {
namespace {

struct Case {
  const char* name;
  std::function<void(test::World&)> prepare;                        // change the world
  std::function<void(KeyRequest&)> tamper_request = [](KeyRequest&) {};
  std::function<Bytes(const Bytes& m2, const Bytes& stale_m2)> tamper_m2 = [](const Bytes& m2, const Bytes&) { return m2; };
};

// Runs one boot attempt through the RTL; true when the image key was loaded.
bool boot_attempt(const Case& c, test::World& w, Clocked<Vtame_top>& sim, TaDriver<Vtame_top>& ta,
                  const Bytes& stale_m2, Bytes* m2_out = nullptr) {
  EXPECT_EQ(ta.command(TaCmd::Instantiate), TaErr::None);
  EXPECT_EQ(ta.command(TaCmd::DrawNonce), TaErr::None);
  const Bytes nonce = ta.read_nonce();
  Bytes32 n;
  std::copy(nonce.begin(), nonce.end(), n.begin());
  TrustAnchor firmware = w.trust_anchor();
  const M1Bytes m1 = firmware.make_m1(w.header, n);
  KeyRequest req{test::m1_bytes(m1), test::aad_bytes(w.header), w.ta.cert_der};
  c.tamper_request(req);
  const KeyService service{X25519Key(test::bytes32(0x5a)), w.policy};  // the World's key service key
  const Decision d = service.decide(req);
  if (!d.granted()) return false;
  const Bytes m2 = c.tamper_m2(Bytes(d.m2->begin(), d.m2->end()), stale_m2);
  if (m2_out) *m2_out = m2;
  Bytes k_img;
  try {
    k_img = firmware.accept_m2(m2);
  } catch (const std::exception&) {
    return false;
  }
  ta.stage_image_key(k_img);
  EXPECT_EQ(ta.command(TaCmd::LoadImageKey, 0, true), TaErr::None);
  EXPECT_EQ(ta.command(TaCmd::DrawMemKey, 0), TaErr::None);
  for (int i = 0; i < 100; ++i) ta.tick();
  (void)sim;
  return true;
}

void expect_no_key_loaded(Clocked<Vtame_top>& sim, TaDriver<Vtame_top>& ta, const char* name) {
  const std::uint32_t status = ta.read(TAME_TA_REG(STATUS));
  EXPECT_EQ(status & (TAME_TA_REGS__STATUS__DISK_SLOT_READY_bm | TAME_TA_REGS__STATUS__MEM_SLOT_READY_bm |
                      TAME_TA_REGS__STATUS__KEY_STAGED_bm), 0U) << name;
  for (const auto& s : secret_signals(sim.context())) {
    if (s.zero) continue;
    EXPECT_NE(s.name.find("u_drbg"), std::string::npos) << name << ": key material in " << s.name;
  }
}

TEST(BootRefusals, EachRefusalThroughTheRtlLeavesNoKeyLoaded) {
  // A grant first, so that the stale-M2 cases have an M2 from an earlier boot.
  Bytes earlier_m2;
  {
    test::World w;
    Clocked<Vtame_top> sim(1);
    TaDriver<Vtame_top> ta(sim, 1);
    sim.reset();
    ASSERT_TRUE(boot_attempt({"grant", [](test::World&) {}}, w, sim, ta, {}, &earlier_m2)) << "the happy path";
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
    Clocked<Vtame_top> sim(seed);
    TaDriver<Vtame_top> ta(sim, seed++);
    sim.reset();
    for (int i = 0; i < 16; ++i) ta.tick();
    EXPECT_FALSE(boot_attempt(c, w, sim, ta, earlier_m2)) << c.name << ": the key was loaded";
    expect_no_key_loaded(sim, ta, c.name);
  }
}

}  // namespace
}  // namespace tame::sim
