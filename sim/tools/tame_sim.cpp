// tame-sim: runs the Verilated RTL on files (spec section 6).
//   tame-sim ctr --key-hex K --iv-hex IV --in F --out G
// streams F through the disk crypt block with consecutive counter blocks from IV, as
// `openssl enc -aes-{128,256}-ctr -K K -iv IV` does. Errors: one line on stderr, a
// non-zero exit, and no output file.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "ctr_crypt_driver.hpp"
#include "tame/atomic_file.hpp"
#include "tame/bytes.hpp"

namespace {

using tame::Bytes;
using tame::Error;

// Adds n blocks to a 128-bit big-endian counter block.
void advance_counter(std::array<std::uint8_t, 16>& ctr, std::uint64_t n) {
  std::uint64_t lo = tame::load_be64(ctr.data() + 8);
  std::uint64_t hi = tame::load_be64(ctr.data());
  const std::uint64_t sum = lo + n;
  if (sum < lo) ++hi;
  tame::store_be64(hi, ctr.data());
  tame::store_be64(sum, ctr.data() + 8);
}

int run_ctr(const std::string& key_hex, const std::string& iv_hex, const std::string& in_path,
            const std::string& out_path) {
  const Bytes key = tame::parse_hex(key_hex, "--key-hex");
  if (key.size() != 16 && key.size() != 32)
    throw Error("--key-hex", fmt::format("key is {} bytes, expected 16 (AES-128) or 32 (AES-256)", key.size()));
  const Bytes iv = tame::parse_hex(iv_hex, "--iv-hex");
  if (iv.size() != 16) throw Error("--iv-hex", fmt::format("IV is {} bytes, expected 16", iv.size()));
  std::ifstream in(in_path, std::ios::binary);
  if (!in) throw Error("--in", fmt::format("cannot open '{}'", in_path));
  if (std::filesystem::is_directory(in_path)) throw Error("--in", fmt::format("'{}' is a directory", in_path));

  tame::AtomicFile out(out_path);
  tame::sim::CtrCryptDriver drv(std::random_device{}());
  drv.load_key(0, key);
  std::mt19937_64 rng(0);
  std::array<std::uint8_t, 16> ctr;
  std::copy(iv.begin(), iv.end(), ctr.begin());

  Bytes chunk(1 << 20);  // memory stays flat whatever the file's size
  while (in) {
    in.read(reinterpret_cast<char*>(chunk.data()), static_cast<std::streamsize>(chunk.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    const auto jobs = tame::sim::jobs_for_counter(0, ctr, std::span(chunk).first(got));
    const auto r = drv.run(jobs, {}, rng);
    std::size_t left = got;
    for (const auto& o : r.out) {
      const std::size_t n = std::min(left, o.size());
      out.write(std::span(o).first(n));
      left -= n;
    }
    advance_counter(ctr, (got + 15) / 16);
  }
  if (in.bad()) throw Error("--in", fmt::format("read error on '{}'", in_path));
  out.commit();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tame-sim: the TAME RTL under Verilator"};
  app.require_subcommand(1);

  std::string key_hex, iv_hex, in_path, out_path;
  auto* ctr = app.add_subcommand("ctr", "AES-CTR over a file through the RTL disk crypt block");
  ctr->add_option("--key-hex", key_hex, "AES-128 or AES-256 key, hex")->required();
  ctr->add_option("--iv-hex", iv_hex, "first 128-bit counter block, hex")->required();
  ctr->add_option("--in", in_path, "input file")->required();
  ctr->add_option("--out", out_path, "output file")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "tame-sim: " << e.what() << '\n';
    return 2;
  }
  try {
    if (*ctr) return run_ctr(key_hex, iv_hex, in_path, out_path);
  } catch (const std::exception& e) {
    std::cerr << "tame-sim: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
