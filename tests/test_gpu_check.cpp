// tools/gpu-check.sh on a machine without a GPU: it must say so and fail (exit 2), never
// report success. With a GPU the script takes minutes: not run here (make gpu-check).
#include <sys/wait.h>

#include <cstdlib>

#include "engine/io.h"
#include "tests/testing.h"

using namespace ws;

TEST_CASE("gpu-check: without a GPU the script says so and exits non-zero") {
  if (std::system("nvidia-smi -L 2>/dev/null | grep -q '^GPU '") == 0) {
    MESSAGE("a GPU is visible: the dry run does not apply (make gpu-check runs the real one)");
    return;
  }
  const std::string out = test::temp_path("gpu_check_dry_run");
  const std::string cmd = str_cat("OUT='", out, "' bash '", WS_SOURCE_DIR, "/tools/gpu-check.sh' > '", out,
                                  ".log' 2>&1");
  int rc = std::system(cmd.c_str());
  REQUIRE(WIFEXITED(rc));
  CHECK(WEXITSTATUS(rc) == 2);
  CHECK(read_file(out + ".log").find("no GPU visible") != std::string::npos);
  const std::string summary = read_file(out + "/summary.json");
  CHECK(summary.find("\"ok\": false") != std::string::npos);
}
