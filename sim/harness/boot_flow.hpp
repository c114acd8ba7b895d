// The TA firmware's boot sequence against the RTL key controller, written once: tame-sim
// boot, the boot tests, the refusal tests, the TA tests and the bench all run it.
//
//   INSTANTIATE, DRAW_NONCE, read TA_NONCE       the RTL DRBG draws the TA nonce
//   M1 (TaFirmware), sent by the caller's transport with the header's AAD and the TA
//     certificate; M2 back                       tame-sim: the key service over HTTP;
//                                                tests: a KeyService in the process
//   accept M2 (TaFirmware), KEY_LOAD, LOAD_IMAGE_KEY, LOCK_DISK_SLOT
//   DRAW_MEM_KEY, CONFIGURE                      the RTL draws the session key itself
//   STATUS polled until the slots are ready
//
// Every command is waited for by polling STATUS (TaDriver::command) and must be done:
// a refusal throws TaCommandError, naming the command and the error as the register
// reference does. Each step is a method of its own, for the tests that stop in the
// middle (a refusal, a reset mid-boot).
#pragma once

#include <algorithm>
#include <functional>
#include <span>

#include <fmt/format.h>

#include "ta_driver.hpp"
#include "tame/bytes.hpp"
#include "tame/contract.hpp"
#include "tame/image.hpp"
#include "tame/protocol.hpp"
#include "tame/ta_firmware.hpp"

extern "C" {
#include "tame_ta_regs.h"
}

namespace tame::sim {

// M1 with the header's AAD and the TA certificate in, M2 out.
using KeyTransport = std::function<Bytes(const KeyRequest&)>;

// Which slot each block uses: block 1 (the image key), block 2 (DRAM) and the cores
// (a mask of CONFIG.core_slot; 0: every core runs VM 0).
struct BootSlots {
  unsigned disk = 0, mem = 0;
  std::uint32_t cores = 0;
};

template <class Dut>
class BootFlow {
 public:
  explicit BootFlow(TaDriver<Dut>& ta) : ta_(ta) {}

  // ---- the steps
  void instantiate() { ta_.run(TaCmd::Instantiate); }
  Bytes32 draw_nonce() {
    ta_.run(TaCmd::DrawNonce);
    const Bytes n = ta_.read_nonce();
    Bytes32 nonce;
    std::copy(n.begin(), n.end(), nonce.begin());
    return nonce;
  }
  // The firmware's M1 for this header with the nonce the RTL drew, as the request the
  // host relays.
  static KeyRequest key_request(TaFirmware& firmware, const ImageHeader& header, const Bytes32& ta_nonce) {
    const M1Bytes m1 = firmware.make_m1(header, ta_nonce);
    const HeaderAad aad = header.aad();
    return {Bytes(m1.begin(), m1.end()), Bytes(aad.begin(), aad.end()), firmware.cert_der()};
  }
  // The image key from M2; a refusal is tame::Error "M2: refused by the trust anchor: ...".
  static Bytes accept_m2(TaFirmware& firmware, std::span<const std::uint8_t> m2) {
    try {
      return firmware.accept_m2(m2);
    } catch (const std::exception& e) {
      throw Error("M2", fmt::format("refused by the trust anchor: {}", e.what()));
    }
  }
  // KEY_LOAD, then LOAD_IMAGE_KEY into the disk slot.
  void load_image_key(std::span<const std::uint8_t> k_img, unsigned disk_slot = 0) {
    ta_.stage_image_key(k_img);
    ta_.run(TaCmd::LoadImageKey, disk_slot, k_img.size() == contract::kKeyBits / 8);
  }
  void lock_disk_slot(unsigned disk_slot = 0) { ta_.run(TaCmd::LockDiskSlot, disk_slot); }
  void draw_mem_key(unsigned mem_slot = 0) { ta_.run(TaCmd::DrawMemKey, mem_slot); }
  // CONFIG, then STATUS polled until both slots are ready in every block.
  void configure(const BootSlots& s) {
    ta_.configure(s.disk, s.mem, s.cores);
    wait_slots_ready(s.disk, s.mem);
  }
  void wait_slots_ready(unsigned disk_slot, unsigned mem_slot) {
    ta_.wait_status(1U << (TAME_TA_REGS__STATUS__DISK_SLOT_READY_bp + disk_slot) |
                        1U << (TAME_TA_REGS__STATUS__MEM_SLOT_READY_bp + mem_slot),
                    "the disk and memory slots ready");
  }

  // ---- the sequences
  // INSTANTIATE, DRAW_NONCE, M1 through the transport, M2 accepted: the image key.
  Bytes obtain_image_key(TaFirmware& firmware, const ImageHeader& header, const KeyTransport& transport) {
    instantiate();
    const Bytes32 nonce = draw_nonce();
    const Bytes m2 = transport(key_request(firmware, header, nonce));
    return accept_m2(firmware, m2);
  }
  // The image key into block 1 (locked there), a session key drawn for block 2 and the
  // cores, the slots chosen, and both ready.
  void load_keys(std::span<const std::uint8_t> k_img, const BootSlots& s = {}) {
    load_image_key(k_img, s.disk);
    lock_disk_slot(s.disk);
    draw_mem_key(s.mem);
    configure(s);
  }
  // The whole boot, for a TA whose DRBG is not yet instantiated; returns the image key
  // (the caller's to wipe).
  Bytes boot(TaFirmware& firmware, const ImageHeader& header, const KeyTransport& transport,
             const BootSlots& s = {}) {
    Bytes k_img = obtain_image_key(firmware, header, transport);
    load_keys(k_img, s);
    return k_img;
  }
  // The keys alone, for an image key the test chose (no M1/M2): INSTANTIATE, then
  // load_keys.
  void boot_with_key(std::span<const std::uint8_t> k_img, const BootSlots& s = {}) {
    instantiate();
    load_keys(k_img, s);
  }

 private:
  TaDriver<Dut>& ta_;
};

}  // namespace tame::sim
