// Probe features of a parameter graph's nodes (ours, after Kofinas et al., "Graph Neural
// Networks for Learning Equivariant Representations of Neural Networks", ICLR 2024): run
// the NeRF at K fixed points and give every neuron node the K values it takes there. The
// MLP's input nodes get the encoding's outputs (frequency features, tri-plane or hash
// features), hidden neurons their activations, output neurons the raw outputs the heads
// read; tri-plane cells and hash entries, which hold values rather than compute them, get
// zeros. Permuting hidden neurons permutes their rows, so the encoder stays invariant; and
// the output nodes of two NeRFs of one object agree whatever their architectures.
#pragma once
#include <vector>

#include "engine/tensor.h"
#include "models/graph/param_graph.h"

namespace ws {

// params [t.edges] in the template's order [encoding; mlp], points F32 [K, 3] in the unit
// box -> F32 [t.nodes, K] on the CPU, each value v stored as sign(v) log(1 + |v|), so
// density logits and ReLU activations of any size stay O(1) for the encoder's Linear.
Tensor node_probe_features(const GraphTemplate& t, const float* params, const Tensor& points);

}  // namespace ws
