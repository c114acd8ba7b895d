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
  std::error_code ec;
  if (!fs::is_regular_file(o.image, ec)) throw Error(o.image, "is not a regular file");
  const std::uint64_t size = fs::file_size(o.image, ec);
  std::ifstream in(o.image, std::ios::binary);
  if (!in) throw Error(o.image, "cannot open");
  Bytes raw(kHeaderSize);
  in.read(reinterpret_cast<char*>(raw.data()), static_cast<std::streamsize>(raw.size()));
  raw.resize(static_cast<std::size_t>(in.gcount()));
  const ImageHeader header = ImageHeader::parse(raw);
  check_image_size(header, size);
  if (!o.dump_messages.empty()) {
    fs::create_directories(o.dump_messages, ec);
    if (!fs::is_directory(o.dump_messages, ec)) {
      throw Error("--dump-messages", fmt::format("cannot create '{}'", o.dump_messages));
    }
  }

  // The TA builds M1; the host relays it with the header's AAD and the certificate.
  const TaFiles files = load_ta(o.ta);
  TrustAnchor ta(files.uds, files.cert_der, os_entropy());
  const M1Bytes m1 = ta.make_m1(header);
  const HeaderAad aad = header.aad();
  if (!o.dump_messages.empty()) write_file(fs::path(o.dump_messages) / "m1.bin", m1);
  const Bytes m2 = ask_key_service(
      o.keyservice, {Bytes(m1.begin(), m1.end()), Bytes(aad.begin(), aad.end()), files.cert_der});
  if (!o.dump_messages.empty()) write_file(fs::path(o.dump_messages) / "m2.bin", m2);

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
  AtomicFile out(o.out);
  std::uint64_t written = 0;
  {
    Progress bar("booting", !o.quiet);
    for_each_page(
        in, header, k_img.data, [&](std::uint64_t p, std::span<const std::uint8_t> plain) {
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
  out.commit();
  if (whole_dram) memory.dram().dump(o.dram_dump);
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
