// The tracing rules as one configuration value (khaibao serve --trace-* flags).
#pragma once

#include "cases/clusters.h"
#include "trace/exposure.h"

namespace kb::cases {

struct TracingConfig {
  trace::ExposureRule exposure;
  ClusterRule clusters;
};

}  // namespace kb::cases
