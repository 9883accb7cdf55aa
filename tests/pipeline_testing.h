// A small dataset for training tests: synth objects (16 px) and, instead of fitted NeRFs,
// freshly initialised ones of MLP, TRI and HASH with every occupancy cell set. Random
// NeRFs render something everywhere, which is all the training machinery needs.
#pragma once
#include <string>
#include <vector>

namespace ws::test {

// Builds (once per process and arguments) DATA with `classes` x `per_class` objects
// (1 val, 1 test each) and NeRFs of `archs`; returns DATA.
std::string random_nerf_dataset(const std::vector<std::string>& classes, int per_class,
                                const std::vector<std::string>& archs);

}  // namespace ws::test
