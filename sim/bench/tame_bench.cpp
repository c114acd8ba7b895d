// tame-bench: the figures behind `make bench`. Cycle counts come from the simulated RTL
// (they do not depend on the machine); seconds come from the wall clock of this run, so
// they say how fast the simulation and the model are here, on this machine.
// Prints a table and writes the same figures as JSON (--json FILE).
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "Vtame_line_crypt_l1.h"
#include "Vtame_line_crypt_l2.h"
#include "Vtame_line_crypt_l4.h"
#include "Vtame_mem_path.h"
#include "Vtame_mem_path_c4.h"
#include "Vtame_top.h"
#include "ctr_crypt_driver.hpp"
#include "line_crypt_driver.hpp"
#include "mem_path_driver.hpp"
#include "ta_driver.hpp"
#include "tame/disk_crypt.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using tame::Bytes;
using tame::sim::CtrCryptDriver;
using tame::sim::CtrJob;

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

Bytes random_bytes(std::mt19937_64& rng, std::size_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<std::uint8_t>(rng());
  return b;
}

struct CtrFigures {
  double blocks_per_clock, cycles_per_second, megabytes_per_second;
  std::uint64_t latency_cycles, blocks;
};

// The RTL disk crypt block with no back-pressure: throughput, latency, simulation speed.
CtrFigures bench_rtl_ctr(std::size_t key_bytes, std::size_t megabytes) {
  std::mt19937_64 rng(1);
  CtrCryptDriver drv(1);
  drv.load_key(0, random_bytes(rng, key_bytes));

  // Latency: one block alone, from the cycle it is taken to the cycle it leaves.
  const auto one = drv.run({{0, 1, 0, Bytes(16, 0)}}, {}, rng);
  const std::uint64_t latency = one.last_out_cycle - one.first_in_cycle;

  // Throughput and speed: a long stream in 1 MiB requests.
  const std::size_t chunk = 1 << 20;
  const Bytes data = random_bytes(rng, chunk);
  std::vector<CtrJob> jobs;
  for (std::size_t i = 0; i < megabytes; ++i) jobs.push_back({0, 7, i * (chunk / 16), data});
  const std::uint64_t c0 = drv.cycles();
  const auto t0 = Clock::now();
  const auto r = drv.run(jobs, {}, rng);
  const double secs = seconds_since(t0);
  const std::uint64_t cycles = drv.cycles() - c0;
  const double blocks = double(megabytes * chunk / 16);
  return {blocks / double(r.last_out_cycle - r.first_in_cycle + 1), double(cycles) / secs,
          double(megabytes * chunk) / secs / 1e6, latency, static_cast<std::uint64_t>(blocks)};
}

struct LineFigures {
  double lines_per_clock, cycles_per_second, megabytes_per_second;
  std::uint64_t latency_cycles;
};

// One line crypt block with no back-pressure.
template <class Dut>
LineFigures bench_line(std::size_t lines) {
  std::mt19937_64 rng(3);
  tame::sim::LineCryptDriver<Dut> drv(3);
  drv.load_key(0, random_bytes(rng, 32));
  const auto one = drv.run({{0, 1, 0, {}}}, {}, rng);
  std::vector<tame::sim::LineJob> jobs(lines);
  for (std::size_t i = 0; i < lines; ++i) jobs[i] = {0, i + 1, i, {}};
  const std::uint64_t c0 = drv.cycles();
  const auto t0 = Clock::now();
  const auto r = drv.run(jobs, {}, rng);
  const double secs = seconds_since(t0);
  return {double(lines) / double(r.last_out_cycle - r.first_in_cycle + 1), double(drv.cycles() - c0) / secs,
          double(64 * lines) / secs / 1e6, one.last_out_cycle - one.first_in_cycle};
}

struct MemFigures {
  double cycles_per_second, lines_per_clock;
};

// The memory path with every core filling lines as fast as it can while block 2 boots
// pages: Verilator cycles per second of the whole top.
template <class Dut>
MemFigures bench_mem_path(unsigned cores, std::size_t fills_per_core) {
  std::mt19937_64 rng(4);
  tame::sim::MemPathDriver<Dut> drv(cores, 4);
  drv.load_key(0, random_bytes(rng, 32));
  drv.load_key(1, random_bytes(rng, 32));
  for (unsigned c = 0; c < cores; ++c) drv.set_core_slot(c, c % 2);
  const Bytes page = random_bytes(rng, tame::kPageSize);
  const std::size_t pages = fills_per_core / 256 + 1;
  for (std::size_t p = 0; p < pages; ++p) drv.queue_page(64 * p, page);
  for (unsigned c = 0; c < cores; ++c)
    for (std::size_t i = 0; i < fills_per_core; ++i) drv.queue_fill(c, {i, i + 1, {}});
  const std::uint64_t c0 = drv.cycles();
  const auto t0 = Clock::now();
  drv.run({}, rng);
  const double secs = seconds_since(t0);
  const double cycles = double(drv.cycles() - c0);
  return {cycles / secs, double(cores * fills_per_core + 64 * pages) / cycles};
}

struct BootFigures {
  double megabytes_per_second, cycles_per_second, pages_per_kcycle;
};

// A boot through the full top: the TA loads the keys, then sealed pages go through
// block 1 and block 2 into DRAM, streamed in batches so memory stays flat.
BootFigures bench_top_boot(std::size_t megabytes) {
  std::mt19937_64 rng(6);
  tame::sim::MemPathDriver<Vtame_top> host(2, 6);
  tame::sim::TaDriver<Vtame_top> ta(host.sim(), 6);
  for (int i = 0; i < 16; ++i) ta.tick();
  const Bytes k_img = random_bytes(rng, 32);
  ta.command(tame::sim::TaCmd::Instantiate);
  ta.stage_image_key(k_img);
  ta.command(tame::sim::TaCmd::LoadImageKey, 0, true);
  ta.command(tame::sim::TaCmd::DrawMemKey, 0);
  ta.configure(0, 0, 0);
  for (int i = 0; i < 100; ++i) ta.tick();
  const tame::DiskCrypt disk(k_img, 77);
  const std::size_t pages = megabytes * 256, batch = 256;
  Bytes plain = random_bytes(rng, tame::kPageSize), sealed(tame::kPageSize);
  const std::uint64_t c0 = host.cycles();
  const auto t0 = Clock::now();
  for (std::size_t p = 0; p < pages;) {
    for (std::size_t i = 0; i < batch && p < pages; ++i, ++p) {
      disk.crypt_page(p, plain, sealed);
      host.queue_disk_page(64 * p, 77, 256 * p, sealed);
    }
    host.run({}, rng);
    host.take_dram_writes();
  }
  const double secs = seconds_since(t0);
  const double cycles = double(host.cycles() - c0);
  return {double(pages * tame::kPageSize) / secs / 1e6, cycles / secs, double(pages) / cycles * 1000.0};
}

// The model's disk crypt (spec section 2) in bytes per second, over 64 MiB in runs of
// `run_bytes` (4 KiB: page by page, as sealing goes; 16 KiB: openssl speed's buffer).
double bench_model_ctr(std::size_t key_bytes, std::size_t run_bytes) {
  std::mt19937_64 rng(2);
  const tame::DiskCrypt dc(random_bytes(rng, key_bytes), 9);
  const Bytes buf = random_bytes(rng, 64 << 20);
  Bytes out(buf.size());
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    const auto t0 = Clock::now();
    for (std::size_t off = 0; off < buf.size(); off += run_bytes)
      dc.crypt_blocks(off / 16, std::span(buf).subspan(off, run_bytes), std::span(out).subspan(off, run_bytes));
    best = std::max(best, double(buf.size()) / seconds_since(t0));
  }
  return best;
}

// `openssl speed -evp` of the same cipher on 16 KiB buffers, in bytes per second of wall
// time (-elapsed), so both figures are measured the same way.
double openssl_speed(const std::string& cipher) {
  const std::string cmd = fmt::format("openssl speed -elapsed -seconds 2 -bytes 16384 -evp {} 2>/dev/null", cipher);
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return 0;
  char line[512];
  double kbps = 0;
  while (std::fgets(line, sizeof line, p)) {
    // The result line: "<cipher>  <k bytes per second>k"
    const char* last = std::strrchr(line, ' ');
    double v = 0;
    if (std::strstr(line, "-CTR") != nullptr && last != nullptr && std::sscanf(last + 1, "%lfk", &v) == 1) kbps = v;
  }
  pclose(p);
  return kbps * 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tame-bench: throughput, latency and simulation speed of TAME"};
  std::string json_path;
  std::size_t megabytes = 16;
  app.add_option("--json", json_path, "also write the figures here as JSON");
  app.add_option("--megabytes", megabytes, "MiB streamed through the RTL per key size")->check(CLI::Range(1, 4096));
  CLI11_PARSE(app, argc, argv);

  nlohmann::json report;
  std::cout << "TAME benchmark (cycles from the RTL; seconds from this machine's wall clock)\n\n";
  std::cout << fmt::format("{:<34} {:>10} {:>10} {:>14} {:>12}\n", "RTL disk crypt block (tame_ctr_crypt)",
                           "blocks/clk", "latency", "Mcycles/s", "MB/s");
  for (std::size_t key_bytes : {16u, 32u}) {
    const auto f = bench_rtl_ctr(key_bytes, megabytes);
    const std::string name = key_bytes == 16 ? "aes-128-ctr" : "aes-256-ctr";
    std::cout << fmt::format("  {:<32} {:>10.4f} {:>10} {:>14.2f} {:>12.1f}\n", name, f.blocks_per_clock,
                             f.latency_cycles, f.cycles_per_second / 1e6, f.megabytes_per_second);
    report["rtl_ctr"][name] = {{"blocks_per_clock", f.blocks_per_clock},
                               {"latency_cycles", f.latency_cycles},
                               {"verilator_cycles_per_second", f.cycles_per_second},
                               {"megabytes_per_second", f.megabytes_per_second},
                               {"blocks", f.blocks}};
  }

  std::cout << fmt::format("\n{:<34} {:>10} {:>10} {:>14} {:>12}\n", "RTL line crypt block (tame_line_crypt)",
                           "lines/clk", "latency", "Mcycles/s", "MB/s");
  auto line_row = [&](const char* name, const LineFigures& f) {
    std::cout << fmt::format("  {:<32} {:>10.4f} {:>10} {:>14.2f} {:>12.1f}\n", name, f.lines_per_clock,
                             f.latency_cycles, f.cycles_per_second / 1e6, f.megabytes_per_second);
    report["rtl_line"][name] = {{"lines_per_clock", f.lines_per_clock},
                                {"latency_cycles", f.latency_cycles},
                                {"verilator_cycles_per_second", f.cycles_per_second},
                                {"megabytes_per_second", f.megabytes_per_second}};
  };
  const std::size_t lines = megabytes * 16384;  // as many bytes as the disk path streams
  line_row("1 lane", bench_line<Vtame_line_crypt_l1>(lines / 4));
  line_row("2 lanes", bench_line<Vtame_line_crypt_l2>(lines / 2));
  line_row("4 lanes", bench_line<Vtame_line_crypt_l4>(lines));

  std::cout << fmt::format("\n{:<34} {:>14} {:>22}\n", "RTL memory path (tame_mem_path)", "Mcycles/s",
                           "lines/clk (all blocks)");
  auto mem_row = [&](const char* name, const MemFigures& f) {
    std::cout << fmt::format("  {:<32} {:>14.3f} {:>22.2f}\n", name, f.cycles_per_second / 1e6, f.lines_per_clock);
    report["rtl_mem_path"][name] = {{"verilator_cycles_per_second", f.cycles_per_second},
                                    {"lines_per_clock", f.lines_per_clock}};
  };
  mem_row("2 cores, 4 lanes each", bench_mem_path<Vtame_mem_path>(2, 20000));
  mem_row("4 cores, 4 lanes each", bench_mem_path<Vtame_mem_path_c4>(4, 10000));

  {
    const auto f = bench_top_boot(std::max<std::size_t>(1, megabytes / 4));
    std::cout << fmt::format("\n{:<34} {:>14} {:>14} {:>14}\n", "Full top boot (tame_top)", "image MB/s",
                             "Mcycles/s", "pages/kcycle");
    std::cout << fmt::format("  {:<32} {:>14.2f} {:>14.3f} {:>14.2f}\n", "block 1 -> block 2 -> DRAM",
                             f.megabytes_per_second, f.cycles_per_second / 1e6, f.pages_per_kcycle);
    report["rtl_top_boot"] = {{"megabytes_per_second", f.megabytes_per_second},
                              {"verilator_cycles_per_second", f.cycles_per_second},
                              {"pages_per_kcycle", f.pages_per_kcycle},
                              {"megabytes", std::max<std::size_t>(1, megabytes / 4)}};
  }

  std::cout << fmt::format("\n{:<34} {:>12} {:>12} {:>14} {:>8}\n", "Model disk crypt vs OpenSSL",
                           "4 KiB MB/s", "16 KiB MB/s", "openssl MB/s", "ratio");
  for (std::size_t key_bytes : {16u, 32u}) {
    const std::string name = key_bytes == 16 ? "aes-128-ctr" : "aes-256-ctr";
    const double pages = bench_model_ctr(key_bytes, 4096);
    const double runs = bench_model_ctr(key_bytes, 16384);
    const double ossl = openssl_speed(name);
    const double ratio = ossl > 0 ? runs / ossl : 0;
    std::cout << fmt::format("  {:<32} {:>12.0f} {:>12.0f} {:>14.0f} {:>8.2f}\n", name, pages / 1e6, runs / 1e6,
                             ossl / 1e6, ratio);
    report["model_ctr"][name] = {{"model_bytes_per_second_4k_pages", pages},
                                 {"model_bytes_per_second_16k_runs", runs},
                                 {"openssl_speed_evp_bytes_per_second_16k", ossl},
                                 {"ratio_16k", ratio}};
  }
  if (!json_path.empty()) {
    std::ofstream(json_path) << report.dump(2) << '\n';
    std::cout << "\nwrote " << json_path << '\n';
  }
  return 0;
}
