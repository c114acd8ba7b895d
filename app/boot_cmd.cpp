// tame boot: the whole flow of spec section 1 in the model alone. The host's part (read
// the header, relay M1 and M2, fetch pages) and the TA's part (TrustAnchor) meet here;
// every page is decrypted with K_img and then booted into a modelled DRAM under a
// session key from the TA's DRBG, and read back through the memory model.
#include <fmt/format.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "tame/atomic_file.hpp"
#include "tame/files.hpp"
#include "tame/image.hpp"
#include "tame/keyservice_client.hpp"
#include "tame/manufacture.hpp"
#include "tame/memory_model.hpp"
#include "tame/protocol.hpp"
#include "tame/ta.hpp"

namespace tame::app {
namespace {

namespace fs = std::filesystem;

// Without --dram-dump, pages go round a DRAM of this many page frames, as a host reuses
// frames, so that memory stays flat for an image of any size.
constexpr std::uint64_t kRingPages = 1024;

struct Wiped {
  Bytes data;
  ~Wiped() { OPENSSL_cleanse(data.data(), data.size()); }
};

}  // namespace

int run_boot(const BootOptions& o) {
  // The host reads the header and checks the file against it.
  ImageReader image(o.image, "--image");
  const ImageHeader& header = image.header();

  // Every output is made (as a temporary file) or checked before the key is asked for;
  // all of them appear at the end, or none does. The plaintext is 0600.
  check_output_file(o.out, "--out");
  AtomicFile out(o.out, kSecretFilePerms);
  if (!o.dram_dump.empty()) check_output_file(o.dram_dump, "--dram-dump");
  bool made_dump_dir = false;
  struct RemoveDirOnFailure {
    const std::string& dir;
    bool& made;
    bool done = false;
    ~RemoveDirOnFailure() {
      std::error_code ec;
      if (made && !done) fs::remove(dir, ec);  // only if still empty
    }
  } dump_dir_guard{o.dump_messages, made_dump_dir};
  // Declared after the guard, so that their temporary files are gone before it removes
  // the folder (which it does only when empty).
  std::optional<AtomicFile> m1_file, m2_file;
  if (!o.dump_messages.empty()) {
    std::error_code ec;
    if (fs::exists(o.dump_messages, ec) && !fs::is_directory(o.dump_messages, ec)) {
      throw Error("--dump-messages", fmt::format("'{}' is not a directory", o.dump_messages));
    }
    if (!fs::exists(o.dump_messages, ec)) {
      made_dump_dir = true;
      fs::create_directories(o.dump_messages, ec);
      if (ec) {
        throw Error("--dump-messages",
                    fmt::format("'{}' cannot be created: {}", o.dump_messages, ec.message()));
      }
    }
    m1_file.emplace(fs::path(o.dump_messages) / "m1.bin");
    m2_file.emplace(fs::path(o.dump_messages) / "m2.bin");
  }

  // The TA builds M1; the host relays it with the header's AAD and the certificate.
  const TaFiles files = for_option("--ta", [&] { return load_ta(o.ta); });
  TrustAnchor ta(files.uds, files.cert_der, os_entropy());
  const M1Bytes m1 = ta.make_m1(header);
  const HeaderAad aad = header.aad();
  if (m1_file) m1_file->write(m1);
  const Bytes m2 = ask_key_service(
      o.keyservice, {Bytes(m1.begin(), m1.end()), Bytes(aad.begin(), aad.end()), files.cert_der});
  if (m2_file) m2_file->write(m2);

  // The TA checks M2 against its M1 and opens C2; then a fresh session key for DRAM.
  Wiped k_img;
  try {
    k_img.data = ta.accept_m2(m2);
  } catch (const ProtocolError& e) {
    throw Error("M2", fmt::format("refused by the trust anchor: {}", e.what()));
  }
  MemorySystem memory(1);
  {
    Wiped k_mem{ta.draw_session_key(32)};
    memory.load_key(0, k_mem.data);
  }

  // Every page: block 1 decrypts it, block 2 puts it in DRAM under K_mem, a core reads
  // it back through block 3.
  const bool whole_dram = !o.dram_dump.empty();
  std::uint64_t written = 0;
  {
    Progress bar("booting", !o.quiet);
    image.for_each_plain_page(
        k_img.data, [&](std::uint64_t p, std::span<const std::uint8_t> plain) {
          const std::uint64_t frame = whole_dram ? p : p % kRingPages;
          const std::uint64_t addr = frame * kPageSize;
          memory.boot_page(0, addr, plain);
          for (std::uint64_t i = 0; i < kLinesPerPage; ++i) {
            const Line line = memory.read_line(0, addr / kLineSize + i);
            if (!std::equal(line.begin(), line.end(),
                            plain.begin() + static_cast<std::ptrdiff_t>(i * kLineSize))) {
              throw Error("memory model", fmt::format("page {} line {} does not read back", p, i));
            }
          }
          const std::uint64_t n =
              std::min<std::uint64_t>(kPageSize, header.payload_length - written);
          out.write(plain.first(n));
          written += n;
          bar.update(written, header.payload_length);
        });
  }
  // The outputs, the plaintext last: if anything before it fails, it never appears, and
  // if it fails, what appeared before it is taken back. Until the plaintext is there,
  // those that appeared stay in the registry of temporary files, so a signal takes them
  // back too.
  std::vector<std::pair<fs::path, int>> appeared;
  const auto forget_all = [&] {
    for (const auto& a : appeared) forget_temp_file(a.second);
  };
  try {
    if (whole_dram) {
      memory.dram().dump(o.dram_dump);
      appeared.emplace_back(o.dram_dump, register_temp_file(o.dram_dump));
    }
    for (auto* f : {&m1_file, &m2_file}) {
      if (!*f) continue;
      (*f)->commit();
      appeared.emplace_back((*f)->target(), register_temp_file((*f)->target()));
    }
    out.commit();
  } catch (...) {
    std::error_code ec;
    for (const auto& a : appeared) fs::remove(a.first, ec);
    forget_all();
    throw;
  }
  forget_all();
  dump_dir_guard.done = true;
  if (!o.quiet) {
    fmt::print(
        "booted image {}: {} bytes in {} pages, key released by {}, {} line nonces used in "
        "DRAM\n",
        to_hex(header.image_id), header.payload_length, header.page_count(), o.keyservice,
        header.page_count() * kLinesPerPage);
  }
  return 0;
}

}  // namespace tame::app
