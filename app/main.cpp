// tame: the owner's and the manufacturer's tool, and the model's whole boot flow
// (spec section 6). Errors: one line on stderr, a non-zero exit, no partial output file.
//   tame manufacture ca --dir CADIR --manufacturer NAME [--days N]
//   tame manufacture ta --ca CADIR --dir TADIR --cpu-model MODEL [--uds-hex HEX] [--days N]
//   tame keyservice init --dir DIR
//   tame keyservice policy --dir DIR (allow-ca CERT | revoke-ca FPR | allow-cpu-model M |
//        revoke-cpu-model M | allow-image ID [--note T] | allow-image --image SEALED |
//        revoke-image ID | list [--json])
//   tame keyservice serve --dir DIR --listen 127.0.0.1:PORT [--threads N] [--log FILE]
//        [--max-connections N] [--max-header-bytes N] [--header-timeout-ms MS]
//        [--body-timeout-ms MS] [--idle-timeout-ms MS]
//   tame seal --in PLAIN --out SEALED --ks-pub FILE [--cipher aes-128-ctr|aes-256-ctr]
//   tame inspect SEALED [--json]
//   tame boot --image SEALED --ta DIR --keyservice URL --out PLAIN [--dump-messages DIR]
//        [--dram-dump FILE]
#include <sys/stat.h>

#include <iostream>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "tame/certificate.hpp"
#include "tame/manufacture.hpp"

int main(int argc, char** argv) {
  using namespace tame::app;
  // Whatever this process makes without an explicit mode (folders made by the model,
  // SQLite's files) is for its owner only; files meant to be public get 0644 explicitly.
  umask(077);
  CLI::App app{"tame: seal images, run a key service, and boot in the TAME model"};
  app.require_subcommand(1);

  // manufacture
  auto* manufacture = app.add_subcommand("manufacture", "create a manufacturer CA or provision a TA");
  manufacture->require_subcommand(1);
  ManufactureCaOptions mca;
  mca.days = tame::kDefaultCaDays;
  auto* ca = manufacture->add_subcommand("ca", "create a manufacturer CA (Ed25519) in a directory");
  ca->add_option("--dir", mca.dir, "the CA's directory (ca-key.pem, ca-cert.pem)")->required();
  ca->add_option("--manufacturer", mca.manufacturer, "the manufacturer's name (subject O)")->required();
  ca->add_option("--days", mca.days, "validity in days")->capture_default_str();
  ManufactureTaOptions mta;
  mta.days = tame::kDefaultTaDays;
  auto* ta = manufacture->add_subcommand("ta", "provision a trust anchor: device secret and certificate");
  ta->add_option("--ca", mta.ca_dir, "the manufacturer CA's directory")->required();
  ta->add_option("--dir", mta.dir, "the TA's directory (uds.bin, ta-cert.pem, ca-cert.pem, ta.json)")->required();
  ta->add_option("--cpu-model", mta.cpu_model, "the CPU model the certificate names")->required();
  ta->add_option("--uds-hex", mta.uds_hex, "a chosen 32-byte device secret (tests; default: random)");
  ta->add_option("--days", mta.days, "validity in days")->capture_default_str();

  // keyservice
  auto* ks = app.add_subcommand("keyservice", "set up, configure and run a key service");
  ks->require_subcommand(1);
  std::string init_dir;
  auto* init = ks->add_subcommand("init", "create the key service's key pair and policy store");
  init->add_option("--dir", init_dir, "the key service's directory")->required();

  PolicyOptions po;
  auto* policy = ks->add_subcommand("policy", "allow, revoke and list CAs, CPU models and images");
  policy->add_option("--dir", po.dir, "the key service's directory")->required();
  policy->require_subcommand(1);
  struct Action {
    const char* name;
    const char* help;
    const char* value_help;
  };
  const Action actions[] = {
      {"allow-ca", "allow a manufacturer CA", "the CA certificate (PEM file)"},
      {"revoke-ca", "revoke a manufacturer CA", "the CA's fingerprint (SHA-256 of its DER, hex)"},
      {"allow-cpu-model", "allow a CPU model", "the CPU model"},
      {"revoke-cpu-model", "revoke a CPU model", "the CPU model"},
      {"revoke-image", "revoke an image", "the image id (hex)"},
  };
  for (const Action& a : actions) {
    auto* sub = policy->add_subcommand(a.name, a.help);
    sub->add_option("value", po.value, a.value_help)->required();
    sub->callback([&po, name = a.name] { po.action = name; });
  }
  auto* allow_image = policy->add_subcommand("allow-image", "allow an image, by id or from the sealed file");
  allow_image->add_option("value", po.value, "the image id (hex)");
  allow_image->add_option("--image", po.image, "take the id from this sealed image");
  allow_image->add_option("--note", po.note, "a note kept beside the id");
  allow_image->callback([&po] { po.action = "allow-image"; });
  auto* list = policy->add_subcommand("list", "list what is allowed");
  list->add_flag("--json", po.json, "as JSON");
  list->callback([&po] { po.action = "list"; });

  ServeOptions so;
  auto* serve = ks->add_subcommand("serve", "answer key requests over HTTP on a loopback address");
  serve->add_option("--dir", so.dir, "the key service's directory")->required();
  serve->add_option("--listen", so.listen, "HOST:PORT, HOST a loopback address; port 0 picks a free one")->required();
  serve->add_option("--threads", so.threads, "worker threads")->capture_default_str()->check(CLI::Range(1, 64));
  serve->add_option("--log", so.log, "append the decision log here too (it always goes to stdout)");
  serve->add_option("--max-connections", so.max_connections, "connections open at once; more are answered 503")->capture_default_str()->check(CLI::Range(1, 900));
  serve->add_option("--max-header-bytes", so.max_header_bytes, "request line and headers; more are answered 431")->capture_default_str()->check(CLI::Range(1024, 1 << 20));
  serve->add_option("--header-timeout-ms", so.header_timeout_ms, "from a request's first byte to the end of its headers; then 408")->capture_default_str()->check(CLI::Range(100, 600000));
  serve->add_option("--body-timeout-ms", so.body_timeout_ms, "for the body after the headers, and for the answer to be taken; then 408")->capture_default_str()->check(CLI::Range(100, 600000));
  serve->add_option("--idle-timeout-ms", so.idle_timeout_ms, "a connection waiting for its (next) request is closed after this")->capture_default_str()->check(CLI::Range(100, 600000));

  // seal, inspect, boot
  SealOptions seo;
  auto* seal = app.add_subcommand("seal", "seal a plaintext image for a key service (spec section 2)");
  seal->add_option("--in", seo.in, "the plaintext image")->required();
  seal->add_option("--out", seo.out, "the sealed image")->required();
  seal->add_option("--ks-pub", seo.ks_pub, "the key service's public key (ks-public.pem)")->required();
  seal->add_option("--cipher", seo.cipher, "aes-128-ctr or aes-256-ctr")->capture_default_str();
  seal->add_flag("--quiet", seo.quiet, "no summary line");

  InspectOptions io;
  auto* inspect = app.add_subcommand("inspect", "show a sealed image's header");
  inspect->add_option("image", io.image, "the sealed image")->required();
  inspect->add_flag("--json", io.json, "as JSON");

  BootOptions bo;
  auto* boot = app.add_subcommand("boot", "the whole boot flow in the model: request, answer, pages, DRAM");
  boot->add_option("--image", bo.image, "the sealed image")->required();
  boot->add_option("--ta", bo.ta, "the trust anchor's directory")->required();
  boot->add_option("--keyservice", bo.keyservice, "the key service's URL, e.g. http://127.0.0.1:8400")->required();
  boot->add_option("--out", bo.out, "the decrypted image")->required();
  boot->add_option("--dump-messages", bo.dump_messages, "write m1.bin and m2.bin into this directory");
  boot->add_option("--dram-dump", bo.dram_dump, "write the modelled DRAM (80-byte records) to this file");
  boot->add_flag("--quiet", bo.quiet, "no summary line");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "tame: " << e.what() << '\n';
    return 2;
  }
  try {
    if (*ca) return run_manufacture_ca(mca);
    if (*ta) return run_manufacture_ta(mta);
    if (*init) return run_keyservice_init(init_dir);
    if (*policy) return run_policy(po);
    if (*serve) return run_serve(so);
    if (*seal) return run_seal(seo);
    if (*inspect) return run_inspect(io);
    if (*boot) return run_boot(bo);
  } catch (const std::exception& e) {
    std::cerr << "tame: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
