// tame seal and tame inspect (spec section 2), and the progress line they share with boot.
#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "tame/files.hpp"
#include "tame/image.hpp"
#include "tame/keyservice.hpp"

namespace tame::app {
namespace {

std::string human_bytes(std::uint64_t n) {
  if (n < 1024) return fmt::format("{} B", n);
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(n) / 1024.0;
  int u = 0;
  while (v >= 1024.0 && u < 3) {
    v /= 1024.0;
    ++u;
  }
  return fmt::format("{:.1f} {}", v, units[u]);
}

}  // namespace

Progress::Progress(const char* label, bool enabled)
    : label_(label), enabled_(enabled && isatty(STDERR_FILENO) == 1) {}

Progress::~Progress() {
  if (enabled_ && last_percent_ >= 0) std::fputs("\n", stderr);
}

void Progress::update(std::uint64_t done, std::uint64_t total) {
  if (!enabled_) return;
  const int percent = total == 0 ? 100 : static_cast<int>(done * 100 / total);
  if (percent == last_percent_) return;
  last_percent_ = percent;
  constexpr int kWidth = 30;
  const int filled = percent * kWidth / 100;
  std::fprintf(stderr, "\r%s [%s%s] %3d%%  %s / %s", label_, std::string(filled, '#').c_str(),
               std::string(kWidth - filled, '.').c_str(), percent, human_bytes(done).c_str(),
               human_bytes(total).c_str());
  std::fflush(stderr);
}

int run_seal(const SealOptions& o) {
  const Cipher cipher = cipher_from_name(o.cipher, "--cipher");
  regular_file_size(o.in, "--in");
  check_output_file(o.out, "--out");
  const Bytes32 ks_pub = for_option("--ks-pub", [&] { return load_ks_public_key(o.ks_pub); });
  Sealer sealer(cipher, ks_pub);
  ImageHeader h;
  {
    Progress bar("sealing", true);
    h = for_option("--in", [&] {
      return sealer.seal_file(o.in, o.out, [&bar](std::uint64_t done, std::uint64_t total) {
        bar.update(done, total);
      });
    });
  }
  if (!o.quiet) {
    fmt::print("sealed {} ({} bytes, {} pages, {}) for key service {}: image_id {}\n", o.out,
               h.payload_length, h.page_count(), cipher_name(h.cipher), to_hex(h.ks_key_id()),
               to_hex(h.image_id));
  }
  return 0;
}

int run_inspect(const InspectOptions& o) {
  const ImageReader image(o.image, o.image);
  const ImageHeader& h = image.header();
  const std::uint64_t size = image.file_size();
  const auto ct1 = std::span(h.ct1).first(h.ct1_length());
  const std::string nonce_hex = fmt::format("{:016x}", h.ctr_nonce);
  if (o.json) {
    const nlohmann::ordered_json doc = {
        {"file", o.image},
        {"file_size", size},
        {"magic", std::string(kImageMagic)},
        {"version", kImageVersion},
        {"cipher", static_cast<int>(h.cipher)},
        {"cipher_name", std::string(cipher_name(h.cipher))},
        {"page_size", kPageSize},
        {"payload_length", h.payload_length},
        {"pages", h.page_count()},
        {"ctr_nonce", nonce_hex},
        {"image_id", to_hex(h.image_id)},
        {"ks_pub", to_hex(h.ks_pub)},
        {"ks_key_id", to_hex(h.ks_key_id())},
        {"enc1", to_hex(h.enc1)},
        {"ct1", to_hex(ct1)},
    };
    std::cout << doc.dump(2) << '\n';
    return 0;
  }
  fmt::print("file            {} ({} bytes)\n", o.image, size);
  fmt::print("magic           {}\n", kImageMagic);
  fmt::print("version         {}\n", kImageVersion);
  fmt::print("cipher          {} ({})\n", static_cast<int>(h.cipher), cipher_name(h.cipher));
  fmt::print("page size       {}\n", kPageSize);
  fmt::print("payload length  {} bytes in {} pages\n", h.payload_length, h.page_count());
  fmt::print("ctr_nonce       {}\n", nonce_hex);
  fmt::print("image_id        {}\n", to_hex(h.image_id));
  fmt::print("ks_pub          {}\n", to_hex(h.ks_pub));
  fmt::print("ks_key_id       {}\n", to_hex(h.ks_key_id()));
  fmt::print("enc1            {}\n", to_hex(h.enc1));
  fmt::print("ct1             {}\n", to_hex(ct1));
  return 0;
}

}  // namespace tame::app
