// tame keyservice serve: KeyService behind HttpServer (http_server.hpp) on a loopback address. Each request
// is decided by the pure logic in keyservice.hpp, answered with M2 or a JSON refusal, and
// logged as one JSON line. SIGINT and SIGTERM stop it cleanly.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "commands.hpp"
#include "http_server.hpp"
#include "tame/keyservice.hpp"
#include "tame/policy_store.hpp"

namespace tame::app {
namespace {

using Json = nlohmann::json;

struct Listen {
  std::string host;
  int port;
};

// "HOST:PORT" or "[::1]:PORT"; the host must be a loopback address, because the service
// speaks plain HTTP (docs/keyservice.md: put a TLS proxy in front for anything else).
Listen parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    throw Error("--listen", fmt::format("'{}' is not HOST:PORT", text));
  }
  std::string host = text.substr(0, colon);
  const std::string port_text = text.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = -1;
  try {
    std::size_t used = 0;
    port = std::stoi(port_text, &used);
    if (used != port_text.size()) port = -1;
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) {
    throw Error("--listen", fmt::format("port '{}' is not a number from 0 to 65535", port_text));
  }
  in_addr v4{};
  in6_addr v6{};
  const bool loopback =
      host == "localhost" ||
      (inet_pton(AF_INET, host.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127) ||
      (inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6));
  if (!loopback) {
    throw Error("--listen", fmt::format("'{}' is not a loopback address; the key service speaks "
                                        "plain HTTP and listens on loopback only",
                                        host));
  }
  return {host, port};
}

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return fmt::format("{}.{:03d}Z", buf, static_cast<int>(ms));
}

// One JSON object per line on stdout and, if asked, appended to a file.
class DecisionLog {
 public:
  explicit DecisionLog(const std::string& path) {
    if (!path.empty()) {
      file_.open(path, std::ios::app);
      if (!file_) throw Error("--log", fmt::format("cannot append to '{}'", path));
    }
  }
  void write(Json record) {
    record["time"] = utc_now();
    const std::string line = record.dump(-1, ' ', false, Json::error_handler_t::replace);
    const std::lock_guard lock(mutex_);
    std::cout << line << std::endl;
    if (file_.is_open()) file_ << line << std::endl;
  }

 private:
  std::mutex mutex_;
  std::ofstream file_;
};

// The store and the key decide who gets keys: a file that another user can write is a
// file another user can make the service trust.
void check_not_writable_by_others(const std::filesystem::path& file) {
  struct stat st {};
  if (stat(file.c_str(), &st) != 0) {
    throw Error(file.string(), fmt::format("cannot be read: {}", std::strerror(errno)));
  }
  if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
    throw Error(file.string(),
                fmt::format("is writable by group or others (mode {:04o}); the key service "
                            "refuses to start on it (chmod go-w {})",
                            st.st_mode & 07777, file.string()));
  }
}

}  // namespace

int run_serve(const ServeOptions& o) {
  const Listen listen = parse_listen(o.listen);
  const std::filesystem::path dir = o.dir;
  for_option("--dir", [&] {
    check_not_writable_by_others(dir);
    check_not_writable_by_others(dir / kPolicyDbFile);
    check_not_writable_by_others(dir / kKsPrivateFile);
    // SQLite's journal files, when there: a write to the WAL is a write to the store.
    for (const char* suffix : {"-wal", "-shm"}) {
      const std::filesystem::path journal = dir / (std::string(kPolicyDbFile) + suffix);
      std::error_code ec;
      if (std::filesystem::exists(journal, ec)) check_not_writable_by_others(journal);
    }
  });
  SqlitePolicyStore store = for_option("--dir", [&] { return SqlitePolicyStore(dir / kPolicyDbFile); });
  const KeyService service(for_option("--dir", [&] { return load_ks_private_key(dir); }), store);
  DecisionLog log(o.log);

  HttpLimits limits;
  limits.workers = o.threads;
  limits.max_connections = static_cast<std::size_t>(o.max_connections);
  limits.max_header_bytes = static_cast<std::size_t>(o.max_header_bytes);
  limits.max_body_bytes = kMaxRequestBody;
  limits.header_timeout = std::chrono::milliseconds(o.header_timeout_ms);
  limits.body_timeout = std::chrono::milliseconds(o.body_timeout_ms);
  limits.idle_timeout = std::chrono::milliseconds(o.idle_timeout_ms);
  limits.write_timeout = std::chrono::milliseconds(o.body_timeout_ms);

  const auto not_found = [&](const HttpRequest& req) {
    const std::string detail =
        fmt::format("path: only POST {} and GET /v1/health are served", kKeyRequestPath);
    log.write({{"peer", req.peer},
               {"decision", "refused"},
               {"reason", "not-found"},
               {"detail", detail},
               {"status", 404}});
    return HttpResponse{404, Json{{"error", "not-found"}, {"detail", detail}}.dump()};
  };
  // POST: the decision, on a worker.
  const auto decide = [&](const HttpRequest& req) {
    if (req.target != kKeyRequestPath) return not_found(req);
    const auto t0 = std::chrono::steady_clock::now();
    const Decision d = service.decide_body(req.body);
    Json record = {{"peer", req.peer},
                   {"ta_cert_id", d.ta_cert_id},
                   {"image_id", d.image_id},
                   {"cpu_model", d.cpu_model}};
    HttpResponse res;
    if (d.granted()) {
      res = {200, encode_answer(*d.m2)};
      record["decision"] = "granted";
    } else {
      res = {reason_http_status(d.reason), encode_refusal(d.reason, d.detail)};
      record["decision"] = "refused";
      record["reason"] = reason_name(d.reason);
      record["detail"] = d.detail;
      if (!d.internal_error.empty()) record["internal_error"] = d.internal_error;
    }
    record["status"] = res.status;
    record["ms"] =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    log.write(std::move(record));
    return res;
  };
  // Every other method: health or not found, on the I/O thread (so health answers even
  // while every worker is busy).
  const std::string health =
      Json{{"status", "serving"}, {"ks_key_id", to_hex(service.ks_key_id())}}.dump();
  const auto quick = [&](const HttpRequest& req) {
    if (req.method == "GET" && req.target == "/v1/health") return HttpResponse{200, health};
    return not_found(req);
  };
  // Refusals by the front end: a limit, a timeout, HTTP that does not parse.
  const auto refused = [&](const std::string& peer, int status, std::string_view reason,
                           std::string_view detail) {
    log.write({{"peer", peer},
               {"decision", "refused"},
               {"reason", reason},
               {"detail", detail},
               {"status", status}});
  };
  HttpServer server(limits, decide, quick, refused);

  // A client that hangs up while its answer is being written must not end the service.
  std::signal(SIGPIPE, SIG_IGN);
  // SIGINT and SIGTERM are taken by one thread, which stops the server.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  int port = -1;
  try {
    port = server.listen(listen.host, listen.port);
  } catch (const std::exception& e) {
    throw Error("--listen", fmt::format("cannot listen on {}: {}", o.listen, e.what()));
  }
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    if (!done) {
      log.write({{"event", "stopping"}, {"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}});
    }
    server.stop();
  });
  const std::string shown =
      listen.host.find(':') != std::string::npos ? "[" + listen.host + "]" : listen.host;
  log.write({{"event", "listening"},
             {"url", fmt::format("http://{}:{}", shown, port)},
             {"ks_key_id", to_hex(service.ks_key_id())},
             {"threads", o.threads},
             {"max_connections", o.max_connections},
             {"max_header_bytes", o.max_header_bytes},
             {"max_body_bytes", kMaxRequestBody},
             {"header_timeout_ms", o.header_timeout_ms},
             {"body_timeout_ms", o.body_timeout_ms},
             {"idle_timeout_ms", o.idle_timeout_ms}});
  server.run();
  done = true;
  pthread_kill(watcher.native_handle(), SIGTERM);  // wakes the watcher if no signal came
  watcher.join();
  log.write({{"event", "stopped"}});
  return 0;
}

}  // namespace tame::app
