#include "coverage.hpp"

#ifdef TAME_COVERAGE_DIR
#include <atomic>
#include <filesystem>
#include <string>
#include <system_error>

#include <unistd.h>
#include <verilated_cov.h>
#endif

namespace tame::sim {

void write_coverage([[maybe_unused]] VerilatedContext& ctx) noexcept {
#ifdef TAME_COVERAGE_DIR
  // Tests run in parallel processes, and one process may simulate several models: the
  // process id and a count keep every file apart. scripts/coverage.py merges them.
  static std::atomic<unsigned> count{0};
  std::error_code ec;
  std::filesystem::create_directories(TAME_COVERAGE_DIR, ec);
  const std::string path = std::string(TAME_COVERAGE_DIR) + "/" + std::to_string(::getpid()) +
                           "-" + std::to_string(count++) + ".dat";
  try {
    ctx.coveragep()->write(path.c_str());
  } catch (...) {
    // A destructor must not throw; a lost count file shows up as lower coverage.
  }
#endif
}

}  // namespace tame::sim
