// AtomicFile and the process's registry of temporary files. The registry is a fixed
// array that the signal handler reads without locks or allocation: a slot is published
// (state 2) only after its path is complete.
#include "tame/atomic_file.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <random>
#include <system_error>

#include <fmt/format.h>

#include "tame/bytes.hpp"

namespace tame {
namespace {

constexpr int kSlots = 64;
constexpr std::size_t kMaxPath = 4096;
constexpr std::size_t kBufferBytes = 256 * 1024;

struct Slot {
  std::atomic<int> state{0};  // 0 free, 1 being filled, 2 a file to remove on a signal
  char path[kMaxPath];
};
Slot g_slots[kSlots];
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void remove_temp_files_and_die(int sig) {
  const int saved = errno;
  for (Slot& s : g_slots) {
    if (s.state.load(std::memory_order_acquire) == 2) unlink(s.path);
  }
  // SA_RESETHAND put the default action back; the signal is blocked until we return,
  // and then it ends the process as it would have without us.
  raise(sig);
  errno = saved;
}

// Installed once, and only over the default action: a program with its own handler, or
// run under nohup (SIGHUP ignored), keeps it.
void install_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
      struct sigaction old {};
      if (sigaction(sig, nullptr, &old) != 0 || (old.sa_flags & SA_SIGINFO) != 0 ||
          old.sa_handler != SIG_DFL) {
        continue;
      }
      struct sigaction sa {};
      sa.sa_handler = remove_temp_files_and_die;
      sigemptyset(&sa.sa_mask);
      sigaddset(&sa.sa_mask, SIGINT);
      sigaddset(&sa.sa_mask, SIGTERM);
      sigaddset(&sa.sa_mask, SIGHUP);
      sa.sa_flags = SA_RESETHAND;
      sigaction(sig, &sa, nullptr);
    }
  });
}

}  // namespace

int register_temp_file(const std::filesystem::path& path) {
  install_handlers();
  std::error_code ec;
  const std::string abs = std::filesystem::absolute(path, ec).string();
  if (ec || abs.size() >= kMaxPath) return -1;
  for (int i = 0; i < kSlots; ++i) {
    int expected = 0;
    if (g_slots[i].state.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) {
      std::memcpy(g_slots[i].path, abs.c_str(), abs.size() + 1);
      g_slots[i].state.store(2, std::memory_order_release);
      return i;
    }
  }
  return -1;
}

void forget_temp_file(int slot) noexcept {
  if (slot >= 0 && slot < kSlots) g_slots[slot].state.store(0, std::memory_order_release);
}

AtomicFile::AtomicFile(std::filesystem::path target, std::filesystem::perms perms)
    : target_(std::move(target)) {
  std::error_code ec;
  if (target_.empty()) throw Error("output file", "no path given");
  if (std::filesystem::is_directory(target_, ec)) throw Error(target_.string(), "is a directory");
  if (std::filesystem::exists(target_, ec) && !std::filesystem::is_regular_file(target_, ec)) {
    // Renaming over a device or a socket would replace it with a plain file.
    throw Error(target_.string(), "exists and is not a regular file");
  }
  std::random_device rd;
  for (int attempt = 0; attempt < 8 && fd_ < 0; ++attempt) {
    temp_ = target_;
    temp_ += fmt::format(".partial-{:08x}", rd());
    slot_ = register_temp_file(temp_);  // before the file exists, so no signal misses it
    fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd_ < 0) {
      const int err = errno;
      forget_temp_file(slot_);
      slot_ = -1;
      if (err != EEXIST) {
        throw Error(target_.string(), fmt::format("cannot create the output file: {}",
                                                  std::strerror(err)));
      }
    }
  }
  if (fd_ < 0) throw Error(target_.string(), "cannot create the output file");
  if (::fchmod(fd_, static_cast<mode_t>(perms & std::filesystem::perms::mask)) != 0) {
    const int err = errno;
    discard();
    throw Error(target_.string(),
                fmt::format("cannot set the file's permissions: {}", std::strerror(err)));
  }
  buffer_.reserve(kBufferBytes);
}

AtomicFile::~AtomicFile() {
  if (!committed_) discard();
}

void AtomicFile::discard() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!temp_.empty() && !committed_) ::unlink(temp_.c_str());  // nothing half-written is left
  forget_temp_file(slot_);
  slot_ = -1;
  buffer_.clear();
}

void AtomicFile::flush_buffer() {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      buffer_.clear();
      throw Error(target_.string(), fmt::format("write failed: {}", std::strerror(err)));
    }
    done += static_cast<std::size_t>(n);
  }
  buffer_.clear();
}

void AtomicFile::write(std::span<const std::uint8_t> bytes) {
  if (fd_ < 0) throw Error(target_.string(), "write after the file was closed");
  if (buffer_.size() + bytes.size() > kBufferBytes) flush_buffer();
  if (bytes.size() >= kBufferBytes) {
    buffer_.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    flush_buffer();
    return;
  }
  buffer_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void AtomicFile::commit() {
  if (fd_ < 0) throw Error(target_.string(), "commit after the file was closed");
  flush_buffer();
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) {
    throw Error(target_.string(), fmt::format("write failed: {}", std::strerror(errno)));
  }
  std::error_code ec;
  std::filesystem::rename(temp_, target_, ec);
  if (ec) throw Error(target_.string(), "cannot move the finished file into place: " + ec.message());
  committed_ = true;
  forget_temp_file(slot_);
  slot_ = -1;
}

}  // namespace tame
