// The key service's HTTP/1.1 front end: one thread reads and writes every connection
// (epoll, non-blocking), a fixed pool of workers runs the decisions. Every resource a
// client can make it hold is bounded by HttpLimits: connections, header bytes, body bytes
// (counted while reading, chunked or not), and the time for the headers, the body, the
// answer and an idle keep-alive. A slow or stalled client holds one connection slot and
// at most max_header_bytes + max_body_bytes of memory, never a worker.
//
// Why not cpp-httplib (Debian 12 ships 0.11.4): it reads a chunked body whole before any
// size check, reads an over-limit Content-Length body to its end to skip it, has no
// deadline for the header block, and serves each connection on a pool thread from an
// unbounded queue, so a few slow clients stop it (issue 16).
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace tame::app {

struct HttpLimits {
  std::size_t max_connections = 256;
  std::size_t max_header_bytes = 8 * 1024;  // request line, headers and chunk trailers
  std::size_t max_body_bytes = 64 * 1024;   // after chunked decoding
  std::chrono::milliseconds header_timeout{5000};  // first byte of a request to its blank line
  std::chrono::milliseconds body_timeout{10000};   // blank line to the body's last byte
  std::chrono::milliseconds idle_timeout{5000};    // a connection waiting for a request
  std::chrono::milliseconds write_timeout{10000};  // an answer taken by the client
  std::chrono::milliseconds linger{1000};          // reading what follows a refusal, then close
  int workers = 8;
};

struct HttpRequest {
  std::string method, target, body, peer;
};

struct HttpResponse {
  int status = 200;
  std::string body;  // application/json
};

// A refusal made by the front end itself (limits, malformed HTTP): status 0 means the
// connection was closed without an answer.
using RefusalLogger = std::function<void(const std::string& peer, int status,
                                         std::string_view reason, std::string_view detail)>;
using Handler = std::function<HttpResponse(const HttpRequest&)>;

class HttpServer {
 public:
  // `work` answers POST requests on the worker threads; `quick` answers every other
  // method on the I/O thread (health, not-found) and must not block.
  HttpServer(HttpLimits limits, Handler work, Handler quick, RefusalLogger refused);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; returns the port (useful for port 0). Throws std::runtime_error.
  int listen(const std::string& host, int port);
  // Serves until stop(); then closes every connection and joins the workers.
  void run();
  // From any thread.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tame::app
