// The SHA-256 primitive lives in base/ (io's hashing sink and archive's layer
// stream hash below digest/); this header keeps the old include path working.
#pragma once

#include "base/sha256.h"
