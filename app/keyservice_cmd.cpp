// tame keyservice init and policy: the key service's files and its policy store.
#include <fstream>
#include <iostream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "tame/files.hpp"
#include "tame/image.hpp"
#include "tame/kdf.hpp"
#include "tame/keyservice.hpp"
#include "tame/policy_store.hpp"

namespace tame::app {
namespace {

Bytes32 image_id_arg(const std::string& hex) {
  return to_fixed<32>(parse_hex(hex, "image id"), "image id");
}

Bytes32 image_id_of(const std::string& sealed) {
  return ImageReader(sealed, sealed).header().image_id;
}

void print_list(const SqlitePolicyStore& store, bool json) {
  const auto cas = store.list_cas();
  const auto models = store.list_cpu_models();
  const auto images = store.list_images();
  if (json) {
    nlohmann::json doc = {{"cas", nlohmann::json::array()},
                          {"cpu_models", nlohmann::json::array()},
                          {"images", nlohmann::json::array()}};
    for (const auto& c : cas) {
      doc["cas"].push_back(
          {{"fingerprint", c.fingerprint}, {"subject", c.subject}, {"added_at", c.added_at}});
    }
    for (const auto& m : models) {
      doc["cpu_models"].push_back({{"model", m.model}, {"added_at", m.added_at}});
    }
    for (const auto& i : images) {
      doc["images"].push_back(
          {{"image_id", i.image_id}, {"note", i.note}, {"added_at", i.added_at}});
    }
    std::cout << doc.dump(2) << '\n';
    return;
  }
  fmt::print("manufacturer CAs ({})\n", cas.size());
  for (const auto& c : cas) fmt::print("  {}  {}  {}\n", c.fingerprint, c.added_at, c.subject);
  fmt::print("CPU models ({})\n", models.size());
  for (const auto& m : models) fmt::print("  {}  {}\n", m.model, m.added_at);
  fmt::print("images ({})\n", images.size());
  for (const auto& i : images) {
    fmt::print("  {}  {}{}{}\n", i.image_id, i.added_at, i.note.empty() ? "" : "  ", i.note);
  }
}

void require_revoked(bool revoked, std::string_view what, std::string_view value) {
  if (!revoked) throw Error(what, fmt::format("'{}' is not in the policy", value));
}

}  // namespace

int run_keyservice_init(const std::string& dir) {
  const Bytes32 pub = init_keyservice_dir(dir);
  fmt::print("key service in {}: ks_key_id {}; seal images with --ks-pub {}/{}\n", dir,
             to_hex(sha256(pub)), dir, kKsPublicFile);
  return 0;
}

int run_policy(const PolicyOptions& o) {
  SqlitePolicyStore store = for_option(
      "--dir", [&] { return SqlitePolicyStore(std::filesystem::path(o.dir) / kPolicyDbFile); });
  const std::string& a = o.action;
  if (a == "allow-ca") {
    const std::string fp = store.allow_ca(read_text_file(o.value, 64 * 1024));
    fmt::print("allowed CA {}\n", fp);
  } else if (a == "revoke-ca") {
    require_revoked(store.revoke_ca(o.value), "revoke-ca", o.value);
    fmt::print("revoked CA {}\n", o.value);
  } else if (a == "allow-cpu-model") {
    store.allow_cpu_model(o.value);
    fmt::print("allowed CPU model {}\n", o.value);
  } else if (a == "revoke-cpu-model") {
    require_revoked(store.revoke_cpu_model(o.value), "revoke-cpu-model", o.value);
    fmt::print("revoked CPU model {}\n", o.value);
  } else if (a == "allow-image") {
    if (o.value.empty() == o.image.empty()) {
      throw Error("allow-image", "give either an image id or --image SEALED, not both");
    }
    const Bytes32 id = o.image.empty() ? image_id_arg(o.value) : image_id_of(o.image);
    store.allow_image(id, o.note);
    fmt::print("allowed image {}\n", to_hex(id));
  } else if (a == "revoke-image") {
    require_revoked(store.revoke_image(image_id_arg(o.value)), "revoke-image", o.value);
    fmt::print("revoked image {}\n", o.value);
  } else if (a == "list") {
    print_list(store, o.json);
  }
  return 0;
}

}  // namespace tame::app
