// The HTTP/1.1 subset the key service needs, read incrementally under limits: a request
// line, headers, a body by Content-Length or chunked, keep-alive. Each connection is a
// small state machine driven by the I/O thread; complete requests go to the workers and
// their answers come back through an eventfd.
#include "http_server.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <vector>

namespace tame::app {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kRecvChunk = 16 * 1024;
constexpr std::size_t kMaxChunkLine = 1024;
// After a refusal the rest of the request is read and dropped for a while, so that the
// client sees the answer rather than a reset; at most this much, then close.
constexpr std::size_t kMaxLingerBytes = 1 << 20;
constexpr int kTickMs = 50;

// Tags in epoll_event.data.u64 below this are not connections.
constexpr std::uint64_t kListenTag = 1, kWakeTag = 2, kFirstConnId = 16;

const char* status_text(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 417: return "Expectation Failed";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
  }
}

std::string json_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u >= 0x7f) {
      out += fmt::format("\\u{:04x}", u);
    } else {
      out += c;
    }
  }
  return out;
}

std::string refusal_body(std::string_view error, std::string_view detail) {
  return fmt::format("{{\"error\":\"{}\",\"detail\":\"{}\"}}", json_escape(error),
                     json_escape(detail));
}

std::string serialize(const HttpResponse& r, bool close) {
  return fmt::format(
      "HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n"
      "Cache-Control: no-store\r\nConnection: {}\r\n\r\n{}",
      r.status, status_text(r.status), r.body.size(), close ? "close" : "keep-alive", r.body);
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || std::strchr("()<>@,;:\\\"/[]?={}", c) != nullptr) return false;
  }
  return true;
}

// A refusal of the HTTP itself: the answer, the log's reason and the connection closes.
struct HttpRefusal {
  int status;
  std::string reason, detail;
};

enum class State {
  kIdle,        // waiting for the first byte of a request
  kHeaders,     // reading the request line and headers
  kBody,        // reading a Content-Length body
  kChunkSize,   // chunked: a chunk-size line
  kChunkData,   // chunked: chunk bytes
  kChunkCrlf,   // chunked: the CRLF after a chunk
  kTrailers,    // chunked: trailer lines up to the blank line
  kProcessing,  // with a worker; nothing is read
  kWriting,     // the answer is going out
  kLinger,      // answered with close: read and drop what comes, then close
};

struct Conn {
  int fd = -1;
  std::string peer;
  State state = State::kIdle;
  std::string in;  // bytes read and not yet consumed
  HttpRequest req;
  std::uint64_t body_left = 0;  // Content-Length or the current chunk
  std::size_t trailer_bytes = 0;
  std::size_t linger_bytes = 0;
  bool close_after = false;
  bool served_any = false;
  std::string out;
  std::size_t out_done = 0;
  Clock::time_point deadline;
  std::uint32_t events = 0;
};

// Moves what has arrived of the body (or of a chunk) into the request: true once the
// body_left bytes expected are all in.
bool take_body(Conn& c) {
  const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(c.body_left, c.in.size()));
  c.req.body.append(c.in, 0, n);
  c.in.erase(0, n);
  c.body_left -= n;
  return c.body_left == 0;
}

}  // namespace

struct HttpServer::Impl {
  HttpLimits limits;
  Handler work, quick;
  RefusalLogger refused;
  int listen_fd = -1, epoll_fd = -1, wake_fd = -1;
  std::unordered_map<std::uint64_t, Conn> conns;
  std::uint64_t next_id = kFirstConnId;
  bool accepting = true;
  Clock::time_point accept_resume;
  Clock::time_point busy_next_log;
  std::uint64_t busy_unlogged = 0;

  // Worker side.
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<std::pair<std::uint64_t, HttpRequest>> jobs;
  std::vector<std::pair<std::uint64_t, HttpResponse>> done;
  bool stopping = false;
  std::vector<std::thread> workers;

  ~Impl() {
    for (auto& [id, c] : conns) {
      if (c.fd >= 0) close(c.fd);
    }
    if (listen_fd >= 0) close(listen_fd);
    if (epoll_fd >= 0) close(epoll_fd);
    if (wake_fd >= 0) close(wake_fd);
  }

  void wake() {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = write(wake_fd, &one, sizeof one);
  }

  void worker_loop() {
    for (;;) {
      std::pair<std::uint64_t, HttpRequest> job;
      {
        std::unique_lock lock(mutex);
        cv.wait(lock, [&] { return stopping || !jobs.empty(); });
        if (stopping) return;
        job = std::move(jobs.front());
        jobs.pop_front();
      }
      HttpResponse r;
      try {
        r = work(job.second);
      } catch (const std::exception&) {
        r = {500, refusal_body("internal-error", "the key service failed")};
      }
      {
        std::lock_guard lock(mutex);
        done.emplace_back(job.first, std::move(r));
      }
      wake();
    }
  }

  void set_events(std::uint64_t id, Conn& c, std::uint32_t events) {
    if (c.fd < 0 || c.events == events) return;
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = id;
    epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c.fd, &ev);
    c.events = events;
  }

  // The connection is gone from epoll and its descriptor closed; its record stays while a
  // worker still has its request, so that connections and queued jobs share one bound.
  void drop(std::uint64_t id) {
    auto it = conns.find(id);
    if (it == conns.end()) return;
    Conn& c = it->second;
    if (c.fd >= 0) {
      epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c.fd, nullptr);
      close(c.fd);
      c.fd = -1;
    }
    if (c.state != State::kProcessing) conns.erase(it);
  }

  void respond(std::uint64_t id, Conn& c, const HttpResponse& r, bool close) {
    c.close_after = c.close_after || close;
    c.out = serialize(r, c.close_after);
    c.out_done = 0;
    c.state = State::kWriting;
    c.deadline = Clock::now() + limits.write_timeout;
    flush(id, c);  // most answers go out at once; the rest wait for EPOLLOUT
  }

  void refuse(std::uint64_t id, Conn& c, const HttpRefusal& r) {
    refused(c.peer, r.status, r.reason, r.detail);
    c.in.clear();
    respond(id, c, {r.status, refusal_body(r.reason == "busy" ? "busy" : "malformed-request",
                                           r.detail)},
            true);
  }

  void flush(std::uint64_t id, Conn& c) {
    while (c.out_done < c.out.size()) {
      const ssize_t n = send(c.fd, c.out.data() + c.out_done, c.out.size() - c.out_done,
                             MSG_NOSIGNAL);
      if (n > 0) {
        c.out_done += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        set_events(id, c, EPOLLOUT);
        return;
      }
      if (n < 0 && errno == EINTR) continue;
      drop(id);
      return;
    }
    c.out.clear();
    c.out_done = 0;
    if (c.close_after) {
      shutdown(c.fd, SHUT_WR);
      c.state = State::kLinger;
      c.linger_bytes = 0;
      c.deadline = Clock::now() + limits.linger;
      set_events(id, c, EPOLLIN);
      return;
    }
    c.state = State::kIdle;
    c.req = HttpRequest{};
    c.req.peer = c.peer;
    c.deadline = Clock::now() + limits.idle_timeout;
    set_events(id, c, EPOLLIN);
    if (!c.in.empty()) parse(id, c);  // a pipelined request already read
  }

  void dispatch(std::uint64_t id, Conn& c) {
    c.served_any = true;
    if (c.req.method == "POST") {
      c.state = State::kProcessing;
      set_events(id, c, 0);
      {
        std::lock_guard lock(mutex);
        jobs.emplace_back(id, std::move(c.req));
      }
      c.req = HttpRequest{};
      cv.notify_one();
      return;
    }
    HttpResponse r;
    try {
      r = quick(c.req);
    } catch (const std::exception&) {
      r = {500, refusal_body("internal-error", "the key service failed")};
    }
    respond(id, c, r, false);
  }

  // The header block is c.in[0, end); returns the refusal, if any.
  std::optional<HttpRefusal> parse_head(Conn& c, std::size_t end) {
    const std::string_view head(c.in.data(), end);
    std::size_t line_end = head.find("\r\n");
    const std::string_view request_line = head.substr(0, line_end);
    const auto sp1 = request_line.find(' ');
    const auto sp2 = request_line.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 == sp1) {
      return HttpRefusal{400, "malformed-http", "request line: not METHOD TARGET VERSION"};
    }
    const std::string_view method = request_line.substr(0, sp1);
    const std::string_view target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string_view version = request_line.substr(sp2 + 1);
    if (!is_token(method) || target.empty() || target.find(' ') != std::string_view::npos ||
        target.front() != '/') {
      return HttpRefusal{400, "malformed-http", "request line: not METHOD /PATH VERSION"};
    }
    for (char ch : target) {
      const auto u = static_cast<unsigned char>(ch);
      if (u <= 0x20 || u >= 0x7f) return HttpRefusal{400, "malformed-http", "request target: a control or non-ASCII byte"};
    }
    if (version == "HTTP/1.0") {
      c.close_after = true;
    } else if (version != "HTTP/1.1") {
      return HttpRefusal{505, "malformed-http", "version: only HTTP/1.1 and HTTP/1.0"};
    }
    c.req.method = std::string(method);
    c.req.target = std::string(target);
    c.req.peer = c.peer;

    std::optional<std::uint64_t> content_length;
    bool chunked = false, expect_continue = false;
    std::size_t pos = line_end + 2;
    while (pos < end) {
      line_end = head.find("\r\n", pos);
      if (line_end == std::string_view::npos) line_end = end;
      const std::string_view line = head.substr(pos, line_end - pos);
      pos = line_end + 2;
      const auto colon = line.find(':');
      if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
        return HttpRefusal{400, "malformed-http", "header: not NAME: VALUE"};
      }
      const std::string_view name = line.substr(0, colon);
      const std::string_view value = trim(line.substr(colon + 1));
      for (char ch : value) {
        const auto u = static_cast<unsigned char>(ch);
        if ((u < 0x20 && ch != '\t') || u == 0x7f) {
          return HttpRefusal{400, "malformed-http", "header value: a control byte"};
        }
      }
      if (iequals(name, "Content-Length")) {
        if (value.empty() || value.size() > 18 ||
            !std::all_of(value.begin(), value.end(), [](char d) { return d >= '0' && d <= '9'; })) {
          return HttpRefusal{400, "malformed-http", "Content-Length: not a decimal number"};
        }
        const std::uint64_t n = std::stoull(std::string(value));
        if (content_length && *content_length != n) {
          return HttpRefusal{400, "malformed-http", "Content-Length: given twice, differently"};
        }
        content_length = n;
      } else if (iequals(name, "Transfer-Encoding")) {
        if (!iequals(value, "chunked") || chunked) {
          return HttpRefusal{501, "malformed-http", "Transfer-Encoding: only chunked, once"};
        }
        chunked = true;
      } else if (iequals(name, "Connection")) {
        if (iequals(value, "close")) c.close_after = true;
      } else if (iequals(name, "Expect")) {
        if (!iequals(value, "100-continue")) {
          return HttpRefusal{417, "malformed-http", "Expect: only 100-continue"};
        }
        expect_continue = true;
      }
    }
    if (chunked && content_length) {
      return HttpRefusal{400, "malformed-http", "both Content-Length and Transfer-Encoding"};
    }
    const std::size_t max_body = limits.max_body_bytes;
    if (content_length && *content_length > max_body) {
      return HttpRefusal{413, "body-too-large", fmt::format("body: over {} bytes", max_body)};
    }
    c.in.erase(0, std::min(c.in.size(), end + 4));
    if (expect_continue && (chunked || content_length.value_or(0) > 0)) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      // Best effort: a client that does not take these bytes now waits for its timeout.
      [[maybe_unused]] const ssize_t n = send(c.fd, kContinue.data(), kContinue.size(), MSG_NOSIGNAL);
    }
    if (chunked) {
      c.state = State::kChunkSize;
    } else {
      c.state = State::kBody;
      c.body_left = content_length.value_or(0);
    }
    c.req.body.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(
        chunked ? 4096 : c.body_left, max_body)));
    c.deadline = Clock::now() + limits.body_timeout;
    return std::nullopt;
  }

  // Consumes c.in as far as the state machine can go.
  void parse(std::uint64_t id, Conn& c) {
    const std::size_t max_body = limits.max_body_bytes;
    for (;;) {
      switch (c.state) {
        case State::kIdle:
          if (c.in.empty()) return;
          c.state = State::kHeaders;
          c.deadline = Clock::now() + limits.header_timeout;
          [[fallthrough]];
        case State::kHeaders: {
          const auto end = c.in.find("\r\n\r\n");
          if (end == std::string::npos || end + 4 > limits.max_header_bytes) {
            if (c.in.size() > limits.max_header_bytes ||
                (end != std::string::npos && end + 4 > limits.max_header_bytes)) {
              return refuse(id, c, {431, "header-too-large",
                                    fmt::format("headers: over {} bytes", limits.max_header_bytes)});
            }
            return;
          }
          if (auto r = parse_head(c, end)) return refuse(id, c, *r);
          break;
        }
        case State::kBody:
          if (!take_body(c)) return;
          return dispatch(id, c);
        case State::kChunkSize: {
          const auto eol = c.in.find("\r\n");
          if (eol == std::string::npos) {
            if (c.in.size() > kMaxChunkLine) {
              return refuse(id, c, {400, "malformed-http", "chunk size line: too long"});
            }
            return;
          }
          std::string_view line(c.in.data(), eol);
          line = line.substr(0, line.find(';'));  // chunk extensions are ignored
          line = trim(line);
          std::uint64_t size = 0;
          if (line.empty() || line.size() > 15) {
            return refuse(id, c, {400, "malformed-http", "chunk size: not 1 to 15 hex digits"});
          }
          for (char ch : line) {
            int v = -1;
            if (ch >= '0' && ch <= '9') v = ch - '0';
            if (ch >= 'a' && ch <= 'f') v = ch - 'a' + 10;
            if (ch >= 'A' && ch <= 'F') v = ch - 'A' + 10;
            if (v < 0) return refuse(id, c, {400, "malformed-http", "chunk size: not hex"});
            size = size * 16 + static_cast<std::uint64_t>(v);
          }
          c.in.erase(0, eol + 2);
          if (size > max_body - c.req.body.size()) {
            return refuse(id, c, {413, "body-too-large", fmt::format("body: over {} bytes", max_body)});
          }
          if (size == 0) {
            c.state = State::kTrailers;
            c.trailer_bytes = 0;
          } else {
            c.state = State::kChunkData;
            c.body_left = size;
          }
          break;
        }
        case State::kChunkData:
          if (!take_body(c)) return;
          c.state = State::kChunkCrlf;
          break;
        case State::kChunkCrlf:
          if (c.in.size() < 2) return;
          if (c.in.compare(0, 2, "\r\n") != 0) {
            return refuse(id, c, {400, "malformed-http", "chunk: not followed by CRLF"});
          }
          c.in.erase(0, 2);
          c.state = State::kChunkSize;
          break;
        case State::kTrailers: {
          const auto eol = c.in.find("\r\n");
          if (eol == std::string::npos) {
            if (c.trailer_bytes + c.in.size() > limits.max_header_bytes) {
              return refuse(id, c, {431, "header-too-large", "trailers: too long"});
            }
            return;
          }
          c.trailer_bytes += eol + 2;
          if (c.trailer_bytes > limits.max_header_bytes) {
            return refuse(id, c, {431, "header-too-large", "trailers: too long"});
          }
          c.in.erase(0, eol + 2);
          if (eol == 0) return dispatch(id, c);
          break;
        }
        case State::kProcessing:
        case State::kWriting:
        case State::kLinger:
          return;
      }
    }
  }

  void on_readable(std::uint64_t id, Conn& c) {
    char buf[kRecvChunk];
    for (int rounds = 0; rounds < 8; ++rounds) {  // then let other connections run
      const ssize_t n = recv(c.fd, buf, sizeof buf, 0);
      if (n == 0) {
        if (c.state != State::kIdle && c.state != State::kLinger) {
          refused(c.peer, 0, "client-closed", "the client closed the connection mid-request");
        }
        return drop(id);
      }
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        if (errno == EINTR) continue;
        return drop(id);
      }
      if (c.state == State::kLinger) {  // dropped unread
        c.linger_bytes += static_cast<std::size_t>(n);
        if (c.linger_bytes > kMaxLingerBytes) return drop(id);
        continue;
      }
      c.in.append(buf, static_cast<std::size_t>(n));
      parse(id, c);
      auto it = conns.find(id);
      if (it == conns.end() || it->second.fd < 0) return;
      if (c.state == State::kProcessing || c.state == State::kWriting) return;
    }
  }

  void on_accept() {
    for (;;) {
      sockaddr_storage addr{};
      socklen_t len = sizeof addr;
      const int fd = accept4(listen_fd, reinterpret_cast<sockaddr*>(&addr), &len,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED) continue;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          // Out of descriptors: stop accepting for a moment rather than spin.
          epoll_ctl(epoll_fd, EPOLL_CTL_DEL, listen_fd, nullptr);
          accepting = false;
          accept_resume = Clock::now() + std::chrono::milliseconds(100);
        }
        return;
      }
      char host[INET6_ADDRSTRLEN] = "?";
      if (addr.ss_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&addr)->sin_addr, host, sizeof host);
      } else if (addr.ss_family == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&addr)->sin6_addr, host, sizeof host);
      }
      if (conns.size() >= limits.max_connections) {
        const std::string detail =
            fmt::format("connections: at most {} at once", limits.max_connections);
        // A flood of these is logged as one line a second with a count, so that the log
        // cannot become the bottleneck.
        if (Clock::now() >= busy_next_log) {
          refused(host, 503, "busy", detail);
          busy_next_log = Clock::now() + std::chrono::seconds(1);
        } else {
          ++busy_unlogged;
        }
        const std::string answer = serialize({503, refusal_body("busy", detail)}, true);
        [[maybe_unused]] const ssize_t n = send(fd, answer.data(), answer.size(), MSG_NOSIGNAL);
        close(fd);
        continue;
      }
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      const std::uint64_t id = next_id++;
      Conn& c = conns[id];
      c.fd = fd;
      c.peer = host;
      c.req.peer = host;
      c.deadline = Clock::now() + limits.idle_timeout;
      c.events = EPOLLIN;
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = id;
      if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        close(fd);
        conns.erase(id);
      }
    }
  }

  void on_done() {
    std::uint64_t count;
    [[maybe_unused]] const ssize_t n = read(wake_fd, &count, sizeof count);
    std::vector<std::pair<std::uint64_t, HttpResponse>> ready;
    {
      std::lock_guard lock(mutex);
      ready.swap(done);
    }
    for (auto& [id, r] : ready) {
      auto it = conns.find(id);
      if (it == conns.end()) continue;
      Conn& c = it->second;
      if (c.fd < 0) {  // the client went away while the worker decided
        conns.erase(it);
        continue;
      }
      respond(id, c, r, false);
    }
  }

  void sweep() {
    const auto now = Clock::now();
    if (busy_unlogged > 0 && now >= busy_next_log) {
      refused("", 503, "busy",
              fmt::format("connections: at most {} at once; {} more refused in the last second",
                          limits.max_connections, busy_unlogged));
      busy_unlogged = 0;
      busy_next_log = now + std::chrono::seconds(1);
    }
    if (!accepting && now >= accept_resume) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u64 = kListenTag;
      epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listen_fd, &ev);
      accepting = true;
    }
    std::vector<std::uint64_t> expired;
    for (auto& [id, c] : conns) {
      if (c.fd >= 0 && c.state != State::kProcessing && now >= c.deadline) expired.push_back(id);
    }
    for (const std::uint64_t id : expired) {
      Conn& c = conns.at(id);
      switch (c.state) {
        case State::kIdle:
          if (!c.served_any) {
            refused(c.peer, 0, "idle-timeout",
                    fmt::format("no request within {} ms", limits.idle_timeout.count()));
          }
          drop(id);
          break;
        case State::kHeaders:
          refuse(id, c, {408, "header-timeout",
                         fmt::format("headers: not complete within {} ms",
                                     limits.header_timeout.count())});
          break;
        case State::kWriting:
          refused(c.peer, 0, "write-timeout",
                  fmt::format("answer: not taken within {} ms", limits.write_timeout.count()));
          drop(id);
          break;
        case State::kLinger:
          drop(id);
          break;
        default:  // the body states
          refuse(id, c, {408, "body-timeout",
                         fmt::format("body: not complete within {} ms", limits.body_timeout.count())});
          break;
      }
    }
  }
};

HttpServer::HttpServer(HttpLimits limits, Handler work, Handler quick, RefusalLogger refused)
    : impl_(std::make_unique<Impl>()) {
  impl_->limits = limits;
  impl_->work = std::move(work);
  impl_->quick = std::move(quick);
  impl_->refused = std::move(refused);
  impl_->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  impl_->wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (impl_->epoll_fd < 0 || impl_->wake_fd < 0) {
    throw std::runtime_error(fmt::format("cannot create the event loop: {}", std::strerror(errno)));
  }
}

HttpServer::~HttpServer() = default;

int HttpServer::listen(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0 || found == nullptr) {
    throw std::runtime_error(fmt::format("cannot resolve '{}'", host));
  }
  std::string why = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, SOMAXCONN) != 0) {
      why = std::strerror(errno);
      close(fd);
      continue;
    }
    impl_->listen_fd = fd;
    break;
  }
  freeaddrinfo(found);
  if (impl_->listen_fd < 0) throw std::runtime_error(why);
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  getsockname(impl_->listen_fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return ntohs(addr.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port
                                          : reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
}

void HttpServer::run() {
  Impl& s = *impl_;
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kListenTag;
  epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, s.listen_fd, &ev);
  ev.data.u64 = kWakeTag;
  epoll_ctl(s.epoll_fd, EPOLL_CTL_ADD, s.wake_fd, &ev);
  for (int i = 0; i < s.limits.workers; ++i) s.workers.emplace_back([&s] { s.worker_loop(); });

  epoll_event events[64];
  auto next_sweep = Clock::now();
  for (;;) {
    const int n = epoll_wait(s.epoll_fd, events, 64, kTickMs);
    {
      std::lock_guard lock(s.mutex);
      if (s.stopping) break;
    }
    for (int i = 0; i < n; ++i) {
      const std::uint64_t tag = events[i].data.u64;
      if (tag == kListenTag) {
        s.on_accept();
        continue;
      }
      if (tag == kWakeTag) {
        s.on_done();
        continue;
      }
      auto it = s.conns.find(tag);
      if (it == s.conns.end() || it->second.fd < 0) continue;
      Conn& c = it->second;
      const std::uint32_t e = events[i].events;
      if (e & EPOLLOUT) {
        if (c.state == State::kWriting) s.flush(tag, c);
        continue;
      }
      if (e & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
        if (c.state == State::kProcessing) {
          // Hung up while a worker decides: close now, forget the answer.
          s.drop(tag);
          continue;
        }
        s.on_readable(tag, c);
      }
    }
    const auto now = Clock::now();
    if (now >= next_sweep) {
      s.sweep();
      next_sweep = now + std::chrono::milliseconds(kTickMs);
    }
  }
  for (auto& t : s.workers) t.join();
  s.workers.clear();
}

void HttpServer::stop() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  impl_->wake();
}

}  // namespace tame::app
