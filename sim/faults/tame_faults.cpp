// tame-faults: single-bit upsets in the simulated RTL during the boot flow (make faults).
//
// Every run is the same small boot through the full top (Vtame_top_faults): the TA
// firmware's key loading (INSTANTIATE, KEY_LOAD, LOAD_IMAGE_KEY, LOCK_DISK_SLOT,
// DRAW_MEM_KEY, CONFIGURE), sealed pages through block 1 and block 2 into DRAM, and
// every line read back by the cores through block 3, checked against the model. One run
// has no fault (it must come out clean, or the campaign stops); every other run flips one
// bit of one register (fault_targets.hpp) just before one rising edge, both drawn at
// random, and is classified by what the outside could see:
//   leak             key bytes in an output (DRAM, a core's line, a register read), or a
//                    line written to DRAM in plaintext
//   nonce reused     two DRAM writes under the session key with one nonce
//   detected         the key controller reported FATAL and no key bit is left anywhere
//   error, keys kept FATAL reported, but some key register still holds key bits
//   wrong data       no error, and a core read a line other than what its VM wrote
//   other key        no error, every core read what its VM wrote, but DRAM holds other
//                    ciphertext than the model's: the session key (or a nonce, or an
//                    address) in use is not the one the DRBG and the design prescribe
//   refused          a command refused with an ordinary error: the boot stops, safely
//   stalled          the flow stopped making progress (a hang: denial of service)
//   masked           every output equals the model's
// The first class that applies wins, in this order. Runs are spread evenly over the
// target classes, and within one over its bits. The same --seed gives the same runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "Vtame_top_faults.h"
#include "boot_flow.hpp"
#include "fault_targets.hpp"
#include "mem_harness_impl.hpp"
#include "mem_scoreboard.hpp"
#include "secrets.hpp"
#include "tame/disk_crypt.hpp"

namespace tame::sim {
template class TopHarness<Vtame_top_faults>;
}

namespace {

using namespace tame;
using namespace tame::sim;

const std::vector<std::string> kOutcomes{"leak",    "nonce reused", "detected", "error, keys kept", "wrong data",
                                         "other key", "refused",    "stalled",  "masked"};

struct Fault {
  std::string target;
  std::string cls;
  std::uint64_t bit = 0;
  std::uint64_t cycle = 0;
};

struct Outcome {
  std::string kind;
  std::string detail;
  std::uint64_t cycles = 0;
};

// The workload of every run, drawn once from the seed.
struct Workload {
  explicit Workload(std::uint64_t seed, unsigned pages) : seed(seed) {
    std::mt19937_64 rng(seed);
    k_img = random_bytes(rng, 32);
    ctr_nonce = rng();
    for (unsigned p = 0; p < pages; ++p) plain.push_back(random_bytes(rng, kPageSize));
  }
  static Bytes random_bytes(std::mt19937_64& rng, std::size_t n) {
    Bytes b(n);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    return b;
  }
  std::uint64_t seed;
  Bytes k_img;
  std::uint64_t ctr_nonce;
  std::vector<Bytes> plain;
  static constexpr std::uint64_t kFirstLine = 0x4000;
};

// Every 8-byte piece of a key, to look for in what comes out.
struct KeyPieces {
  void add(const Bytes& key) {
    for (std::size_t i = 0; i + 8 <= key.size(); i += 8) pieces.insert(Bytes(key.begin() + i, key.begin() + i + 8));
  }
  bool in(std::span<const std::uint8_t> out) const {
    for (std::size_t i = 0; i + 8 <= out.size(); ++i)
      if (pieces.count(Bytes(out.begin() + i, out.begin() + i + 8))) return true;
    return false;
  }
  std::set<Bytes> pieces;
};

class Run {
 public:
  Run(const Workload& w, std::optional<Fault> fault) : w_(w), fault_(std::move(fault)), host_(2, w.seed), sb_(4, 1024), rng_(w.seed) {
    host_.sim().before_edge([this](std::uint64_t cycle) {
      if (fault_ && cycle == fault_->cycle && !flipped_) {
        if (!flip_bit(host_.sim().context(), fault_->target, fault_->bit))
          throw std::logic_error("no register " + fault_->target + " in the model");
        flipped_ = true;
      }
    });
  }

  Outcome go(std::uint64_t stop_after) {
    keys_.add(w_.k_img);
    std::optional<std::string> refused, stalled;
    try {
      flow(stop_after);
    } catch (const TaCommandError& e) {
      if (e.err != TaErr::Fatal) refused = e.what();
    } catch (const std::runtime_error& e) {  // a register access or a command that never ended
      stalled = e.what();
    }
    return classify(refused, stalled);
  }

  std::vector<FaultTarget> targets() { return fault_targets(host_.sim().context()); }
  std::uint64_t cycles() const { return host_.cycles(); }

 private:
  void flow(std::uint64_t stop_after) {
    BootFlow<Vtame_top_faults>(host_.ta()).boot_with_key(w_.k_img);
    const Bytes& k_mem = host_.ta_model().mem_key(0);
    keys_.add(k_mem);
    sb_.load_key(0, k_mem);
    const DiskCrypt disk(w_.k_img, w_.ctr_nonce);
    for (std::size_t p = 0; p < w_.plain.size(); ++p) {
      Bytes sealed(kPageSize);
      disk.crypt_page(p, w_.plain[p], sealed);
      host_.queue_disk_page(Workload::kFirstLine + kLinesPerPage * p, w_.ctr_nonce, kBlocksPerPage * p, sealed);
      sb_.expect_page(0, Workload::kFirstLine + kLinesPerPage * p, w_.plain[p]);
    }
    if (!host_.run({1.0, 1.0}, rng_, stop_after)) throw std::runtime_error("the pages never all reached DRAM");
    const auto writes = host_.take_dram_writes();
    look_at_dram(writes);
    sb_.check_dram(writes);
    dram_failures_ = sb_.failures();
    // Each core reads half of the lines back, as stored in DRAM.
    const std::uint64_t lines = w_.plain.size() * kLinesPerPage;
    for (std::uint64_t l = 0; l < lines; ++l) {
      const auto stored = sb_.fetch(Workload::kFirstLine + l);
      if (!stored) continue;   // a line that never arrived: check_dram has said so
      host_.queue_fill(l % 2, {Workload::kFirstLine + l, stored->line.nonce, stored->line.ct});
      sb_.expect_fill(l % 2, Workload::kFirstLine + l, stored->plain, std::nullopt);
    }
    if (!host_.run({1.0, 1.0}, rng_, stop_after)) throw std::runtime_error("the cores' reads never all came back");
    for (unsigned c = 0; c < 2; ++c) {
      const auto l2 = host_.take_l2(c);
      for (const auto& line : l2) leaked_ |= keys_.in(line.data);
      sb_.check_l2(c, l2);
    }
  }

  void look_at_dram(const std::vector<LineWrite>& writes) {
    std::set<std::uint64_t> nonces;
    for (const auto& w : writes) {
      if (!nonces.insert(w.nonce).second) nonce_reused_ = true;
      leaked_ |= keys_.in(w.data);
      const std::uint64_t l = w.line - Workload::kFirstLine;
      if (l < w_.plain.size() * kLinesPerPage) {
        const auto& page = w_.plain[l / kLinesPerPage];
        const auto* want = page.data() + (l % kLinesPerPage) * kLineSize;
        if (std::equal(w.data.begin(), w.data.end(), want)) leaked_ = true;   // plaintext in DRAM
      }
    }
  }

  Outcome classify(const std::optional<std::string>& refused, const std::optional<std::string>& stalled) {
    // What the register port says now, if it still answers; then a few clocks for the
    // zeroize to reach every block.
    std::optional<std::uint32_t> error;
    try {
      error = host_.ta().read(TAME_TA_REG(ERROR));
      for (int i = 0; i < 32; ++i) host_.ta().tick();
    } catch (const std::runtime_error&) {
    }
    const bool fatal = error && TaDriver<Vtame_top_faults>::error_code(*error) == TaErr::Fatal;
    const auto live = live_secrets(host_.sim().context());
    Outcome o;
    o.cycles = host_.cycles();
    if (leaked_) o.kind = "leak";
    else if (nonce_reused_) o.kind = "nonce reused";
    else if (fatal && live.empty()) o.kind = "detected";
    else if (fatal) o.kind = "error, keys kept", o.detail = live.front();
    else if (!refused && !stalled && sb_.failures() > dram_failures_) {
      o.kind = "wrong data";
      o.detail = dram_failures_ < sb_.errors().size() ? sb_.errors()[dram_failures_] : "a core read a wrong line";
    }
    else if (!refused && !stalled && dram_failures_ > 0) o.kind = "other key", o.detail = sb_.errors().front();
    else if (refused) o.kind = "refused", o.detail = *refused;
    else if (stalled) o.kind = "stalled", o.detail = *stalled;
    else o.kind = "masked";
    return o;
  }

  const Workload& w_;
  std::optional<Fault> fault_;
  TopHarness<Vtame_top_faults> host_;
  MemScoreboard sb_;
  std::mt19937_64 rng_;
  KeyPieces keys_;
  std::uint64_t dram_failures_ = 0;
  bool flipped_ = false, leaked_ = false, nonce_reused_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tame-faults: single-bit upsets in the RTL during the boot flow, classified against the model"};
  unsigned runs = 3000, pages = 2;
  std::uint64_t seed = 1;
  std::string json_path;
  bool verbose = false, require_effect = false;
  app.add_option("--runs", runs, "faulty runs (spread evenly over the target classes)")->check(CLI::Range(1U, 1000000U));
  app.add_option("--pages", pages, "4 KiB pages booted per run")->check(CLI::Range(1U, 64U));
  app.add_option("--seed", seed, "draws the workload and every fault");
  app.add_option("--json", json_path, "also write the counts and every non-masked run here");
  app.add_flag("--verbose", verbose, "print every run that is not masked");
  Fault one;
  app.add_option("--target", one.target, "run one fault only: this register (scope.signal, as --verbose names it)");
  app.add_option("--bit", one.bit, "with --target: the bit to flip (array entries one after another)");
  app.add_option("--cycle", one.cycle, "with --target: flipped just before this rising edge");
  app.add_flag("--require-effect", require_effect,
               "fail if every run came out masked (the flips would not be reaching the model)");
  CLI11_PARSE(app, argc, argv);

  try {
    const auto t0 = std::chrono::steady_clock::now();
    const Workload w(seed, pages);
    // The run without a fault: how long the flow is, what can be flipped, and that the
    // campaign's reference is clean.
    Run golden(w, std::nullopt);
    const Outcome g = golden.go(UINT64_MAX);
    if (g.kind != "masked") throw std::runtime_error(fmt::format("the run without a fault is {}: {}", g.kind, g.detail));
    const std::uint64_t flow_cycles = g.cycles;
    const auto targets = golden.targets();
    std::map<std::string, std::vector<const FaultTarget*>> by_class;
    std::map<std::string, std::uint64_t> class_bits;
    for (const auto& t : targets) by_class[t.cls].push_back(&t), class_bits[t.cls] += t.bits();
    std::vector<std::string> classes;
    for (const auto& c : fault_classes())
      if (by_class.count(c)) classes.push_back(c);
    fmt::print("tame-faults: {} registers ({} bits) in {} classes; the flow takes {} cycles ({} pages); "
               "{} runs, seed {}\n",
               targets.size(), [&] { std::uint64_t b = 0; for (auto& [c, n] : class_bits) b += n; return b; }(),
               classes.size(), flow_cycles, pages, runs, seed);

    if (!one.target.empty()) {   // one fault, as a campaign's run names it
      Run run(w, one);
      const Outcome o = run.go(4 * flow_cycles);
      fmt::print("{} bit {} at cycle {}: {}{}\n", one.target, one.bit, one.cycle, o.kind,
                 o.detail.empty() ? "" : " (" + o.detail + ")");
      return 0;
    }

    std::mt19937_64 rng(seed ^ 0xfa17);
    std::map<std::string, std::map<std::string, unsigned>> counts;   // class -> outcome -> runs
    nlohmann::json notable = nlohmann::json::array();
    for (unsigned r = 0; r < runs; ++r) {
      const std::string& cls = classes[r % classes.size()];
      // A bit of the class, uniformly: a target with more bits is hit more often.
      std::uint64_t pick = rng() % class_bits[cls];
      const FaultTarget* t = nullptr;
      for (const auto* c : by_class[cls]) {
        if (pick < c->bits()) { t = c; break; }
        pick -= c->bits();
      }
      const Fault f{t->name, cls, pick, rng() % flow_cycles};
      Run run(w, f);
      const Outcome o = run.go(4 * flow_cycles);
      ++counts[cls][o.kind];
      if (o.kind != "masked") {
        notable.push_back({{"run", r}, {"class", cls}, {"target", f.target}, {"bit", f.bit}, {"cycle", f.cycle},
                           {"outcome", o.kind}, {"detail", o.detail}});
        if (verbose)
          fmt::print("  run {}: {} bit {} at cycle {}: {}{}\n", r, f.target, f.bit, f.cycle, o.kind,
                     o.detail.empty() ? "" : " (" + o.detail + ")");
      }
      if ((r + 1) % 500 == 0) fmt::print("tame-faults: {} of {} runs\n", r + 1, runs), std::fflush(stdout);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    // The table: one row per class, one column per outcome.
    fmt::print("\n{:<20} {:>6} {:>8}", "target class", "runs", "bits");
    for (const auto& k : kOutcomes) fmt::print(" {:>9}", k.substr(0, 9));
    fmt::print("\n");
    nlohmann::json rows = nlohmann::json::array();
    std::map<std::string, unsigned> totals;
    for (const auto& c : classes) {
      unsigned n = 0;
      for (const auto& [k, v] : counts[c]) n += v;
      fmt::print("{:<20} {:>6} {:>8}", c, n, class_bits[c]);
      nlohmann::json row{{"class", c}, {"runs", n}, {"bits", class_bits[c]}, {"registers", by_class[c].size()}};
      for (const auto& k : kOutcomes) {
        fmt::print(" {:>9}", counts[c][k]);
        row["outcomes"][k] = counts[c][k];
        totals[k] += counts[c][k];
      }
      fmt::print("\n");
      rows.push_back(row);
    }
    fmt::print("{:<20} {:>6} {:>8}", "all", runs, "");
    for (const auto& k : kOutcomes) fmt::print(" {:>9}", totals[k]);
    fmt::print("\n\ntame-faults: {} runs in {:.0f} s\n", runs, seconds);

    if (require_effect && totals["masked"] == runs)
      throw std::runtime_error(fmt::format("all {} runs came out masked: the flips do not reach the model", runs));
    if (!json_path.empty()) {
      nlohmann::json j{{"runs", runs},           {"seed", seed},         {"pages", pages},
                       {"flow_cycles", flow_cycles}, {"seconds", seconds}, {"outcomes", kOutcomes},
                       {"classes", rows},        {"totals", totals},     {"not_masked", notable}};
      std::ofstream(json_path + ".tmp") << j.dump(1) << "\n";
      if (std::rename((json_path + ".tmp").c_str(), json_path.c_str()) != 0)
        throw std::runtime_error("cannot write " + json_path);
    }
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "tame-faults: " << e.what() << "\n";
    return 1;
  }
}
