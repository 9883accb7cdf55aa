#include "data/rasterizer.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace ws {

namespace {
// Lights (directions towards the light, world z up): a key light from above, a dimmer
// fill from the other side and below, plus ambient. Peak brightness is about 1.
const Vec3 kKeyDir = normalize(Vec3(0.35f, 0.25f, 1.0f));
const Vec3 kFillDir = normalize(Vec3(-0.6f, -0.75f, -0.3f));
constexpr float kKey = 0.55f, kFill = 0.22f, kAmbient = 0.28f;
constexpr float kNear = 1e-3f;  // near plane distance in front of the camera

// A vertex after projection: pixel position, 1/depth and uv/depth (interpolated linearly
// in screen space for perspective-correct depth and uv).
struct ScreenVert {
  float x, y, iw, u_iw, v_iw;
};

struct TriSetup {
  ScreenVert p[3];
  float inv_area;   // 1 / (twice the signed screen area), > 0 after orientation
  Vec3 colour;      // diffuse * shading (used as is when untextured)
  float shade;
  const Image* tex;  // null when untextured
  int y0, y1, x0, x1;  // inclusive sample-index bounds
};

// Camera-space vertex with its uv, for near-plane clipping.
struct ClipVert {
  Vec3 c;
  float u, v;
};

float edge(float ax, float ay, float bx, float by, float px, float py) {
  return (px - ax) * (by - ay) - (py - ay) * (bx - ax);
}

// Bilinear, wrap-around; (u, v) in OBJ convention (v = 0 at the bottom row).
Vec3 sample_texture(const Image& t, float u, float v) {
  if (!std::isfinite(u) || !std::isfinite(v)) u = v = 0;  // degenerate uvs: no undefined int conversion
  float x = (u - std::floor(u)) * t.width - 0.5f, y = (1.0f - (v - std::floor(v))) * t.height - 0.5f;
  float fx = std::floor(x), fy = std::floor(y);
  float ax = x - fx, ay = y - fy;
  auto wrap = [](int i, int n) { return ((i % n) + n) % n; };
  int x0 = wrap(int(fx), t.width), x1 = wrap(int(fx) + 1, t.width);
  int y0 = wrap(int(fy), t.height), y1 = wrap(int(fy) + 1, t.height);
  Vec3 out;
  for (int c = 0; c < 3; ++c) {
    float top = t.at(x0, y0)[c] * (1 - ax) + t.at(x1, y0)[c] * ax;
    float bot = t.at(x0, y1)[c] * (1 - ax) + t.at(x1, y1)[c] * ax;
    out[c] = (top * (1 - ay) + bot * ay) * (1.0f / 255.0f);
  }
  return out;
}

// Projects, orients and bounds one (camera-space, in front of the near plane) triangle;
// appends it when it covers at least one sample.
void setup_triangle(const ClipVert (&v)[3], const PinholeCamera& cam, int S, Vec3 colour, float shade,
                    const Image* tex, std::vector<TriSetup>& out) {
  TriSetup t;
  for (int k = 0; k < 3; ++k) {
    float iw = 1.0f / -v[k].c.z;
    t.p[k] = {0.5f * cam.width + cam.focal * v[k].c.x * iw, 0.5f * cam.height - cam.focal * v[k].c.y * iw, iw,
              v[k].u * iw, v[k].v * iw};
  }
  float area = edge(t.p[0].x, t.p[0].y, t.p[1].x, t.p[1].y, t.p[2].x, t.p[2].y);
  if (!(std::fabs(area) > 1e-12f)) return;  // degenerate (or NaN)
  if (area < 0) {
    std::swap(t.p[1], t.p[2]);
    area = -area;
  }
  t.inv_area = 1.0f / area;
  float xmin = std::min({t.p[0].x, t.p[1].x, t.p[2].x}), xmax = std::max({t.p[0].x, t.p[1].x, t.p[2].x});
  float ymin = std::min({t.p[0].y, t.p[1].y, t.p[2].y}), ymax = std::max({t.p[0].y, t.p[1].y, t.p[2].y});
  // Sample k along an axis sits at (k + 0.5) / S pixels.
  auto lo = [S](float a) { return int(std::max(std::ceil(a * S - 0.5f), -1.0f)); };
  auto hi = [S](float a, int n) { return int(std::min(std::floor(a * S - 0.5f), float(n))); };
  t.x0 = std::max(lo(xmin), 0);
  t.x1 = std::min(hi(xmax, cam.width * S), cam.width * S - 1);
  t.y0 = std::max(lo(ymin), 0);
  t.y1 = std::min(hi(ymax, cam.height * S), cam.height * S - 1);
  if (t.x0 > t.x1 || t.y0 > t.y1) return;
  t.colour = colour * shade;
  t.shade = shade;
  t.tex = tex;
  out.push_back(t);
}

// Narrows the sample columns [X0, X1] of a sample row at height py to those that can be
// inside the triangle (each edge function is linear in x), widened by one sample so the
// exact per-sample test stays the only decision. Nearly horizontal edges, whose crossing
// point is ill-conditioned, are left to that test. False when the row surely misses.
bool row_span(const TriSetup& t, float py, int S, int& X0, int& X1) {
  float lo = -INFINITY, hi = INFINITY;
  for (int k = 0; k < 3; ++k) {
    const ScreenVert &a = t.p[(k + 1) % 3], &b = t.p[(k + 2) % 3];
    float dy = b.y - a.y, c = -a.x * dy - (py - a.y) * (b.x - a.x);  // w(px) = px dy + c
    if (dy > 1e-3f) lo = std::max(lo, -c / dy);
    else if (dy < -1e-3f) hi = std::min(hi, -c / dy);
  }
  // Clamp in float before converting: the crossing points may be far outside the image.
  auto to_index = [](float v, int a, int b) { return !(v > float(a)) ? a : v > float(b) ? b : int(v); };
  if (lo > -INFINITY) X0 = std::max(X0, to_index(std::ceil(lo * S - 0.5f) - 1, X0, X1 + 1));
  if (hi < INFINITY) X1 = std::min(X1, to_index(std::floor(hi * S - 0.5f) + 1, X0 - 1, X1));
  return X0 <= X1;
}

// Sutherland-Hodgman against the near plane z = -kNear (3 corners in, at most 4 out).
int clip_near(const ClipVert (&in)[3], ClipVert (&out)[4]) {
  int n = 0;
  for (int k = 0; k < 3; ++k) {
    const ClipVert& a = in[k];
    const ClipVert& b = in[(k + 1) % 3];
    bool a_in = a.c.z <= -kNear, b_in = b.c.z <= -kNear;
    if (a_in) out[n++] = a;
    if (a_in != b_in) {
      float s = (-kNear - a.c.z) / (b.c.z - a.c.z);
      out[n++] = {a.c + (b.c - a.c) * s, a.u + (b.u - a.u) * s, a.v + (b.v - a.v) * s};
    }
  }
  return n;
}
}  // namespace

float shade_factor(Vec3 n) {
  return kAmbient + kKey * std::fabs(dot(n, kKeyDir)) + kFill * std::fabs(dot(n, kFillDir));
}

Image rasterize(const Mesh& mesh, const PinholeCamera& cam, const RasterOptions& opt) {
  const int S = opt.supersample, W = cam.width, H = cam.height;
  WS_CHECK(S >= 1 && S <= kMaxSupersample, "rasterize: supersample must be in [1, ", kMaxSupersample, "], got ", S);
  WS_CHECK(W > 0 && H > 0, "rasterize: bad image size ", W, "x", H);
  check_mesh(mesh, "rasterize");

  std::vector<Vec3> cam_pos(mesh.positions.size());
  for (size_t i = 0; i < cam_pos.size(); ++i) cam_pos[i] = world_to_camera(cam, mesh.positions[i]);

  // Triangle setup in mesh order (the order also breaks exact depth ties: first wins).
  std::vector<TriSetup> tris;
  tris.reserve(mesh.triangles.size());
  for (const Triangle& tr : mesh.triangles) {
    const Material& mat = mesh.materials[tr.material];
    Vec3 a = mesh.positions[tr.v[0]], b = mesh.positions[tr.v[1]], c = mesh.positions[tr.v[2]];
    float shade = shade_factor(normalize(cross(b - a, c - a)));
    bool textured = mat.texture && tr.t[0] >= 0 && tr.t[1] >= 0 && tr.t[2] >= 0;
    ClipVert v[3];
    for (int k = 0; k < 3; ++k) {
      Vec2 uv = textured ? mesh.uvs[tr.t[k]] : Vec2{};
      v[k] = {cam_pos[tr.v[k]], uv.x, uv.y};
    }
    const Image* tex = textured ? mat.texture.get() : nullptr;
    int inside = (v[0].c.z <= -kNear) + (v[1].c.z <= -kNear) + (v[2].c.z <= -kNear);
    if (inside == 3) {
      setup_triangle(v, cam, S, mat.diffuse, shade, tex, tris);
    } else if (inside > 0) {
      ClipVert poly[4];
      int n = clip_near(v, poly);
      for (int k = 1; k + 1 < n; ++k) setup_triangle({poly[0], poly[k], poly[k + 1]}, cam, S, mat.diffuse, shade, tex, tris);
    }
  }

  // Bin triangles by output row (CSR, triangle order kept within each row).
  std::vector<int> row_start(H + 1, 0);
  for (const TriSetup& t : tris)
    for (int y = t.y0 / S, last = t.y1 / S; y <= last; ++y) ++row_start[y + 1];
  for (int y = 0; y < H; ++y) row_start[y + 1] += row_start[y];
  std::vector<int> row_tris(row_start[H]);
  {
    std::vector<int> fill(row_start.begin(), row_start.end() - 1);
    for (int i = 0; i < int(tris.size()); ++i)
      for (int y = tris[i].y0 / S, last = tris[i].y1 / S; y <= last; ++y) row_tris[fill[y]++] = i;
  }

  Image img(W, H);
  const int WS = W * S;
  // Rows are independent, so the output does not depend on the thread count. Called
  // from inside a parallel region (views rendered concurrently) this runs on one thread.
#pragma omp parallel if (int64_t(W) * H * S * S >= 4096)
  {
    std::vector<float> depth(size_t(S) * WS), colour(size_t(S) * WS * 3);
#pragma omp for schedule(dynamic, 1)
    for (int y = 0; y < H; ++y) {
      if (row_start[y] == row_start[y + 1]) continue;  // nothing here: stays transparent
      std::fill(depth.begin(), depth.end(), 0.0f);  // stores 1/depth; 0 = empty
      for (int r = row_start[y]; r < row_start[y + 1]; ++r) {
        const TriSetup& t = tris[row_tris[r]];
        const ScreenVert &a = t.p[0], &b = t.p[1], &c = t.p[2];
        int Y0 = std::max(t.y0, y * S), Y1 = std::min(t.y1, y * S + S - 1);
        for (int Y = Y0; Y <= Y1; ++Y) {
          float py = (Y + 0.5f) / S;
          float* drow = depth.data() + size_t(Y - y * S) * WS;
          float* crow = colour.data() + size_t(Y - y * S) * WS * 3;
          int X0 = t.x0, X1 = t.x1;
          if (!row_span(t, py, S, X0, X1)) continue;
          for (int X = X0; X <= X1; ++X) {
            float px = (X + 0.5f) / S;
            float w0 = edge(b.x, b.y, c.x, c.y, px, py), w1 = edge(c.x, c.y, a.x, a.y, px, py),
                  w2 = edge(a.x, a.y, b.x, b.y, px, py);
            if (w0 < 0 || w1 < 0 || w2 < 0) continue;
            float l0 = w0 * t.inv_area, l1 = w1 * t.inv_area, l2 = w2 * t.inv_area;
            float iw = l0 * a.iw + l1 * b.iw + l2 * c.iw;
            if (!(iw > drow[X])) continue;  // nearer = larger 1/depth; ties keep the first
            drow[X] = iw;
            Vec3 col = t.colour;
            if (t.tex) {
              float u = (l0 * a.u_iw + l1 * b.u_iw + l2 * c.u_iw) / iw;
              float v = (l0 * a.v_iw + l1 * b.v_iw + l2 * c.v_iw) / iw;
              col = sample_texture(*t.tex, u, v) * t.shade;
            }
            crow[X * 3 + 0] = col.x, crow[X * 3 + 1] = col.y, crow[X * 3 + 2] = col.z;
          }
        }
      }
      // Resolve: straight colour = mean of the covered samples, alpha = coverage.
      for (int x = 0; x < W; ++x) {
        float sum[3] = {0, 0, 0};
        int covered = 0;
        for (int sy = 0; sy < S; ++sy)
          for (int sx = x * S; sx < x * S + S; ++sx) {
            size_t i = size_t(sy) * WS + sx;
            if (depth[i] <= 0) continue;
            ++covered;
            for (int k = 0; k < 3; ++k) sum[k] += colour[i * 3 + k];
          }
        if (!covered) continue;
        uint8_t* px = img.at(x, y);
        for (int k = 0; k < 3; ++k)
          px[k] = uint8_t(std::lround(std::clamp(sum[k] / covered, 0.0f, 1.0f) * 255.0f));
        px[3] = uint8_t(std::lround(255.0f * covered / (S * S)));
      }
    }
  }
  return img;
}

}  // namespace ws
