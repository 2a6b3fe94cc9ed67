#pragma once

#include "core/io/error.h"

namespace abc {

// Download failures a person mends in different ways (free space, the network setting, a
// fresh attempt), as their own types so the desktop application can say which without
// reading the message. Each is an abc::Error, so callers that only report keep working.

// The cache's filesystem lacks room for what is still to fetch; nothing was fetched.
class NotEnoughDiskSpace : public Error {
  public:
    using Error::Error;
};

// A file's sha256 differs from the hub's; the damaged partial file was removed.
class ChecksumMismatch : public Error {
  public:
    using Error::Error;
};

// HF_HUB_OFFLINE forbids the network; nothing was asked.
class HubOfflineRefusal : public Error {
  public:
    using Error::Error;
};

}  // namespace abc
