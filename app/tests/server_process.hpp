// `tame keyservice serve` as a child process on a free loopback port, with its decision
// log (stdout) collected line by line. Shared by the app tests.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

extern char** environ;

namespace tame::test {

// The server as a child process; its stdout (the decision log) is collected line by line.
class ServerProcess {
 public:
  explicit ServerProcess(const std::filesystem::path& dir, std::vector<std::string> extra_args = {}) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    const std::string d = dir.string();
    std::vector<std::string> args = {TAME_BINARY, "keyservice", "serve", "--dir", d,
                                     "--listen", "127.0.0.1:0", "--threads", "4"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, TAME_BINARY, &actions, nullptr, argv.data(), environ) != 0) {
      throw std::runtime_error("posix_spawn " TAME_BINARY);
    }
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    reader_ = std::thread([this, fd = fds[0]] { read_lines(fd); });
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, std::chrono::seconds(10), [this] { return !lines_.empty() || eof_; }) ||
        lines_.empty()) {
      throw std::runtime_error("the key service did not start");
    }
    url_ = nlohmann::json::parse(lines_.front()).at("url").get<std::string>();
  }
  ~ServerProcess() {
    if (pid_ > 0) stop();
  }
  const std::string& url() const { return url_; }
  int port() const { return std::stoi(url_.substr(url_.rfind(':') + 1)); }
  pid_t pid() const { return pid_; }

  // SIGTERM, then the exit status (0 for a clean stop).
  int stop() {
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    reader_.join();
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::vector<nlohmann::json> log() {
    std::lock_guard lock(mutex_);
    std::vector<nlohmann::json> out;
    for (const auto& l : lines_) out.push_back(nlohmann::json::parse(l));
    return out;
  }

 private:
  void read_lines(int fd) {
    std::string partial;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
      partial.append(buf, static_cast<std::size_t>(n));
      std::size_t nl;
      while ((nl = partial.find('\n')) != std::string::npos) {
        std::lock_guard lock(mutex_);
        lines_.push_back(partial.substr(0, nl));
        partial.erase(0, nl + 1);
        cv_.notify_all();
      }
    }
    close(fd);
    std::lock_guard lock(mutex_);
    eof_ = true;
    cv_.notify_all();
  }

  pid_t pid_ = -1;
  std::thread reader_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> lines_;
  bool eof_ = false;
  std::string url_;
};

}  // namespace tame::test
