// `tame keyservice serve` as a process on a free loopback port, driven over HTTP with
// requests the model's trust anchor builds: concurrent grants, every refusal of issue 4
// item 7 by its named reason, a service that keeps answering, a revocation taking effect
// while it runs, a decision log line per request, and a clean stop on SIGTERM.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "protocol_support.hpp"
#include "server_process.hpp"
#include "tame/files.hpp"
#include "tame/manufacture.hpp"

namespace tame {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;
using test::bytes32;
using test::ServerProcess;

struct Answer {
  int status = 0;
  std::string error;  // the refusal's reason name
  Bytes m2;
};

class KeyServiceServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = test::fresh_temp_dir("serve");
    manufacture_ca(root_ / "ca", "Server Test Silicon", 30);
    manufacture_ca(root_ / "rogue-ca", "Server Test Silicon", 30);
    manufacture_ta(root_ / "ca", root_ / "ta", "tame-x1", bytes32(0x01), 30);
    manufacture_ta(root_ / "ca", root_ / "ta-x2", "tame-x2", bytes32(0x02), 30);
    manufacture_ta(root_ / "ca", root_ / "ta-other", "tame-x1", bytes32(0x03), 30);
    manufacture_ta(root_ / "rogue-ca", root_ / "ta-rogue", "tame-x1", bytes32(0x04), 30);
    const Bytes32 ks_pub = init_keyservice_dir(root_ / "ks");
    k_img_ = new Bytes(32, 0x6b);
    header_ = new ImageHeader(test::sealed_header(ks_pub, Cipher::kAes256Ctr, *k_img_, 0x21));
    other_header_ = new ImageHeader(test::sealed_header(ks_pub, Cipher::kAes128Ctr, Bytes(16, 1), 0x22));
    SqlitePolicyStore store(root_ / "ks" / kPolicyDbFile);
    store.allow_ca(read_text_file(root_ / "ca" / kCaCertFile));
    store.allow_cpu_model("tame-x1");
    store.allow_image(header_->image_id, "the test image");
  }
  static void TearDownTestSuite() {
    fs::remove_all(root_);
    delete k_img_;
    delete header_;
    delete other_header_;
  }
  void SetUp() override { server_ = std::make_unique<ServerProcess>(root_ / "ks"); }
  void TearDown() override {
    if (server_) {
      EXPECT_EQ(server_->stop(), 0);
    }
  }

  static TrustAnchor anchor(const char* ta_dir, std::uint8_t entropy = 0) {
    const TaFiles f = load_ta(root_ / ta_dir);
    Bytes e = entropy ? Bytes(48, entropy) : os_entropy();
    return TrustAnchor(f.uds, f.cert_der, e);
  }
  static KeyRequest request(TrustAnchor& ta, const ImageHeader& h) {
    return {test::m1_bytes(ta.make_m1(h)), test::aad_bytes(h), ta.certificate().der};
  }
  Answer post_body(const std::string& body) const {
    httplib::Client client(server_->url());
    client.set_read_timeout(10);
    const auto res = client.Post(std::string(kKeyRequestPath), body, "application/json");
    Answer a;
    if (!res) {
      ADD_FAILURE() << "no answer: " << httplib::to_string(res.error());
      return a;
    }
    a.status = res->status;
    const Json doc = Json::parse(res->body, nullptr, false);
    EXPECT_TRUE(doc.is_object()) << "not a JSON body: " << res->body;
    if (a.status == 200) {
      a.m2 = decode_answer(res->body);
    } else if (doc.is_object()) {
      a.error = doc.value("error", "");
      EXPECT_FALSE(doc.value("detail", "").empty());
    }
    return a;
  }
  Answer post(const KeyRequest& r) const { return post_body(encode_request(r)); }
  void expect_refused(const KeyRequest& r, int status, Reason reason) const {
    const Answer a = post(r);
    EXPECT_EQ(a.status, status);
    EXPECT_EQ(a.error, reason_name(reason));
    EXPECT_TRUE(a.m2.empty());
  }
  // The service still releases the key to a genuine request.
  void expect_still_serving() const {
    TrustAnchor ta = anchor("ta");
    const Answer a = post(request(ta, *header_));
    ASSERT_EQ(a.status, 200) << a.error;
    EXPECT_EQ(ta.accept_m2(a.m2), *k_img_);
  }

  static inline fs::path root_;
  static inline Bytes* k_img_ = nullptr;
  static inline ImageHeader* header_ = nullptr;
  static inline ImageHeader* other_header_ = nullptr;
  std::unique_ptr<ServerProcess> server_;
};

TEST_F(KeyServiceServer, ServesConcurrentRequests) {
  constexpr int kThreads = 4, kEach = 6;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        TrustAnchor ta = anchor(t % 2 ? "ta" : "ta-x2");
        const Answer a = post(request(ta, *header_));
        if (t % 2 == 1 && a.status == 200 && ta.accept_m2(a.m2) == *k_img_) ++ok;
        if (t % 2 == 0 && a.status == 403 && a.error == "cpu-model-not-allowed") ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok, kThreads * kEach);
  expect_still_serving();
}

TEST_F(KeyServiceServer, RefusesEachBadRequestByNameAndKeepsServing) {
  TrustAnchor ta = anchor("ta");
  const KeyRequest good = request(ta, *header_);
  KeyRequest r = good;
  r.image_header[25] ^= 0x01;  // a tampered header byte (ctr_nonce)
  expect_refused(r, 403, Reason::kC1DoesNotOpen);
  TrustAnchor ta_img = anchor("ta");  // an image id not allowed
  expect_refused(request(ta_img, *other_header_), 403, Reason::kImageNotAllowed);
  r = good;  // a certificate that is not the one M1 names
  r.ta_certificate = load_ta(root_ / "ta-other").cert_der;
  expect_refused(r, 403, Reason::kUnknownCertificate);
  TrustAnchor rogue = anchor("ta-rogue");  // a certificate from an unknown CA
  expect_refused(request(rogue, *header_), 403, Reason::kChainFails);
  TrustAnchor x2 = anchor("ta-x2");  // a CPU model not allowed
  expect_refused(request(x2, *header_), 403, Reason::kCpuModelNotAllowed);
  r = good;  // a bad signature
  r.m1[230] ^= 0x10;
  expect_refused(r, 403, Reason::kBadSignature);
  r = good;  // truncated and oversized messages
  r.m1.resize(279);
  expect_refused(r, 400, Reason::kBadLength);
  r = good;
  r.m1.resize(300, 0);
  expect_refused(r, 400, Reason::kBadLength);
  r = good;
  r.image_header.resize(120, 0);
  expect_refused(r, 400, Reason::kBadImageHeader);
  r = good;  // wrong magic or version
  r.m1[1] = 'B';
  expect_refused(r, 400, Reason::kBadMagic);
  r = good;
  r.m1[4] = 2;
  expect_refused(r, 400, Reason::kBadVersion);
  r = good;
  r.image_header[0] = 'X';
  expect_refused(r, 400, Reason::kBadImageHeader);
  ImageHeader zero = *header_;  // an all-zero X25519 share
  zero.enc1 = Bytes32{};
  TrustAnchor tz = anchor("ta");
  expect_refused(request(tz, zero), 403, Reason::kZeroSharedSecret);
  // Bodies that are not requests at all.
  EXPECT_EQ(post_body("").error, "malformed-request");
  EXPECT_EQ(post_body("{\"m1\": [1, 2]}").error, "malformed-request");
  EXPECT_EQ(post_body(std::string(3, '\0')).status, 400);
  const Answer big = post_body(std::string(kMaxRequestBody + 1, 'a'));
  EXPECT_EQ(big.status, 413);
  EXPECT_EQ(big.error, "malformed-request");
  httplib::Client client(server_->url());
  const auto res = client.Get("/nothing-here");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(Json::parse(res->body).value("error", ""), "not-found");

  expect_still_serving();
  // The original request is still good: nothing above changed the service's state.
  const Answer a = post(good);
  ASSERT_EQ(a.status, 200);
  EXPECT_EQ(ta.accept_m2(a.m2), *k_img_);
}

// Clients that send half a request, a request with a lying Content-Length, garbage
// instead of HTTP, or that hang up before the answer: none of them stops the service.
TEST_F(KeyServiceServer, SurvivesBrokenConnections) {
  const int port = std::stoi(server_->url().substr(server_->url().rfind(':') + 1));
  TrustAnchor ta = anchor("ta");
  const std::string body = encode_request(request(ta, *header_));
  const std::string full = fmt::format("POST {} HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n{}",
                                       kKeyRequestPath, body.size(), body);
  const std::vector<std::string> sends = {
      "POST /v1/key HTTP/1.1\r\nHost: x\r\nContent-Le",
      fmt::format("POST {} HTTP/1.1\r\nContent-Length: 1000\r\n\r\n{{\"m1\":", kKeyRequestPath),
      std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),  // a TLS hello
      full,  // then hang up without reading the answer
      full + full,
  };
  for (int round = 0; round < 3; ++round) {
    for (const std::string& s : sends) {
      const int fd = socket(AF_INET, SOCK_STREAM, 0);
      ASSERT_GE(fd, 0);
      sockaddr_in addr{};
      addr.sin_family = AF_INET;
      addr.sin_port = htons(static_cast<std::uint16_t>(port));
      addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
      ASSERT_EQ(send(fd, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size()));
      shutdown(fd, SHUT_RDWR);
      close(fd);
    }
  }
  expect_still_serving();
}

TEST_F(KeyServiceServer, TheTaRefusesReplayedAndForeignAnswers) {
  TrustAnchor first_boot = anchor("ta");
  const Answer old = post(request(first_boot, *header_));
  ASSERT_EQ(old.status, 200);
  // An M2 replayed from an earlier boot.
  TrustAnchor second_boot = anchor("ta");
  const KeyRequest now = request(second_boot, *header_);
  try {
    second_boot.accept_m2(old.m2);
    ADD_FAILURE() << "replayed M2 accepted";
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.reason, Reason::kStaleM2);
  }
  // An M2 for another M1 (another TA's request, relayed by a hostile host).
  TrustAnchor other = anchor("ta-other");
  const Answer foreign = post(request(other, *header_));
  ASSERT_EQ(foreign.status, 200);
  try {
    second_boot.accept_m2(foreign.m2);
    ADD_FAILURE() << "foreign M2 accepted";
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.reason, Reason::kStaleM2);
  }
  const Answer mine = post(now);
  ASSERT_EQ(mine.status, 200);
  EXPECT_EQ(second_boot.accept_m2(mine.m2), *k_img_);
  try {
    second_boot.accept_m2(mine.m2);
    ADD_FAILURE() << "second M2 accepted";
  } catch (const ProtocolError& e) {
    EXPECT_EQ(e.reason, Reason::kNoPendingRequest);
  }
}

TEST_F(KeyServiceServer, RevocationTakesEffectWhileServing) {
  expect_still_serving();
  const std::string cmd = fmt::format("{} keyservice policy --dir {} revoke-image {} > /dev/null",
                                      TAME_BINARY, (root_ / "ks").string(), to_hex(header_->image_id));
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  TrustAnchor ta = anchor("ta");
  expect_refused(request(ta, *header_), 403, Reason::kImageNotAllowed);
  SqlitePolicyStore(root_ / "ks" / kPolicyDbFile).allow_image(header_->image_id);
  expect_still_serving();
}

TEST_F(KeyServiceServer, LogsEveryDecisionAndStopsCleanly) {
  expect_still_serving();
  TrustAnchor x2 = anchor("ta-x2");
  post(request(x2, *header_));
  EXPECT_EQ(server_->stop(), 0);
  const std::vector<Json> log = server_->log();
  server_.reset();
  std::vector<Json> decisions;
  for (const Json& l : log) {
    if (l.contains("decision")) decisions.push_back(l);
  }
  ASSERT_EQ(decisions.size(), 2u);
  EXPECT_EQ(decisions[0]["decision"], "granted");
  EXPECT_EQ(decisions[0]["image_id"], to_hex(header_->image_id));
  EXPECT_EQ(decisions[1]["decision"], "refused");
  EXPECT_EQ(decisions[1]["reason"], "cpu-model-not-allowed");
  EXPECT_EQ(decisions[1]["cpu_model"], "tame-x2");
  EXPECT_EQ(log.back().value("event", ""), "stopped");
  for (const Json& l : log) EXPECT_EQ(l.dump().find(to_hex(*k_img_)), std::string::npos);
}

}  // namespace
}  // namespace tame
