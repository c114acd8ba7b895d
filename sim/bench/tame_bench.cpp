// tame-bench: the figures behind `make bench`. Cycle counts come from the simulated RTL
// (they do not depend on the machine); seconds come from the wall clock of this run, so
// they say how fast the simulation and the model are here, on this machine.
// Prints a table and writes the same figures as JSON (--json FILE), which
// scripts/bench_chart.py draws.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

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
#include "boot_flow.hpp"
#include "mem_harness.hpp"
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
  tame::sim::MemPathHarness<Dut> drv(cores, 4);
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

// What one boot measures inside its child process, sent to the parent through a pipe.
struct BootRun {
  std::uint64_t pages, cycles;
  double seconds;
};

// A boot through the full top: the TA loads the keys, then sealed pages go through
// block 1 and block 2 into DRAM, streamed in batches so memory stays flat.
BootRun bench_top_boot(std::size_t megabytes) {
  std::mt19937_64 rng(6);
  tame::sim::TopHarness<Vtame_top> host(2, 6);
  const Bytes k_img = random_bytes(rng, 32);
  tame::sim::BootFlow<Vtame_top>(host.ta()).boot_with_key(k_img);  // INSTANTIATE .. CONFIGURE, slots ready
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
    host.take_dram_writes();  // dropped: kept, they would grow with the image
  }
  return {pages, host.cycles() - c0, seconds_since(t0)};
}

struct BootRow {
  std::size_t megabytes;
  std::uint64_t pages, cycles;
  double seconds, peak_rss_mib;
  double megabytes_per_second() const { return double(pages * tame::kPageSize) / seconds / 1e6; }
  double cycles_per_second() const { return double(cycles) / seconds; }
  double pages_per_kcycle() const { return double(pages) / double(cycles) * 1000.0; }
};

// One boot in a child process of its own, so that the peak resident memory the kernel
// reports for it (ru_maxrss from wait4) is this boot's, not the largest one so far.
BootRow boot_in_child(std::size_t megabytes) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
  std::cout.flush();  // the child must not inherit unwritten output
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {
    close(fds[0]);
    int status = 1;
    try {
      const BootRun r = bench_top_boot(megabytes);
      if (write(fds[1], &r, sizeof r) == static_cast<ssize_t>(sizeof r)) status = 0;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "tame-bench: boot of %zu MiB: %s\n", megabytes, e.what());
    }
    _exit(status);  // not exit(): the parent's streams and atexit handlers are the parent's
  }
  close(fds[1]);
  BootRun r{};
  const ssize_t got = read(fds[0], &r, sizeof r);  // one write under PIPE_BUF: all or nothing
  close(fds[0]);
  int status = 0;
  rusage usage{};
  if (wait4(pid, &status, 0, &usage) != pid) throw std::runtime_error(fmt::format("wait4: {}", std::strerror(errno)));
  if (WIFSIGNALED(status))  // the OOM killer, for one
    throw std::runtime_error(fmt::format("the boot of {} MiB was killed by signal {}", megabytes, WTERMSIG(status)));
  if (got != static_cast<ssize_t>(sizeof r) || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(fmt::format("the boot of {} MiB through tame_top failed in its child process", megabytes));
  return {megabytes, r.pages, r.cycles, r.seconds, double(usage.ru_maxrss) / 1024.0};  // ru_maxrss is in KiB
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

// The machine the seconds were measured on, for the report and the chart's title.
std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(':');
    if (line.rfind("model name", 0) == 0 && colon != std::string::npos) {
      const auto start = line.find_first_not_of(" \t", colon + 1);
      return start == std::string::npos ? "unknown" : line.substr(start);
    }
  }
  return "unknown";  // some architectures have no "model name" line
}

std::string today_iso() {
  const std::time_t now = std::time(nullptr);
  char date[16];
  std::strftime(date, sizeof date, "%Y-%m-%d", std::localtime(&now));
  return date;
}

}  // namespace

// The figures before this work, to print ratios against (sim/bench/baseline.json).
nlohmann::json read_baseline(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("--baseline: cannot read " + path);
  try {
    nlohmann::json j = nlohmann::json::parse(in);
    if (!j.contains("commit") || !j["rtl_top_boot_series"].is_object() || j["rtl_top_boot_series"].empty() ||
        !j["verilator_cycles_per_second"].is_object())
      throw std::runtime_error("needs commit, rtl_top_boot_series and verilator_cycles_per_second");
    return j;
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("--baseline: {}: {}", path, e.what()));
  }
}

int main(int argc, char** argv) {
  CLI::App app{"tame-bench: throughput, latency and simulation speed of TAME"};
  std::string json_path;
  std::size_t megabytes = 16;
  std::vector<std::size_t> boot_sizes{1, 4, 16, 64, 256};
  std::string baseline_path = TAME_BENCH_BASELINE;
  app.add_option("--json", json_path, "also write the figures here as JSON");
  app.add_option("--baseline", baseline_path, "figures to compare with (JSON, as sim/bench/baseline.json)")
      ->capture_default_str();
  app.add_option("--megabytes", megabytes, "MiB streamed through the RTL per key size")->check(CLI::Range(1, 4096));
  app.add_option("--boot-sizes", boot_sizes, "image sizes in MiB booted through tame_top, each in a process of its own")
      ->delimiter(',')
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  try {
    if (boot_sizes.empty()) throw std::runtime_error("--boot-sizes: name at least one image size");
    const nlohmann::json baseline = read_baseline(baseline_path);
    const auto& boot_before = baseline["rtl_top_boot_series"];
    // The ratio to the baseline's boot of the same size, or of its largest when it has none.
    auto boot_ratio = [&](const BootRow& b) {
      const std::string key = std::to_string(b.megabytes);
      std::string best = key;
      if (!boot_before.contains(key)) {
        std::size_t largest = 0;
        for (const auto& [k, v] : boot_before.items()) largest = std::max<std::size_t>(largest, std::stoul(k));
        best = std::to_string(largest);
      }
      return b.megabytes_per_second() / boot_before[best]["megabytes_per_second"].get<double>();
    };
    // The report goes to FILE.tmp, opened now so that a folder that cannot be written
    // fails before minutes of work, and is renamed to FILE only when it is whole: a run
    // that fails leaves the previous report as it was.
    const std::string json_tmp = json_path + ".tmp";
    std::ofstream json_out;
    if (!json_path.empty()) {
      json_out.open(json_tmp);
      if (!json_out) throw std::runtime_error("--json: cannot write " + json_tmp);
    }
    // Insertion order, so the JSON reads in the order the bench prints.
    nlohmann::ordered_json report;
    report["machine"] = {{"cpu", cpu_model()}, {"cores", std::thread::hardware_concurrency()}, {"date", today_iso()}};
    std::cout << "TAME benchmark (cycles from the RTL; seconds from this machine's wall clock)\n"
              << fmt::format("{}, {} cores, {}\n", report["machine"]["cpu"].get<std::string>(),
                             std::thread::hardware_concurrency(), report["machine"]["date"].get<std::string>());

    // The boot series goes first, while this process is still small: each child starts
    // as a copy of it, so its peak memory is the boot's own plus this much.
    rusage self{};
    getrusage(RUSAGE_SELF, &self);
    const double parent_rss_mib = double(self.ru_maxrss) / 1024.0;
    std::cout << fmt::format("\nFull top boot (tame_top), block 1 -> block 2 -> DRAM, each size in a fresh process "
                             "forked from this one ({:.1f} MiB)\n",
                             parent_rss_mib);
    std::cout << fmt::format("  {:>6} {:>8} {:>12} {:>10} {:>12} {:>11} {:>14} {:>9}\n", "MiB", "pages", "cycles",
                             "wall s", "image MB/s", "Mcycles/s", "peak RSS MiB", "x before");
    std::vector<BootRow> boots;
    for (std::size_t mib : boot_sizes) {
      const BootRow& b = boots.emplace_back(boot_in_child(mib));
      std::cout << fmt::format("  {:>6} {:>8} {:>12} {:>10.2f} {:>12.3f} {:>11.4f} {:>14.1f} {:>9.1f}\n", b.megabytes,
                               b.pages, b.cycles, b.seconds, b.megabytes_per_second(), b.cycles_per_second() / 1e6,
                               b.peak_rss_mib, boot_ratio(b))
                << std::flush;
    }

    nlohmann::ordered_json cycles_per_second;  // every top's simulation speed, for the chart
    std::cout << fmt::format("\n{:<34} {:>10} {:>10} {:>14} {:>12}\n", "RTL disk crypt block (tame_ctr_crypt)",
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
      cycles_per_second["ctr_crypt " + name.substr(0, 7)] = f.cycles_per_second;
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
      cycles_per_second[std::string("line_crypt ") + name] = f.cycles_per_second;
    };
    const std::size_t lines = megabytes * 16384;  // as many bytes as the disk path streams
    line_row("1 lane", bench_line<Vtame_line_crypt_l1>(lines / 4));
    line_row("2 lanes", bench_line<Vtame_line_crypt_l2>(lines / 2));
    line_row("4 lanes", bench_line<Vtame_line_crypt_l4>(lines));

    std::cout << fmt::format("\n{:<34} {:>14} {:>22}\n", "RTL memory path (tame_mem_path)", "Mcycles/s",
                             "lines/clk (all blocks)");
    auto mem_row = [&](const char* name, unsigned cores, const MemFigures& f) {
      std::cout << fmt::format("  {:<32} {:>14.3f} {:>22.2f}\n", name, f.cycles_per_second / 1e6, f.lines_per_clock);
      report["rtl_mem_path"][name] = {{"verilator_cycles_per_second", f.cycles_per_second},
                                      {"lines_per_clock", f.lines_per_clock}};
      cycles_per_second[fmt::format("mem_path {} cores", cores)] = f.cycles_per_second;
    };
    mem_row("2 cores, 4 lanes each", 2, bench_mem_path<Vtame_mem_path>(2, 20000));
    mem_row("4 cores, 4 lanes each", 4, bench_mem_path<Vtame_mem_path_c4>(4, 10000));

    // The largest boot stands for the top: the longest run, the least setup in it.
    const BootRow& top = *std::max_element(boots.begin(), boots.end(),
                                           [](const BootRow& a, const BootRow& b) { return a.megabytes < b.megabytes; });
    cycles_per_second["top 2 cores"] = top.cycles_per_second();
    report["rtl_top_boot"] = {{"megabytes_per_second", top.megabytes_per_second()},
                              {"verilator_cycles_per_second", top.cycles_per_second()},
                              {"pages_per_kcycle", top.pages_per_kcycle()},
                              {"megabytes", top.megabytes}};
    report["rtl_top_boot_series"] = nlohmann::ordered_json::array();
    for (const BootRow& b : boots)
      report["rtl_top_boot_series"].push_back({{"image_mib", b.megabytes},
                                               {"pages", b.pages},
                                               {"cycles", b.cycles},
                                               {"wall_seconds", b.seconds},
                                               {"megabytes_per_second", b.megabytes_per_second()},
                                               {"verilator_cycles_per_second", b.cycles_per_second()},
                                               {"peak_rss_mib", b.peak_rss_mib},
                                               {"megabytes_per_second_vs_baseline", boot_ratio(b)}});
    report["rtl_top_boot_parent_rss_mib"] = parent_rss_mib;
    report["verilator_cycles_per_second"] = cycles_per_second;

    // Every simulation speed of this run against the baseline's.
    std::cout << fmt::format("\nVerilator speed against the baseline (commit {})\n  {:<32} {:>14} {:>14} {:>8}\n",
                             baseline["commit"].get<std::string>(), "model", "before Mcyc/s", "now Mcyc/s", "ratio");
    nlohmann::ordered_json versus;
    for (const auto& [name, now] : cycles_per_second.items()) {
      if (!baseline["verilator_cycles_per_second"].contains(name)) continue;
      const double before = baseline["verilator_cycles_per_second"][name].get<double>();
      const double ratio = now.get<double>() / before;
      std::cout << fmt::format("  {:<32} {:>14.3f} {:>14.3f} {:>8.2f}\n", name, before / 1e6, now.get<double>() / 1e6,
                               ratio);
      versus[name] = {{"before", before}, {"now", now}, {"ratio", ratio}};
    }
    report["baseline"] = {{"commit", baseline["commit"]}, {"verilator_cycles_per_second", versus}};

    std::cout << fmt::format("\n{:<34} {:>12} {:>12} {:>14} {:>8}\n", "Model disk crypt vs OpenSSL",
                             "4 KiB MB/s", "16 KiB MB/s", "openssl MB/s", "ratio");
    for (std::size_t key_bytes : {16u, 32u}) {
      const std::string name = key_bytes == 16 ? "aes-128-ctr" : "aes-256-ctr";
      const double pages = bench_model_ctr(key_bytes, 4096);
      const double runs = bench_model_ctr(key_bytes, 16384);
      const double ossl = openssl_speed(name);
      if (ossl <= 0)
        throw std::runtime_error(fmt::format("`openssl speed -evp {}` gave no figure (is openssl on PATH?)", name));
      const double ratio = runs / ossl;
      std::cout << fmt::format("  {:<32} {:>12.0f} {:>12.0f} {:>14.0f} {:>8.2f}\n", name, pages / 1e6, runs / 1e6,
                               ossl / 1e6, ratio);
      report["model_ctr"][name] = {{"model_bytes_per_second_4k_pages", pages},
                                   {"model_bytes_per_second_16k_runs", runs},
                                   {"openssl_speed_evp_bytes_per_second_16k", ossl},
                                   {"ratio_16k", ratio}};
    }
    if (!json_path.empty()) {
      json_out << report.dump(2) << '\n';
      json_out.close();
      if (!json_out || std::rename(json_tmp.c_str(), json_path.c_str()) != 0)
        throw std::runtime_error("--json: cannot write " + json_path);
      std::cout << "\nwrote " << json_path << '\n';
    }
  } catch (const std::exception& e) {
    if (!json_path.empty()) std::remove((json_path + ".tmp").c_str());
    std::cerr << "tame-bench: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
