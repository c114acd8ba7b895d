// tame-sim: runs the Verilated RTL on files (spec section 6).
//   tame-sim ctr --key-hex K --iv-hex IV --in F --out G [--check] [--stats]
// streams F through the disk crypt block with consecutive counter blocks from IV, as
// `openssl enc -aes-{128,256}-ctr -K K -iv IV` does. --check compares every byte with
// the golden model as it goes; --stats prints cycles and speed. Errors: one line on
// stderr, a non-zero exit, and no output file.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "ctr_crypt_driver.hpp"
#include "tame/aes.hpp"
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

struct CtrOptions {
  std::string key_hex, iv_hex, in_path, out_path;
  bool check = false, stats = false;
};

int run_ctr(const CtrOptions& o) {
  const auto& [key_hex, iv_hex, in_path, out_path, check, stats] = o;
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
  tame::Block iv_block;
  std::copy(iv.begin(), iv.end(), iv_block.begin());
  tame::AesCtr model(key, iv_block);  // the reference, for --check
  Bytes expect;
  std::uint64_t total = 0;
  const std::uint64_t first_cycle = drv.cycles();
  const auto t0 = std::chrono::steady_clock::now();

  Bytes chunk(1 << 20);  // memory stays flat whatever the file's size
  while (in) {
    in.read(reinterpret_cast<char*>(chunk.data()), static_cast<std::streamsize>(chunk.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    const auto jobs = tame::sim::jobs_for_counter(0, ctr, std::span(chunk).first(got));
    const auto r = drv.run(jobs, {}, rng);
    Bytes result;
    result.reserve(got + 16);
    for (const auto& job_out : r.out) result.insert(result.end(), job_out.begin(), job_out.end());
    result.resize(got);
    if (check) {
      expect.resize(got);
      model.process(std::span(chunk).first(got), expect);
      if (expect != result) {
        const auto at = std::mismatch(expect.begin(), expect.end(), result.begin()).first - expect.begin();
        throw Error("--check", fmt::format("RTL output differs from the model at byte {}", total + at));
      }
    }
    out.write(result);
    total += got;
    advance_counter(ctr, (got + 15) / 16);
  }
  if (in.bad()) throw Error("--in", fmt::format("read error on '{}'", in_path));
  out.commit();
  if (stats) {
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::uint64_t cycles = drv.cycles() - first_cycle;
    fmt::print("tame-sim ctr: {} bytes, {} cycles ({:.3f} blocks/clock), {:.2f} s: {:.1f} MB/s, {:.2f} M cycles/s{}\n",
               total, cycles, cycles ? double((total + 15) / 16) / double(cycles) : 0.0, secs,
               double(total) / secs / 1e6, double(cycles) / secs / 1e6, check ? ", matches the model" : "");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tame-sim: the TAME RTL under Verilator"};
  app.require_subcommand(1);

  CtrOptions co;
  auto* ctr = app.add_subcommand("ctr", "AES-CTR over a file through the RTL disk crypt block");
  ctr->add_option("--key-hex", co.key_hex, "AES-128 or AES-256 key, hex")->required();
  ctr->add_option("--iv-hex", co.iv_hex, "first 128-bit counter block, hex")->required();
  ctr->add_option("--in", co.in_path, "input file")->required();
  ctr->add_option("--out", co.out_path, "output file")->required();
  ctr->add_flag("--check", co.check, "compare every byte with the golden model");
  ctr->add_flag("--stats", co.stats, "print cycles and speed");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "tame-sim: " << e.what() << '\n';
    return 2;
  }
  try {
    if (*ctr) return run_ctr(co);
  } catch (const std::exception& e) {
    std::cerr << "tame-sim: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
