// The model's file helpers that the tools rely on to leave nothing behind (issue 16):
// AtomicFile's temporary file goes on an error and on SIGINT/SIGTERM/SIGHUP, modes are
// exact whatever the umask, and outputs are checked before any work.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "protocol_support.hpp"
#include "tame/atomic_file.hpp"
#include "tame/files.hpp"

namespace tame {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  return out;
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

class Files : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = test::fresh_temp_dir("files"); }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(Files, AtomicFileAppearsWholeOrNotAtAll) {
  {
    AtomicFile f(dir_ / "out");
    f.write(Bytes(1000, 7));
    EXPECT_EQ(names_in(dir_).size(), 1u);  // the temporary file, from the start
    EXPECT_TRUE(names_in(dir_)[0].starts_with("out.partial-"));
  }
  EXPECT_TRUE(names_in(dir_).empty());
  AtomicFile f(dir_ / "out");
  f.write(Bytes(300000, 7));  // more than its buffer
  f.commit();
  EXPECT_EQ(names_in(dir_), std::vector<std::string>{"out"});
  EXPECT_EQ(fs::file_size(dir_ / "out"), 300000u);
}

// A child process writes through AtomicFile and is then sent each signal, from another
// thread too: it dies of that signal and its temporary files are gone.
TEST_F(Files, SignalsRemoveTemporaryFilesAndStillEndTheProcess) {
  for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      AtomicFile a(dir_ / "a");
      AtomicFile b(dir_ / "b", kSecretFilePerms);
      a.write(Bytes(100000, 1));
      b.write(Bytes(100000, 2));
      std::thread([sig] { kill(getpid(), sig); }).join();
      sleep(5);
      _exit(0);  // not reached if the signal did its work
    }
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig) << "signal " << sig;
    EXPECT_TRUE(names_in(dir_).empty()) << "signal " << sig << " left " << names_in(dir_)[0];
  }
}

TEST_F(Files, ModesAreExactWhateverTheUmask) {
  const mode_t old = umask(0);
  write_text_file(dir_ / "public", "p");
  write_text_file(dir_ / "secret", "s", kSecretFilePerms);
  make_private_dir(dir_ / "d1" / "d2", "--dir");
  umask(077);
  write_text_file(dir_ / "public2", "p");
  umask(old);
  EXPECT_EQ(mode_of(dir_ / "public"), 0644u);
  EXPECT_EQ(mode_of(dir_ / "public2"), 0644u);
  EXPECT_EQ(mode_of(dir_ / "secret"), 0600u);
  EXPECT_EQ(mode_of(dir_ / "d1"), 0700u);
  EXPECT_EQ(mode_of(dir_ / "d1" / "d2"), 0700u);
}

TEST_F(Files, OutputsAreCheckedBeforeAnyWork) {
  const std::string d = dir_.string();
  EXPECT_EQ(error_of([&] { check_output_file(dir_, "--out"); }), "--out: '" + d + "' is a directory");
  EXPECT_EQ(error_of([&] { check_output_file("/dev/null", "--out"); }),
            "--out: '/dev/null' exists and is not a regular file");
  EXPECT_EQ(error_of([&] { check_output_file(dir_ / "no" / "x", "--out"); }),
            "--out: '" + d + "/no/x': the folder '" + d + "/no' does not exist");
  if (fs::exists("/proc/self")) {  // /proc takes no new file, even from root
    EXPECT_TRUE(error_of([&] { check_output_file("/proc/x", "--dram-dump"); })
                    .starts_with("--dram-dump: '/proc/x' cannot be created: "));
  }
  check_output_file(dir_ / "fine", "--out");
  EXPECT_TRUE(names_in(dir_).empty()) << "the probe file is gone";
  EXPECT_EQ(error_of([&] { AtomicFile f(dir_); }), d + ": is a directory");
  EXPECT_EQ(error_of([&] { regular_file_size("/dev/zero", "--in"); }),
            "--in: '/dev/zero' is not a regular file (a device or a pipe has no size to read to)");
}

}  // namespace
}  // namespace tame
