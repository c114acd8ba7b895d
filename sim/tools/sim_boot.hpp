// tame-sim boot: the whole boot-and-fetch flow through the RTL (spec sections 1-3).
#pragma once

#include <string>

namespace tame::sim {

struct SimBootOptions {
  std::string image, ta, keyservice;
  unsigned cores = 2;
  std::string report, dump_dram, export_test_secrets, dump_messages, trace;
  bool quiet = false;
};

int run_sim_boot(const SimBootOptions& o);

}  // namespace tame::sim
