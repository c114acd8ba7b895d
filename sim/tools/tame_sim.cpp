// tame-sim: runs the Verilated RTL on files (spec section 6).
//   tame-sim ctr --key-hex K --iv-hex IV --in F --out G [--check] [--stats]
// streams F through the disk crypt block with consecutive counter blocks from IV, as
// `openssl enc -aes-{128,256}-ctr -K K -iv IV` does. --check compares every byte with
// the golden model as it goes; --stats prints cycles and speed.
//   tame-sim line --key-hex K --nonce-hex N --addr-hex A --in F --out G [--decrypt]
// runs 64-byte lines through the RTL line crypt block (4 lanes): line i of F at byte
// address A + 64*i with nonce N + i (spec section 3). CTR is its own inverse, so
// --decrypt runs the same operation; it is there to say what the caller means.
//   tame-sim boot ... (sim_boot.cpp)
// Errors: one line on stderr, a non-zero exit, and no output file. Every output is
// checked before any work starts (tame::check_output_file) and written through a
// temporary file (tame::AtomicFile) that is removed on failure and on SIGINT, SIGTERM
// or SIGHUP.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "Vtame_line_crypt_l4.h"
#include "ctr_crypt_driver.hpp"
#include "line_crypt_driver.hpp"
#include "sim_boot.hpp"
#include "tame/aes.hpp"
#include "tame/atomic_file.hpp"
#include "tame/bytes.hpp"
#include "tame/files.hpp"

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

  tame::check_output_file(out_path, "--out");  // before any work: "--out: '<path>' <reason>"
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

struct LineOptions {
  std::string key_hex, nonce_hex, addr_hex, in_path, out_path;
  bool decrypt = false;
};

std::uint64_t parse_u64_hex(const std::string& text, const char* field) {
  return tame::parse_hex_u64(text, field);  // odd lengths refused, as for keys
}

int run_line(const LineOptions& o) {
  const Bytes key = tame::parse_hex(o.key_hex, "--key-hex");
  if (key.size() != 16 && key.size() != 32)
    throw Error("--key-hex", fmt::format("key is {} bytes, expected 16 (AES-128) or 32 (AES-256)", key.size()));
  const std::uint64_t nonce = parse_u64_hex(o.nonce_hex, "--nonce-hex");
  const std::uint64_t addr = parse_u64_hex(o.addr_hex, "--addr-hex");
  if (addr % 64 != 0) throw Error("--addr-hex", "not 64-byte aligned");
  std::ifstream in(o.in_path, std::ios::binary);
  if (!in || std::filesystem::is_directory(o.in_path)) throw Error("--in", fmt::format("cannot open '{}'", o.in_path));
  const auto size = tame::regular_file_size(o.in_path, "--in");
  if (size % 64 != 0) throw Error("--in", fmt::format("{} bytes is not a whole number of 64-byte lines", size));
  const std::uint64_t lines = size / 64;
  if (lines > 0 && nonce + (lines - 1) < nonce) throw Error("--nonce-hex", "the nonce would wrap inside the file");
  if (lines > 0 && (addr >> 6) + (lines - 1) > tame::kMaxLineAddr)
    throw Error("--addr-hex", "the line address would pass 2^56 inside the file");

  tame::check_output_file(o.out_path, "--out");
  tame::AtomicFile out(o.out_path);
  tame::sim::LineCryptDriver<Vtame_line_crypt_l4> drv(std::random_device{}());
  drv.load_key(0, key);
  std::mt19937_64 rng(0);
  std::vector<tame::sim::LineJob> jobs;
  std::uint64_t done = 0;
  while (done < lines) {
    const std::uint64_t n = std::min<std::uint64_t>(lines - done, 16384);
    jobs.resize(n);
    for (std::uint64_t i = 0; i < n; ++i) {
      jobs[i].nonce = nonce + done + i;
      jobs[i].line = (addr >> 6) + done + i;
      in.read(reinterpret_cast<char*>(jobs[i].data.data()), 64);
      if (!in) throw Error("--in", fmt::format("read error on '{}'", o.in_path));
    }
    for (const auto& l : drv.run(jobs, {}, rng).out) out.write(l);
    done += n;
  }
  out.commit();
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

  LineOptions lo;
  auto* line = app.add_subcommand("line", "64-byte lines through the RTL line crypt block (spec section 3)");
  line->add_option("--key-hex", lo.key_hex, "AES-128 or AES-256 memory key, hex")->required();
  line->add_option("--nonce-hex", lo.nonce_hex, "nonce of the first line (up to 64 bits), hex")->required();
  line->add_option("--addr-hex", lo.addr_hex, "byte address of the first line, 64-byte aligned, hex")->required();
  line->add_option("--in", lo.in_path, "input file, a whole number of 64-byte lines")->required();
  line->add_option("--out", lo.out_path, "output file")->required();
  line->add_flag("--decrypt", lo.decrypt, "decrypt (the same operation in CTR mode)");

  tame::sim::SimBootOptions bo;
  auto* boot = app.add_subcommand("boot", "the whole boot-and-fetch flow through the RTL, checked against the model");
  boot->add_option("--image", bo.image, "sealed image")->required();
  boot->add_option("--ta", bo.ta, "the trust anchor's directory (tame manufacture ta)")->required();
  boot->add_option("--keyservice", bo.keyservice, "key service URL, http://127.0.0.1:PORT")->required();
  boot->add_option("--cores", bo.cores, "cores, each with its own block 3 (2 or 4)");
  boot->add_option("--trace", bo.trace, "write a waveform of every clock edge (FST; 10-50x slower)");
  boot->add_option("--report", bo.report, "write counts, cycles, mismatches and speed as JSON");
  boot->add_option("--dump-dram", bo.dump_dram, "write DRAM: one 80-byte record per line, by address");
  boot->add_option("--dump-messages", bo.dump_messages, "write m1.bin and m2.bin into this directory");
  boot->add_option("--export-test-secrets", bo.export_test_secrets,
                   "SIMULATION ONLY: write k_img, k_mem and page0_addr as JSON (for checking the outputs)");
  boot->add_flag("--quiet", bo.quiet, "no summary line, no progress");

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
    if (*line) return run_line(lo);
    if (*boot) return tame::sim::run_sim_boot(bo);
  } catch (const std::exception& e) {
    std::cerr << "tame-sim: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
