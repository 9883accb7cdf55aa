// The visual hull of an object's training silhouettes on an occupancy grid: a cell lies
// outside when some view sees only background (alpha 0) around the cell's projection.
// The fitter can take density as 0 outside it while updating the occupancy grid
// (fit.occupancy_hull), so marching never spends samples where every training view
// shows empty space -- what the grid would learn anyway, but from step 0 instead of
// after many steps, which matters for fits of a few hundred steps on a CPU.
#pragma once
#include <cstdint>
#include <vector>

#include "models/fit/object_views.h"

namespace ws {

// res^3 flags in the occupancy layout (cell ix*res^2 + iy*res + iz): 1 inside the hull.
// Conservative: a view carves a cell only when no foreground pixel lies within the
// square around the projection of the cell's centre that covers the whole cell.
std::vector<uint8_t> visual_hull(const ObjectViews& views, int res);

}  // namespace ws
