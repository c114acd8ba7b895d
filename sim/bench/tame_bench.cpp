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

#include "ctr_crypt_driver.hpp"
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

// The model's disk crypt (spec section 2 pages) in bytes per second.
double bench_model_ctr(std::size_t key_bytes) {
  std::mt19937_64 rng(2);
  const tame::DiskCrypt dc(random_bytes(rng, key_bytes), 9);
  const std::size_t pages = 16384;  // 64 MiB
  Bytes buf = random_bytes(rng, pages * tame::kPageSize);
  Bytes out(buf.size());
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    const auto t0 = Clock::now();
    for (std::size_t p = 0; p < pages; ++p)
      dc.crypt_page(p, std::span(buf).subspan(p * tame::kPageSize, tame::kPageSize),
                    std::span(out).subspan(p * tame::kPageSize, tame::kPageSize));
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

  std::cout << fmt::format("\n{:<34} {:>14} {:>14} {:>10}\n", "Model disk crypt vs OpenSSL", "model MB/s",
                           "openssl MB/s", "ratio");
  for (std::size_t key_bytes : {16u, 32u}) {
    const std::string name = key_bytes == 16 ? "aes-128-ctr" : "aes-256-ctr";
    const double model = bench_model_ctr(key_bytes);
    const double ossl = openssl_speed(name);
    const double ratio = ossl > 0 ? model / ossl : 0;
    std::cout << fmt::format("  {:<32} {:>14.0f} {:>14.0f} {:>10.2f}\n", name, model / 1e6, ossl / 1e6, ratio);
    report["model_ctr"][name] = {{"model_bytes_per_second", model},
                                 {"openssl_speed_evp_bytes_per_second", ossl},
                                 {"ratio", ratio}};
  }
  if (!json_path.empty()) {
    std::ofstream(json_path) << report.dump(2) << '\n';
    std::cout << "\nwrote " << json_path << '\n';
  }
  return 0;
}
