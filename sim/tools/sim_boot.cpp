// tame-sim boot. The TA firmware model (TaFirmware, run by BootFlow) drives the RTL key
// controller over its register port: the RTL DRBG draws the TA nonce, the
// firmware builds M1 with it, the host relays M1 to the key service, the firmware opens
// M2 and writes the image key into the write-only KEY_LOAD registers; the RTL then
// draws the memory session key into its slots by itself. The host model fetches every
// sealed page through block 1 and block 2 into DRAM, and each core reads the image's
// lines back through its block 3. Every DRAM write and every L2 read is checked against
// the model; the memory session key used for that comes from the model's own DRBG run
// on the same entropy, never from the RTL.
//
// Outputs (--trace, --report, --dump-dram, --dump-messages, --export-test-secrets) are
// checked, or made as temporary files, before the TA is read or a key is asked for; they
// appear only when the whole run has passed (a mismatch against the model is a failure),
// and a failure or SIGINT/SIGTERM leaves none of them.
#include "sim_boot.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <random>
#include <span>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "Vtame_top.h"
#include "Vtame_top_c4.h"
#include "boot_flow.hpp"
#include "mem_harness.hpp"
#include "mem_scoreboard.hpp"
#include "tame/atomic_file.hpp"
#include "tame/disk_crypt.hpp"
#include "tame/files.hpp"
#include "tame/image.hpp"
#include "tame/keyservice_client.hpp"
#include "tame/manufacture.hpp"
#include "tame/protocol.hpp"
#include "tame/ta_firmware.hpp"

namespace tame::sim {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kPage0Line = 0x400000;  // image page 0 lands at byte 0x10000000
constexpr std::size_t kBatchPages = 256;        // pages in flight at once: memory stays flat

void progress(bool on, std::uint64_t done, std::uint64_t total) {
  if (!on) return;
  std::fprintf(stderr, "\rtame-sim boot: %llu of %llu pages", static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(total));
  if (done == total) std::fprintf(stderr, "\n");
}

// An output that a library writes by its own path (the FST trace): it is written to a
// temporary file beside the target, removed on a signal or a failure, and renamed into
// place by commit(). The FST writer keeps "<file>.hier" beside it while it runs; that
// one is removed on a signal too.
class TempOutput {
 public:
  explicit TempOutput(const fs::path& target) : target_(target) {
    temp_ = target;
    temp_ += fmt::format(".partial-{:08x}", std::random_device{}());
    hier_ = temp_;
    hier_ += ".hier";
    slots_[0] = register_temp_file(temp_);
    slots_[1] = register_temp_file(hier_);
  }
  ~TempOutput() {
    if (committed_) return;
    std::error_code ec;
    fs::remove(temp_, ec);
    fs::remove(hier_, ec);
    for (const int s : slots_) forget_temp_file(s);
  }
  TempOutput(const TempOutput&) = delete;
  TempOutput& operator=(const TempOutput&) = delete;
  const fs::path& temp() const { return temp_; }
  const fs::path& target() const { return target_; }
  // Once the writer has closed the file.
  void commit() {
    std::error_code ec;
    fs::permissions(temp_, kPublicFilePerms, ec);  // 0644 whatever the umask
    fs::rename(temp_, target_, ec);
    if (ec) throw Error(target_.string(), fmt::format("cannot rename the output into place: {}", ec.message()));
    committed_ = true;
    for (const int s : slots_) forget_temp_file(s);
  }

 private:
  fs::path target_, temp_, hier_;
  int slots_[2] = {-1, -1};
  bool committed_ = false;
};

// The --dump-messages folder, made if missing and removed again (if still empty) when
// the run fails: a run that fails leaves nothing it made.
struct MessagesDir {
  explicit MessagesDir(const std::string& dir) : dir_(dir) {
    if (dir.empty()) return;
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
      throw Error("--dump-messages", fmt::format("'{}' is not a directory", dir));
    if (!fs::exists(dir, ec)) {
      fs::create_directories(dir, ec);
      if (ec) throw Error("--dump-messages", fmt::format("'{}' cannot be created: {}", dir, ec.message()));
      made_ = true;
    }
  }
  ~MessagesDir() {
    std::error_code ec;
    if (made_ && !done) fs::remove(dir_, ec);  // only if empty
  }
  MessagesDir(const MessagesDir&) = delete;
  MessagesDir& operator=(const MessagesDir&) = delete;
  bool done = false;

 private:
  std::string dir_;
  bool made_ = false;
};

std::span<const std::uint8_t> text_bytes(const std::string& text) {
  return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

// The flow on a top with `cores` cores (Dut: tame_top built for that many).
template <class Dut>
int boot_on(const SimBootOptions& o, unsigned cores) {
  ImageReader image(o.image, "--image");
  const ImageHeader& header = image.header();

  // Every output is checked, or made as a temporary file, before the TA is read, a key
  // is asked for or the RTL runs; all of them appear at the end, or none does. The
  // folder comes first so that it goes last, once the files in it are gone.
  MessagesDir messages_dir(o.dump_messages);
  std::optional<AtomicFile> report_file, secrets_file, m1_file, m2_file;
  std::optional<TempOutput> trace_file;
  if (!o.trace.empty()) {
    check_output_file(o.trace, "--trace");
    trace_file.emplace(o.trace);
  }
  if (!o.report.empty()) {
    check_output_file(o.report, "--report");
    report_file.emplace(o.report);
  }
  if (!o.dump_dram.empty()) check_output_file(o.dump_dram, "--dump-dram");
  if (!o.export_test_secrets.empty()) {
    check_output_file(o.export_test_secrets, "--export-test-secrets");
    secrets_file.emplace(o.export_test_secrets, kSecretFilePerms);
  }
  if (!o.dump_messages.empty()) {
    m1_file.emplace(fs::path(o.dump_messages) / "m1.bin");
    m2_file.emplace(fs::path(o.dump_messages) / "m2.bin");
  }

  const TaFiles files = load_ta(o.ta);

  const std::uint64_t seed = std::random_device{}();
  TopHarness<Dut> host(cores, seed);  // after trace_file: the trace is closed before it goes
  if (trace_file) host.sim().trace_to(trace_file->temp().string());
  MemScoreboard sb(4, 4096);
  std::mt19937_64 rng(seed);
  const auto t0 = std::chrono::steady_clock::now();

  // ---- the trust anchor obtains the image key (firmware model + RTL key controller)
  TaFirmware firmware(files.uds, files.cert_der);
  Bytes k_img = BootFlow<Dut>(host.ta()).boot(firmware, header, [&](const KeyRequest& request) {
    if (m1_file) m1_file->write(request.m1);
    const Bytes m2 = ask_key_service(o.keyservice, request);
    if (m2_file) m2_file->write(m2);
    return m2;
  });  // block 1 slot 0, block 2 slot 0, every core runs this VM
  // From here on k_img is the scoreboard's copy (the model's view), not the firmware's.
  sb.load_key(0, host.ta_model().mem_key(0));
  const DiskCrypt model_disk(k_img, header.ctr_nonce);

  // ---- the host boots every page into DRAM; the cores read every line back
  const std::uint64_t pages = header.page_count();
  const bool tty = !o.quiet && isatty(STDERR_FILENO);
  std::uint64_t dram_writes = 0, l2_reads = 0;
  Bytes sealed(kPageSize), plain(kPageSize);
  for (std::uint64_t first = 0; first < pages; first += kBatchPages) {
    const std::uint64_t n = std::min<std::uint64_t>(kBatchPages, pages - first);
    std::vector<Bytes> plains;
    for (std::uint64_t p = first; p < first + n; ++p) {
      image.read_page(sealed);
      const std::uint64_t line = kPage0Line + kLinesPerPage * p;
      host.queue_disk_page(line, header.ctr_nonce, kBlocksPerPage * p, sealed);
      model_disk.crypt_page(p, sealed, plain);
      sb.expect_page(0, line, plain);
    }
    host.run({}, rng);
    const auto writes = host.take_dram_writes();
    dram_writes += writes.size();
    sb.check_dram(writes);
    for (std::uint64_t l = kPage0Line + kLinesPerPage * first; l < kPage0Line + kLinesPerPage * (first + n); ++l) {
      const auto stored = sb.fetch(l).value();
      const unsigned core = static_cast<unsigned>(l % cores);
      host.queue_fill(core, {l, stored.line.nonce, stored.line.ct});
      sb.expect_fill(core, l, stored.plain, std::nullopt);
    }
    host.run({}, rng);
    for (unsigned c = 0; c < cores; ++c) {
      const auto lines = host.take_l2(c);
      l2_reads += lines.size();
      sb.check_l2(c, lines);
    }
    progress(tty, first + n, pages);
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const std::uint64_t cycles = host.cycles();

  // ---- what it leaves behind
  if (sb.failures() != 0) {
    std::fill(k_img.begin(), k_img.end(), 0);
    throw Error("tame-sim boot", fmt::format("{} mismatches against the model, first: {}", sb.failures(),
                                             sb.errors().front()));
  }
  if (secrets_file) {
    const nlohmann::json secrets = {
        {"warning", "simulation only: keys exported by tame-sim for tests (--export-test-secrets)"},
        {"k_img", to_hex(k_img)},
        {"k_mem", to_hex(host.ta_model().mem_key(0))},
        {"page0_addr", fmt::format("{:x}", kPage0Line * kLineSize)}};
    secrets_file->write(text_bytes(secrets.dump(2) + "\n"));
  }
  std::fill(k_img.begin(), k_img.end(), 0);
  const nlohmann::json report = {
      {"image", o.image},
      {"image_id", to_hex(header.image_id)},
      {"cipher", std::string(cipher_name(header.cipher))},
      {"payload_bytes", header.payload_length},
      {"pages", pages},
      {"cores", cores},
      {"dram_writes", dram_writes},
      {"l2_reads", l2_reads},
      {"lines_checked", sb.lines_checked()},
      {"mismatches", sb.failures()},
      {"nonces_unique_and_dense", sb.nonces_dense(0)},
      {"cycles", cycles},
      {"seconds", secs},
      {"image_megabytes_per_second", double(pages * kPageSize) / secs / 1e6},
      {"verilator_cycles_per_second", double(cycles) / secs},
      {"first_errors", sb.errors()}};
  if (report_file) report_file->write(text_bytes(report.dump(2) + "\n"));
  // The outputs appear one by one. Until the last has, each one that appeared stays in
  // the process's registry of temporary files, so that a signal takes it back too; if
  // one fails, those that appeared are removed.
  struct Appeared {
    std::vector<std::pair<fs::path, int>> files;
    bool done = false;
    void add(const fs::path& p) { files.emplace_back(p, register_temp_file(p)); }
    void finish() {  // all of them are there: they are outputs now, not temporary
      done = true;
      for (const auto& f : files) forget_temp_file(f.second);
    }
    ~Appeared() {
      if (done) return;
      std::error_code ec;
      for (const auto& [path, slot] : files) {
        fs::remove(path, ec);
        forget_temp_file(slot);
      }
    }
  } appeared;
  if (trace_file) host.sim().close_trace();  // the slow part of the trace, before any rename
  if (!o.dump_dram.empty()) {
    sb.dram().dump(o.dump_dram);
    appeared.add(o.dump_dram);
  }
  if (trace_file) {
    trace_file->commit();
    appeared.add(trace_file->target());
  }
  for (auto* f : {&m1_file, &m2_file, &secrets_file, &report_file}) {
    if (!*f) continue;
    (*f)->commit();
    appeared.add((*f)->target());
  }
  appeared.finish();
  messages_dir.done = true;
  if (!o.quiet) {
    fmt::print("tame-sim boot: {} pages ({} bytes) through the RTL in {} cycles, {:.2f} s ({:.2f} MB/s, {:.3f} M cycles/s); "
               "{} DRAM writes, {} L2 reads, {} mismatches\n",
               pages, header.payload_length, cycles, secs, double(pages * kPageSize) / secs / 1e6,
               double(cycles) / secs / 1e6, dram_writes, l2_reads, sb.failures());
  }
  return 0;
}

}  // namespace

int run_sim_boot(const SimBootOptions& o) {
  switch (o.cores) {
    case 2: return boot_on<Vtame_top>(o, 2);
    case 4: return boot_on<Vtame_top_c4>(o, 4);
    default: throw Error("--cores", fmt::format("{} cores: tame_top is built with 2 and with 4", o.cores));
  }
}

}  // namespace tame::sim
