#include "tame/keyservice_client.hpp"

#include <algorithm>
#include <csignal>

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

namespace tame {
namespace {

// httplib's error names ("Connection", "Read") read as cut off in a message.
std::string why(httplib::Error e) {
  switch (e) {
    case httplib::Error::Connection:
      return "no connection (nothing listens there, or the host is unknown)";
    case httplib::Error::ConnectionTimeout:
      return "no connection within 5 s";
    case httplib::Error::Read:
      return "the connection broke or timed out before the answer came";
    case httplib::Error::Write:
      return "the connection broke while the request was sent";
    case httplib::Error::SSLConnection:
    case httplib::Error::SSLLoadingCerts:
    case httplib::Error::SSLServerVerification:
      return "the TLS connection failed";
    default:
      return fmt::format("HTTP client error ({})", httplib::to_string(e));
  }
}

}  // namespace

// POSTs the request; the M2 bytes, or a one-line error naming the key service's reason.
Bytes ask_key_service(const std::string& url, const KeyRequest& request) {
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    throw Error("--keyservice", fmt::format("'{}' is not an http:// or https:// URL", url));
  }
  std::signal(SIGPIPE, SIG_IGN);  // a key service that hangs up is an error, not a signal
  httplib::Client client(url);
  if (!client.is_valid()) throw Error("--keyservice", fmt::format("'{}' is not a usable URL", url));
  client.set_connection_timeout(5);
  client.set_read_timeout(30);
  const auto res =
      client.Post(std::string(kKeyRequestPath), encode_request(request), "application/json");
  if (!res) {
    throw Error("--keyservice",
                fmt::format("cannot reach {}: {}", url, why(res.error())));
  }
  if (res->status != 200) {
    const auto doc = nlohmann::json::parse(res->body, nullptr, false);
    std::string reason = "unknown", detail = res->body.substr(0, 200);
    if (doc.is_object() && doc.contains("error") && doc["error"].is_string()) {
      reason = doc["error"].get<std::string>();
      detail = doc.value("detail", std::string());
    }
    std::replace(detail.begin(), detail.end(), '\n', ' ');
    throw Error("key service",
                fmt::format("refused (HTTP {}, {}): {}", res->status, reason, detail));
  }
  return decode_answer(res->body);
}

}  // namespace tame
