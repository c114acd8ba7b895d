// tame keyservice serve: KeyService behind cpp-httplib on a loopback address. Each request
// is decided by the pure logic in keyservice.hpp, answered with M2 or a JSON refusal, and
// logged as one JSON line. SIGINT and SIGTERM stop it cleanly.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <ctime>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "commands.hpp"
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

}  // namespace

int run_serve(const ServeOptions& o) {
  const Listen listen = parse_listen(o.listen);
  const std::filesystem::path dir = o.dir;
  SqlitePolicyStore store(dir / kPolicyDbFile);
  const KeyService service(load_ks_private_key(dir), store);
  DecisionLog log(o.log);

  httplib::Server server;
  server.new_task_queue = [n = o.threads] {
    return new httplib::ThreadPool(static_cast<std::size_t>(n));
  };
  server.set_payload_max_length(kMaxRequestBody);
  server.set_read_timeout(10);
  server.set_write_timeout(10);

  server.Post(std::string(kKeyRequestPath), [&](const httplib::Request& req,
                                                httplib::Response& res) {
    const auto t0 = std::chrono::steady_clock::now();
    const Decision d = service.decide_body(req.body);
    Json record = {{"peer", req.remote_addr},
                   {"ta_cert_id", d.ta_cert_id},
                   {"image_id", d.image_id},
                   {"cpu_model", d.cpu_model}};
    if (d.granted()) {
      res.status = 200;
      res.set_content(encode_answer(*d.m2), "application/json");
      record["decision"] = "granted";
    } else {
      res.status = reason_http_status(d.reason);
      res.set_content(encode_refusal(d.reason, d.detail), "application/json");
      record["decision"] = "refused";
      record["reason"] = reason_name(d.reason);
      record["detail"] = d.detail;
      if (!d.internal_error.empty()) record["internal_error"] = d.internal_error;
    }
    record["status"] = res.status;
    record["ms"] =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    log.write(std::move(record));
  });
  server.Get("/v1/health", [&](const httplib::Request&, httplib::Response& res) {
    res.set_content(Json{{"status", "serving"}, {"ks_key_id", to_hex(service.ks_key_id())}}.dump(),
                    "application/json");
  });
  // Everything httplib refuses by itself (unknown path, a body over the limit) gets a JSON
  // body naming the reason too.
  server.set_error_handler(httplib::Server::HandlerWithResponse(
      [&](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
        std::string error = "http-error", detail = fmt::format("HTTP status {}", res.status);
        if (res.status == 404) {
          error = "not-found";
          detail = fmt::format("path: only POST {} and GET /v1/health are served", kKeyRequestPath);
        } else if (res.status == 413) {
          error = std::string(reason_name(Reason::kMalformedRequest));
          detail = fmt::format("body: over {} bytes", kMaxRequestBody);
        }
        res.set_content(Json{{"error", error}, {"detail", detail}}.dump(), "application/json");
        log.write({{"peer", req.remote_addr},
                   {"decision", "refused"},
                   {"reason", error},
                   {"detail", detail},
                   {"status", res.status}});
        return httplib::Server::HandlerResponse::Handled;
      }));
  server.set_exception_handler(
      [&](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(encode_refusal(Reason::kInternal, "the key service failed"),
                        "application/json");
      });

  // A client that hangs up while its answer is being written must not end the service.
  std::signal(SIGPIPE, SIG_IGN);
  // SIGINT and SIGTERM are taken by one thread, which stops the server.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  int port = listen.port;
  if (port == 0) {
    port = server.bind_to_any_port(listen.host);
  } else if (!server.bind_to_port(listen.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    throw Error("--listen",
                fmt::format("cannot listen on {} (in use, or not this machine's)", o.listen));
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
             {"threads", o.threads}});
  const bool ok = server.listen_after_bind();
  done = true;
  pthread_kill(watcher.native_handle(), SIGTERM);  // wakes the watcher if no signal came
  watcher.join();
  log.write({{"event", "stopped"}});
  if (!ok && port <= 0) return 1;
  return 0;
}

}  // namespace tame::app
