// The host's side of the key service's HTTP interface (docs/protocol.md): POST a key
// request, get M2 back or an error that names the key service's reason. Used by
// `tame boot` and `tame-sim boot`.
#pragma once

#include <string>

#include "tame/bytes.hpp"
#include "tame/protocol.hpp"

namespace tame {

Bytes ask_key_service(const std::string& url, const KeyRequest& request);

}  // namespace tame
