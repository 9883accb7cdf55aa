// The 13 procedural object classes. Axes: +x is the object's front, +y its left, +z up;
// objects stand on z = 0 (normalisation recentres them later). Each builder draws its
// proportions, part counts and per-part colours from the Gen. Never two random draws
// in the arguments of one call: C++ leaves their order unspecified, and objects would
// then differ between compilers (one draw per declarator or statement is sequenced).
#include <cmath>

#include "data/synth.h"

namespace ws::synth {

namespace {
constexpr float kPi = 3.14159265358979f;

// A leg from the floor (or any z0) up to z1: round or square.
void post(Gen& g, float x, float y, float z0, float z1, float r, bool round, int mat) {
  if (round) g.b.cylinder({x, y, z0}, {x, y, z1}, r, mat, 12);
  else g.b.box_span({x - r, y - r, z0}, {x + r, y + r, z1}, mat);
}

// A flat tapered plate (wing, stabiliser, fin) from a root section to a tip section.
// Sections are given by leading/trailing edge x, the spanwise point and half thickness.
void plate(Gen& g, Vec3 root, Vec3 tip, float root_chord, float tip_chord, float half_t, bool vertical, int mat) {
  auto section = [&](Vec3 c, float chord) {
    // Leading edge at c.x, trailing at c.x - chord; thin across z (or y when vertical).
    Vec3 t = vertical ? Vec3(0, half_t, 0) : Vec3(0, 0, half_t);
    return std::vector<Vec3>{c - t, Vec3(c.x - chord, c.y, c.z) - t, Vec3(c.x - chord, c.y, c.z) + t, c + t};
  };
  g.b.quad_prism(section(root, root_chord), section(tip, tip_chord), mat);
}
}  // namespace

// ---- airplane: fuselage + nose/tail cones + wings + stabilisers + fin (+ engines) ----
void airplane(Gen& g) {
  float len = g.u(3.0f, 4.5f), r = g.u(0.13f, 0.26f);
  int body = g.colour();
  float x_nose = len * g.u(0.28f, 0.38f), x_tail = -len * g.u(0.2f, 0.3f);
  g.b.cylinder({x_tail, 0, 0}, {x_nose, 0, 0}, r, body, 16);
  if (g.chance(0.5f)) g.b.ellipsoid({x_nose, 0, 0}, {len / 2 - x_nose, r, r}, body);
  else g.b.frustum({x_nose, 0, 0}, {len / 2, 0, 0}, r, r * g.u(0.05f, 0.3f), body, 16);
  float tail_z = r * g.u(0.0f, 0.5f);
  g.b.frustum({x_tail, 0, 0}, {-len / 2, 0, tail_z}, r, r * g.u(0.2f, 0.45f), body, 16);

  // Main wings: swept, tapered, optional dihedral; low, mid or high on the fuselage.
  int wing = g.chance(0.5f) ? body : g.colour();
  float span = g.u(2.4f, 4.2f) / 2, chord = g.u(0.45f, 0.9f), taper = g.u(0.3f, 0.75f);
  float sweep = g.u(0.0f, 0.9f), x_wing = g.u(-0.05f, 0.25f) * len + chord / 2, z_wing = r * g.u(-0.6f, 0.6f);
  float dihedral = g.u(-0.05f, 0.25f), t = g.u(0.02f, 0.045f);
  for (float s : {-1.0f, 1.0f})
    plate(g, {x_wing, 0, z_wing}, {x_wing - sweep, s * span, z_wing + dihedral}, chord, chord * taper, t, false, wing);

  // Engines under the wings.
  if (g.chance(0.6f)) {
    int eng = g.colour();
    int per_side = g.chance(0.3f) ? 2 : 1;
    float er = g.u(0.07f, 0.13f), el = g.u(0.35f, 0.7f);
    for (float s : {-1.0f, 1.0f})
      for (int k = 0; k < per_side; ++k) {
        float f = per_side == 1 ? g.u(0.3f, 0.45f) : (k == 0 ? 0.3f : 0.6f);
        float x = x_wing - sweep * f - chord * 0.2f, y = s * span * f, z = z_wing + dihedral * f - t - er * 1.1f;
        g.b.cylinder({x - el * 0.3f, y, z}, {x + el * 0.7f, y, z}, er, eng, 12);
      }
  }

  // Tail: vertical fin, and stabilisers low on the fuselage or on top of the fin (T-tail).
  int tail = g.chance(0.5f) ? body : g.colour();
  float fin_h = g.u(0.45f, 0.9f), fin_c = chord * g.u(0.6f, 1.0f), x_fin = -len / 2 + fin_c + g.u(0.0f, 0.2f);
  plate(g, {x_fin, 0, tail_z + r * 0.5f}, {x_fin - fin_c * 0.6f, 0, tail_z + r * 0.5f + fin_h}, fin_c, fin_c * 0.5f,
        t, true, tail);
  bool t_tail = g.chance(0.2f);
  float st_span = span * g.u(0.28f, 0.42f), st_c = fin_c * g.u(0.5f, 0.8f);
  float st_z = t_tail ? tail_z + r * 0.5f + fin_h : tail_z, st_x = t_tail ? x_fin - fin_c * 0.6f : x_fin;
  for (float s : {-1.0f, 1.0f})
    plate(g, {st_x, 0, st_z}, {st_x - st_c * 0.4f, s * st_span, st_z}, st_c, st_c * 0.6f, t * 0.8f, false, tail);
}

// ---- bench: seat slats on two or three side frames (+ backrest, arms) ----
void bench(Gen& g) {
  float len = g.u(1.8f, 3.2f), depth = g.u(0.4f, 0.7f), h = g.u(0.4f, 0.55f), th = g.u(0.03f, 0.06f);
  int seat = g.colour(), frame = g.colour();
  if (g.chance(0.3f)) {
    g.b.box_span({-depth / 2, -len / 2, h - th}, {depth / 2, len / 2, h}, seat);  // one plank
  } else {
    int n = g.pick(3, 6);
    float gap = depth * g.u(0.03f, 0.08f), w = (depth - gap * (n - 1)) / n;
    for (int i = 0; i < n; ++i) {
      float x0 = -depth / 2 + i * (w + gap);
      g.b.box_span({x0, -len / 2, h - th}, {x0 + w, len / 2, h}, seat);
    }
  }
  int frames = len > 2.6f && g.chance(0.5f) ? 3 : 2;
  bool slab = g.chance(0.35f);
  float inset = len * g.u(0.05f, 0.15f), ft = g.u(0.03f, 0.07f);
  for (int i = 0; i < frames; ++i) {
    float y = -len / 2 + inset + (len - 2 * inset) * i / (frames - 1);
    if (slab) {
      g.b.box_span({-depth / 2 * 0.9f, y - ft, 0}, {depth / 2 * 0.9f, y + ft, h - th}, frame);
    } else {
      bool round = g.chance(0.5f);
      for (float s : {-1.0f, 1.0f}) post(g, s * (depth / 2 - ft * 1.5f), y, 0, h - th, ft, round, frame);
      g.b.box_span({-depth / 2 + ft, y - ft * 0.7f, h * 0.25f}, {depth / 2 - ft, y + ft * 0.7f, h * 0.25f + ft * 1.4f},
                   frame);
    }
  }
  if (g.chance(0.55f)) {  // backrest: posts at the rear plus horizontal slats, leaning back
    float bh = g.u(0.35f, 0.6f), lean = g.u(0.05f, 0.3f);
    Mat3 rot = rot_y(-lean);
    int back = g.chance(0.5f) ? seat : g.colour();
    int n = g.pick(1, 4);
    for (int i = 0; i < n; ++i) {
      float zc = bh * (0.25f + 0.7f * (i + 0.5f) / n), half = bh * 0.35f / n;
      Vec3 c = Vec3(-depth / 2 + ft, 0, h) + rot * Vec3(0, 0, zc);
      g.b.box(c, {ft, len / 2, half}, back, rot);
    }
    for (int i = 0; i < frames; ++i) {
      float y = -len / 2 + inset + (len - 2 * inset) * i / (frames - 1);
      Vec3 c = Vec3(-depth / 2 + ft, y, h) + rot * Vec3(0, 0, bh / 2);
      g.b.box(c, {ft, ft, bh / 2}, frame, rot);
    }
    if (g.chance(0.4f))  // arms at both ends
      for (float s : {-1.0f, 1.0f}) {
        float y = s * (len / 2 - ft);
        g.b.box_span({-depth / 2, y - ft, h + bh * 0.4f}, {depth / 2, y + ft, h + bh * 0.4f + ft * 1.5f}, frame);
        post(g, depth / 2 - ft, y, h, h + bh * 0.4f, ft * 0.8f, true, frame);
      }
  }
}

// ---- cabinet: a box with doors and/or drawers on the front, handles, plinth or feet ----
void cabinet(Gen& g) {
  float w = g.u(0.6f, 1.6f), d = g.u(0.35f, 0.7f), h = g.u(0.7f, 2.0f);
  int body = g.colour(), front = g.chance(0.4f) ? body : g.colour(), handle = g.colour();
  float base = 0;
  if (g.chance(0.5f)) {
    base = g.u(0.05f, 0.15f);
    if (g.chance(0.5f)) g.b.box_span({-d / 2 + 0.04f, -w / 2 + 0.04f, 0}, {d / 2 - 0.04f, w / 2 - 0.04f, base}, body);
    else
      for (float sx : {-1.0f, 1.0f})
        for (float sy : {-1.0f, 1.0f}) post(g, sx * (d / 2 - 0.05f), sy * (w / 2 - 0.05f), 0, base, 0.03f, true, handle);
  }
  g.b.box_span({-d / 2, -w / 2, base}, {d / 2, w / 2, h}, body);
  if (g.chance(0.4f)) {  // overhanging top
    float o = g.u(0.02f, 0.06f);
    g.b.box_span({-d / 2 - o, -w / 2 - o, h}, {d / 2 + o, w / 2 + o, h + g.u(0.02f, 0.05f)}, front);
  }
  int cols = g.pick(1, w > 1.0f ? 3 : 2);
  float gap = 0.015f, margin = 0.03f, x = d / 2;
  float cw = (w - 2 * margin - gap * (cols - 1)) / cols;
  bool knobs = g.chance(0.5f);
  for (int c = 0; c < cols; ++c) {
    float y0 = -w / 2 + margin + c * (cw + gap), y1 = y0 + cw;
    // Each column: drawers up to some height, then a door above (either may be absent).
    int style = g.pick(0, 2);  // 0 door, 1 drawers, 2 drawers below a door
    int drawers = style == 0 ? 0 : g.pick(2, 5);
    float z_split = style == 0 ? base + margin : style == 1 ? h - margin : base + (h - base) * g.u(0.3f, 0.6f);
    float dh = (z_split - base - margin - gap * drawers) / std::max(drawers, 1);
    for (int k = 0; k < drawers; ++k) {
      float z0 = base + margin + k * (dh + gap), z1 = z0 + dh;
      g.b.box_span({x, y0, z0}, {x + 0.02f, y1, z1}, front);
      float zc = (z0 + z1) / 2;
      if (knobs) g.b.sphere({x + 0.04f, (y0 + y1) / 2, zc}, 0.025f, handle);
      else g.b.box_span({x + 0.02f, (y0 + y1) / 2 - cw * 0.2f, zc - 0.012f}, {x + 0.045f, (y0 + y1) / 2 + cw * 0.2f, zc + 0.012f}, handle);
    }
    if (style != 1) {
      float z0 = style == 0 ? base + margin : z_split + gap, z1 = h - margin;
      g.b.box_span({x, y0, z0}, {x + 0.02f, y1, z1}, front);
      float yh = (c % 2 == 0) ? y1 - 0.06f : y0 + 0.06f, zh = z0 + (z1 - z0) * 0.5f;
      if (knobs) g.b.sphere({x + 0.04f, yh, zh}, 0.025f, handle);
      else g.b.box_span({x + 0.02f, yh - 0.012f, zh - 0.1f}, {x + 0.045f, yh + 0.012f, zh + 0.1f}, handle);
    }
  }
}

// ---- car: body + cabin (sedan, hatchback, pickup, van) + 4 wheels (+ spoiler) ----
void car(Gen& g) {
  float len = g.u(3.6f, 4.8f), w = g.u(1.6f, 1.95f), wr = g.u(0.28f, 0.4f), ww = g.u(0.18f, 0.28f);
  int paint = g.colour(), glass = g.colour(), tyre = g.colour(), hub = g.colour();
  float z0 = wr * g.u(0.45f, 0.7f), z1 = z0 + g.u(0.45f, 0.7f);
  float hw = w / 2;
  g.b.quad_prism({{-len / 2, -hw, z0}, {len / 2, -hw, z0}, {len / 2, -hw, z1 - 0.1f}, {-len / 2, -hw, z1}},
                 {{-len / 2, hw, z0}, {len / 2, hw, z0}, {len / 2, hw, z1 - 0.1f}, {-len / 2, hw, z1}}, paint);
  int type = g.pick(0, 3);  // 0 sedan, 1 hatchback, 2 pickup, 3 van
  float cab_h = type == 3 ? g.u(0.7f, 1.0f) : g.u(0.4f, 0.6f);
  float cx0, cx1;  // cabin bottom from cx0 (rear) to cx1 (front)
  if (type == 0) cx0 = -len * g.u(0.3f, 0.38f), cx1 = len * g.u(0.1f, 0.22f);
  else if (type == 1) cx0 = -len / 2 + 0.05f, cx1 = len * g.u(0.1f, 0.2f);
  else if (type == 2) cx0 = -len * g.u(0.05f, 0.15f), cx1 = len * g.u(0.15f, 0.25f);
  else cx0 = -len / 2 + 0.05f, cx1 = len * g.u(0.25f, 0.38f);
  float slope_f = (cx1 - cx0) * g.u(0.15f, 0.35f), slope_r = type == 1 || type == 3 ? 0.05f : (cx1 - cx0) * g.u(0.1f, 0.3f);
  float cw = hw * g.u(0.82f, 0.95f);
  auto side = [&](float y) {
    return std::vector<Vec3>{{cx0, y, z1}, {cx1, y, z1}, {cx1 - slope_f, y, z1 + cab_h}, {cx0 + slope_r, y, z1 + cab_h}};
  };
  g.b.quad_prism(side(-cw), side(cw), glass);
  if (type == 2) {  // pickup bed walls
    float wt = 0.05f, bh = g.u(0.2f, 0.35f);
    for (float s : {-1.0f, 1.0f}) g.b.box_span({-len / 2, s * hw - wt, z1}, {cx0, s * hw + wt, z1 + bh}, paint);
    g.b.box_span({-len / 2, -hw, z1}, {-len / 2 + 2 * wt, hw, z1 + bh}, paint);
  }
  float axle = len / 2 - g.u(0.55f, 0.9f);
  for (float sx : {-1.0f, 1.0f})
    for (float sy : {-1.0f, 1.0f}) {
      float x = sx * axle, y = sy * (hw - ww / 2 + 0.03f);
      g.b.cylinder({x, y - ww / 2, wr}, {x, y + ww / 2, wr}, wr, tyre, 16);
      g.b.cylinder({x, y + sy * ww / 2, wr}, {x, y + sy * (ww / 2 + 0.01f), wr}, wr * g.u(0.4f, 0.7f), hub, 12);
    }
  if (type == 0 && g.chance(0.3f)) {  // rear spoiler
    float zs = z1 + g.u(0.1f, 0.2f);
    g.b.box_span({-len / 2 + 0.02f, -hw * 0.9f, zs}, {-len / 2 + 0.3f, hw * 0.9f, zs + 0.04f}, glass);
    for (float s : {-0.6f, 0.6f}) g.b.box_span({-len / 2 + 0.12f, s * hw - 0.03f, z1}, {-len / 2 + 0.2f, s * hw + 0.03f, zs}, paint);
  }
}

// ---- chair: seat + back (panel, slats or frame) + 4 legs or a swivel base (+ arms) ----
void chair(Gen& g) {
  float sw = g.u(0.8f, 1.2f), sd = g.u(0.8f, 1.15f), sh = g.u(0.75f, 1.05f), st = g.u(0.06f, 0.14f);
  int seat = g.colour(), legs = g.chance(0.4f) ? seat : g.colour();
  if (g.chance(0.3f)) g.b.rounded_slab({0, 0, sh - st / 2}, sd / 2, sw / 2, g.u(0.05f, 0.3f), st / 2, seat, rot_x(kPi / 2));
  else g.b.box({0, 0, sh - st / 2}, {sd / 2, sw / 2, st / 2}, seat);
  float lt = g.u(0.03f, 0.06f);
  if (g.chance(0.75f)) {
    bool round = g.chance(0.5f);
    float in = g.u(0.0f, 0.1f), lx = sd / 2 - lt - in, ly = sw / 2 - lt - in;
    for (float sx : {-1.0f, 1.0f})
      for (float sy : {-1.0f, 1.0f}) post(g, sx * lx, sy * ly, 0, sh - st, lt, round, legs);
    if (g.chance(0.4f)) {  // stretchers between the legs
      float z = g.u(0.15f, 0.35f) * sh;
      for (float s : {-1.0f, 1.0f}) {
        g.b.box_span({-lx, s * ly - lt * 0.6f, z}, {lx, s * ly + lt * 0.6f, z + lt * 1.2f}, legs);
        g.b.box_span({s * lx - lt * 0.6f, -ly, z}, {s * lx + lt * 0.6f, ly, z + lt * 1.2f}, legs);
      }
    }
  } else {  // swivel: column + star base with castors
    float r = g.u(0.035f, 0.07f), base_z = g.u(0.06f, 0.12f), arm = g.u(0.35f, 0.5f);
    g.b.cylinder({0, 0, base_z}, {0, 0, sh - st}, r, legs, 12);
    int spokes = g.pick(4, 5);
    float phase = g.u(0, 2 * kPi);
    for (int k = 0; k < spokes; ++k) {
      float a = phase + 2 * kPi * k / spokes;
      Vec3 dir(std::cos(a), std::sin(a), 0);
      g.b.box(dir * (arm / 2) + Vec3(0, 0, base_z), {arm / 2, 0.03f, 0.025f}, legs, rot_z(a));
      g.b.sphere(dir * arm + Vec3(0, 0, 0.04f), 0.04f, legs);
    }
  }
  // Back: leans back about its bottom edge at the rear of the seat.
  float bh = g.u(0.6f, 1.2f), bt = g.u(0.04f, 0.1f), lean = g.u(0.0f, 0.3f);
  int back = g.chance(0.6f) ? seat : g.colour();
  Mat3 rot = rot_y(-lean);
  Vec3 pivot(-sd / 2 + bt / 2, 0, sh);
  auto back_box = [&](float y, float z_lo, float z_hi, float half_w, int mat) {
    g.b.box(pivot + rot * Vec3(0, y, (z_lo + z_hi) / 2), {bt / 2, half_w, (z_hi - z_lo) / 2}, mat, rot);
  };
  int style = g.pick(0, 2);
  if (style == 0) {
    back_box(0, 0, bh, sw / 2, back);  // solid panel
  } else {
    float pw = g.u(0.03f, 0.06f);
    for (float s : {-1.0f, 1.0f}) back_box(s * (sw / 2 - pw), 0, bh, pw, back);  // side posts
    float rail = g.u(0.06f, 0.25f) * bh;
    back_box(0, bh - rail, bh, sw / 2, back);  // top rail
    if (style == 1) {
      int n = g.pick(1, 5);
      for (int i = 0; i < n; ++i) back_box(-sw / 2 + sw * (i + 1) / (n + 1), 0, bh - rail, pw * 0.7f, back);  // slats
    }
  }
  if (g.chance(0.35f)) {  // arms: a rest on one or two supports each side
    float az = sh + g.u(0.18f, 0.3f), aw = g.u(0.03f, 0.06f), al = sd * g.u(0.7f, 0.95f);
    for (float s : {-1.0f, 1.0f}) {
      float y = s * (sw / 2 - aw);
      g.b.box_span({-sd / 2, y - aw, az}, {-sd / 2 + al, y + aw, az + aw * 1.5f}, legs);
      post(g, -sd / 2 + al - aw * 1.5f, y, sh, az, aw * 0.8f, g.chance(0.5f), legs);
    }
  }
}

// ---- display: thin panel + screen inset + stand (neck and base, or two feet) ----
void display(Gen& g) {
  float w = g.u(1.2f, 2.0f), h = w * g.u(0.5f, 0.8f), d = g.u(0.03f, 0.08f), lift = g.u(0.15f, 0.45f);
  int bezel = g.colour(), screen = g.colour(), stand = g.chance(0.5f) ? bezel : g.colour();
  float tilt = g.u(0.0f, 0.15f);
  Mat3 rot = rot_y(-tilt);
  Vec3 c(0, 0, lift + h / 2);
  g.b.box(c, {d / 2, w / 2, h / 2}, bezel, rot);
  float margin = g.u(0.02f, 0.08f);
  g.b.box(c + rot * Vec3(d / 2 + 0.004f, 0, 0), {0.004f, w / 2 - margin, h / 2 - margin}, screen, rot);
  if (g.chance(0.25f))  // bulky back housing (older monitors)
    g.b.box(c + rot * Vec3(-d / 2 - w * 0.1f, 0, 0), {w * 0.1f, w * 0.3f, h * 0.3f}, bezel, rot);
  if (g.chance(0.7f)) {  // neck + base
    float nw = g.u(0.05f, 0.15f), base_h = g.u(0.02f, 0.05f);
    float nx = -d / 2 - g.u(0.03f, 0.1f);
    g.b.box_span({nx - 0.04f, -nw, base_h}, {nx + 0.04f, nw, lift + h * 0.4f}, stand);
    if (g.chance(0.5f)) {
      float back = g.u(0.2f, 0.35f), front = g.u(0.15f, 0.3f), half_w = w * g.u(0.15f, 0.3f);
      g.b.box_span({nx - back, -half_w, 0}, {nx + front, half_w, base_h}, stand);
    } else {
      g.b.cylinder({nx, 0, 0}, {nx, 0, base_h}, g.u(0.2f, 0.35f), stand, 20);
    }
  } else {  // two feet near the ends
    float fy = w * g.u(0.3f, 0.45f), fl = g.u(0.15f, 0.3f);
    for (float s : {-1.0f, 1.0f}) {
      g.b.box_span({-0.02f, s * fy - 0.025f, 0}, {0.02f, s * fy + 0.025f, lift + 0.05f}, stand);
      g.b.box_span({-fl, s * fy - 0.04f, 0}, {fl, s * fy + 0.04f, 0.03f}, stand);
    }
  }
}

// ---- lamp: base + pole + shade (straight lamps) or base + two-segment arm + head ----
void lamp(Gen& g) {
  int base = g.colour(), pole = g.chance(0.5f) ? base : g.colour(), shade = g.colour();
  float br = g.u(0.2f, 0.45f), bh = g.u(0.03f, 0.12f);
  if (g.chance(0.6f)) g.b.frustum({0, 0, 0}, {0, 0, bh}, br, br * g.u(0.5f, 1.0f), base, 20);
  else g.b.box_span({-br, -br, 0}, {br, br, bh}, base);
  float pr = g.u(0.015f, 0.045f);
  if (g.chance(0.6f)) {  // straight: shade centred on the pole top
    float ph = g.u(0.8f, 2.4f), sr_bot = g.u(0.2f, 0.5f), sr_top = sr_bot * g.u(0.35f, 1.0f), sh = g.u(0.25f, 0.6f);
    g.b.cylinder({0, 0, bh}, {0, 0, ph}, pr, pole, 10);
    float z0 = ph - sh * g.u(0.3f, 0.7f);
    g.b.frustum({0, 0, z0}, {0, 0, z0 + sh}, sr_bot, sr_top, shade, 20);
    if (g.chance(0.3f)) g.b.sphere({0, 0, z0 - 0.05f}, sr_bot * 0.3f, shade);
  } else {  // desk lamp: lower arm up, elbow, upper arm forward, head pointing down
    float l1 = g.u(0.5f, 1.0f), l2 = g.u(0.4f, 0.9f);
    float a1 = g.u(-0.4f, 0.3f), a2 = g.u(0.3f, 1.2f);  // tilt from vertical (towards +x)
    Vec3 p0(0, 0, bh), p1 = p0 + Vec3(std::sin(a1), 0, std::cos(a1)) * l1;
    Vec3 p2 = p1 + Vec3(std::sin(a2), 0, std::cos(a2)) * l2;
    g.b.cylinder(p0, p1, pr, pole, 10);
    g.b.sphere(p1, pr * 1.8f, pole);
    g.b.cylinder(p1, p2, pr, pole, 10);
    float hr = g.u(0.12f, 0.25f), hl = g.u(0.15f, 0.35f);
    Vec3 dir = normalize(Vec3(g.u(0.2f, 0.7f), 0, -1));
    g.b.frustum(p2, p2 + dir * hl, hr * g.u(0.2f, 0.5f), hr, shade, 16);
  }
}

// ---- speaker: cabinet + round drivers on the front (+ port, feet) ----
void speaker(Gen& g) {
  float w = g.u(0.4f, 0.9f), d = g.u(0.4f, 0.8f), h = g.u(0.6f, 1.6f);
  int box = g.colour(), ring = g.colour(), cone = g.colour();
  float base = 0;
  if (g.chance(0.3f)) {
    base = g.u(0.05f, 0.12f);
    for (float sx : {-1.0f, 1.0f})
      for (float sy : {-1.0f, 1.0f}) post(g, sx * (d / 2 - 0.06f), sy * (w / 2 - 0.06f), 0, base, 0.035f, true, ring);
  }
  g.b.box_span({-d / 2, -w / 2, base}, {d / 2, w / 2, base + h}, box);
  int n = g.pick(1, 3);
  float x = d / 2;
  // Woofers from the bottom up, a smaller tweeter on top.
  float z = base, room = h;
  for (int i = 0; i < n; ++i) {
    bool tweeter = i == n - 1 && n > 1;
    float r = std::fmin(w * (tweeter ? g.u(0.12f, 0.2f) : g.u(0.3f, 0.42f)), room / (2.4f * (n - i)));
    float zc = z + r * 1.2f;
    z = zc + r;
    room = base + h - z;
    g.b.cylinder({x, 0, zc}, {x + 0.02f, 0, zc}, r, ring, 20);
    g.b.torus({x + 0.02f, 0, zc}, {1, 0, 0}, r * 0.85f, r * 0.12f, ring, 20, 6);
    g.b.ellipsoid({x + 0.02f, 0, zc}, {r * 0.35f, r * 0.35f, r * 0.35f}, cone);
  }
  if (g.chance(0.4f) && room > 0.12f)  // bass port
    g.b.cylinder({x, 0, z + room / 2}, {x + 0.015f, 0, z + room / 2}, std::fmin(0.05f, room / 3), cone, 12);
}

// ---- rifle: barrel + receiver + stock + grip (+ magazine, scope, bipod) ----
void rifle(Gen& g) {
  int metal = g.colour(), wood = g.colour(), extra = g.colour();
  float rl = g.u(0.6f, 0.9f), rh = g.u(0.12f, 0.2f), rw = g.u(0.035f, 0.05f);
  g.b.box_span({0, -rw, 0}, {rl, rw, rh}, metal);  // receiver
  float bl = g.u(1.0f, 1.7f), br = g.u(0.022f, 0.04f), bz = rh * g.u(0.55f, 0.75f);
  g.b.cylinder({rl, 0, bz}, {rl + bl, 0, bz}, br, metal, 10);  // barrel
  if (g.chance(0.6f)) {  // handguard around the rear of the barrel
    float hl = bl * g.u(0.35f, 0.6f);
    g.b.box_span({rl, -rw * 1.1f, bz - rh * 0.45f}, {rl + hl, rw * 1.1f, bz + rh * 0.25f}, wood);
  }
  // Stock: tapered, drops towards the butt.
  float sl = g.u(0.6f, 1.0f), drop = g.u(0.0f, 0.2f), butt = g.u(0.18f, 0.3f);
  g.b.quad_prism({{0, -rw, 0}, {0, rw, 0}, {0, rw, rh}, {0, -rw, rh}},
                 {{-sl, -rw * 1.2f, rh - drop - butt}, {-sl, rw * 1.2f, rh - drop - butt}, {-sl, rw * 1.2f, rh - drop},
                  {-sl, -rw * 1.2f, rh - drop}},
                 wood);
  float gh = g.u(0.15f, 0.28f), gx = rl * g.u(0.1f, 0.3f);
  Mat3 back = rot_y(-g.u(0.2f, 0.5f));
  g.b.box(Vec3(gx, 0, 0) + back * Vec3(0, 0, -gh / 2), {0.04f, rw * 0.9f, gh / 2}, wood, back);  // grip
  if (g.chance(0.75f)) {  // magazine, raked forward
    float ml = g.u(0.2f, 0.4f), mx = rl * g.u(0.5f, 0.75f);
    Mat3 rake = rot_y(g.u(0.0f, 0.4f));
    g.b.box(Vec3(mx, 0, 0) + rake * Vec3(0, 0, -ml / 2), {g.u(0.04f, 0.07f), rw * 0.8f, ml / 2}, extra, rake);
  }
  if (g.chance(0.5f)) {  // scope on two mounts
    float sr = g.u(0.03f, 0.05f), slen = g.u(0.35f, 0.6f), sz = rh + sr + 0.04f, sx = rl * 0.5f - slen / 2;
    g.b.cylinder({sx, 0, sz}, {sx + slen, 0, sz}, sr, extra, 12);
    g.b.frustum({sx + slen, 0, sz}, {sx + slen + 0.08f, 0, sz}, sr, sr * 1.5f, extra, 12);
    g.b.frustum({sx, 0, sz}, {sx - 0.06f, 0, sz}, sr, sr * 1.3f, extra, 12);
    for (float f : {0.25f, 0.75f}) g.b.box_span({sx + slen * f - 0.02f, -0.02f, rh}, {sx + slen * f + 0.02f, 0.02f, sz}, metal);
  }
  if (g.chance(0.2f)) {  // bipod
    float bx = rl + bl * 0.45f, leg = g.u(0.25f, 0.4f);
    for (float s : {-1.0f, 1.0f}) g.b.cylinder({bx, 0, bz}, {bx + 0.05f, s * leg * 0.4f, bz - leg}, 0.012f, metal, 8);
  }
}

// ---- sofa: base + seat cushions + back + arms + feet (+ chaise) ----
void sofa(Gen& g) {
  float len = g.u(1.8f, 3.0f), d = g.u(0.85f, 1.1f), fh = g.u(0.03f, 0.12f), bh = g.u(0.2f, 0.35f);
  int frame = g.colour(), cushion = g.chance(0.5f) ? frame : g.colour(), feet = g.colour();
  for (float sx : {-1.0f, 1.0f})
    for (float sy : {-1.0f, 1.0f}) post(g, sx * (d / 2 - 0.08f), sy * (len / 2 - 0.08f), 0, fh, 0.035f, g.chance(0.5f), feet);
  float z0 = fh, z1 = fh + bh;
  g.b.box_span({-d / 2, -len / 2, z0}, {d / 2, len / 2, z1}, frame);
  bool arms = g.chance(0.85f);
  float aw = arms ? g.u(0.12f, 0.3f) : 0, ah = g.u(0.18f, 0.4f);
  float bt = g.u(0.15f, 0.3f), back_h = g.u(0.4f, 0.75f);
  g.b.box_span({-d / 2, -len / 2, z1}, {-d / 2 + bt, len / 2, z1 + back_h}, frame);
  int n = g.pick(1, 3);
  float ct = g.u(0.1f, 0.2f), inner = len - 2 * aw, gap = 0.02f, cl = (inner - gap * (n - 1)) / n;
  for (int i = 0; i < n; ++i) {
    float y0 = -inner / 2 + i * (cl + gap);
    g.b.box_span({-d / 2 + bt, y0, z1}, {d / 2, y0 + cl, z1 + ct}, cushion);
    if (g.chance(0.5f))  // back cushion
      g.b.box_span({-d / 2 + bt, y0, z1 + ct}, {-d / 2 + bt + g.u(0.1f, 0.2f), y0 + cl, z1 + back_h * 0.9f}, cushion);
  }
  if (arms)
    for (float s : {-1.0f, 1.0f}) {
      float y = s * (len / 2 - aw / 2);
      g.b.box_span({-d / 2, y - aw / 2, z1}, {d / 2, y + aw / 2, z1 + ct + ah}, frame);
    }
  if (g.chance(0.2f)) {  // chaise: one end extends forward
    float s = g.chance(0.5f) ? 1.0f : -1.0f, cw = len * g.u(0.3f, 0.4f), ext = g.u(0.5f, 0.8f);
    float ya = s > 0 ? len / 2 - cw : -len / 2, yb = ya + cw;
    g.b.box_span({d / 2, ya, z0}, {d / 2 + ext, yb, z1}, frame);
    g.b.box_span({d / 2, ya, z1}, {d / 2 + ext, yb, z1 + ct}, cushion);
  }
}

// ---- table: top (rectangular or round) + legs, trestles or pedestal (+ apron, shelf) ----
void table(Gen& g) {
  float h = g.u(0.45f, 1.1f), t = g.u(0.03f, 0.1f);
  int top = g.colour(), legs = g.chance(0.4f) ? top : g.colour();
  if (g.chance(0.65f)) {
    float l = g.u(1.0f, 2.4f), w = g.u(0.6f, 1.3f);
    g.b.box_span({-w / 2, -l / 2, h - t}, {w / 2, l / 2, h}, top);
    float lt = g.u(0.025f, 0.07f), in = g.u(0.02f, 0.15f);
    float lx = w / 2 - lt - in, ly = l / 2 - lt - in;
    if (g.chance(0.8f)) {
      bool round = g.chance(0.5f);
      for (float sx : {-1.0f, 1.0f})
        for (float sy : {-1.0f, 1.0f}) post(g, sx * lx, sy * ly, 0, h - t, lt, round, legs);
      if (g.chance(0.4f)) {  // apron
        float ah = g.u(0.05f, 0.15f);
        for (float s : {-1.0f, 1.0f}) {
          g.b.box_span({s * lx - 0.01f, -ly, h - t - ah}, {s * lx + 0.01f, ly, h - t}, legs);
          g.b.box_span({-lx, s * ly - 0.01f, h - t - ah}, {lx, s * ly + 0.01f, h - t}, legs);
        }
      }
      if (g.chance(0.25f)) g.b.box_span({-lx, -ly, h * 0.2f}, {lx, ly, h * 0.2f + t * 0.7f}, top);  // shelf
    } else {  // two trestle slabs joined by a beam
      for (float s : {-1.0f, 1.0f}) {
        g.b.box_span({-lx, s * ly - lt, 0}, {lx, s * ly + lt, h - t}, legs);
        g.b.box_span({-w / 2 * 0.9f, s * ly - lt * 1.5f, 0}, {w / 2 * 0.9f, s * ly + lt * 1.5f, 0.05f}, legs);
      }
      g.b.box_span({-lt, -ly, h * 0.3f}, {lt, ly, h * 0.3f + 0.08f}, legs);
    }
  } else {
    float r = g.u(0.4f, 0.9f);
    g.b.cylinder({0, 0, h - t}, {0, 0, h}, r, top, 24);
    if (g.chance(0.6f)) {  // pedestal
      float pr = g.u(0.04f, 0.12f);
      g.b.cylinder({0, 0, 0.03f}, {0, 0, h - t}, pr, legs, 12);
      if (g.chance(0.5f)) g.b.frustum({0, 0, 0}, {0, 0, 0.06f}, r * g.u(0.4f, 0.7f), pr, legs, 20);
      else
        for (int k = 0; k < 4; ++k) {
          float a = kPi / 2 * k;
          g.b.box({std::cos(a) * r * 0.3f, std::sin(a) * r * 0.3f, 0.025f}, {r * 0.3f, 0.03f, 0.025f}, legs, rot_z(a));
        }
    } else {
      int n = g.pick(3, 4);
      float lt = g.u(0.025f, 0.05f), phase = g.u(0, kPi);
      for (int k = 0; k < n; ++k) {
        float a = phase + 2 * kPi * k / n;
        post(g, std::cos(a) * r * 0.7f, std::sin(a) * r * 0.7f, 0, h - t, lt, true, legs);
      }
    }
  }
}

// ---- phone: upright rounded slab + screen inset (+ keypad, camera bump, buttons) ----
void phone(Gen& g) {
  float w = g.u(0.6f, 0.85f), h = g.u(1.2f, 1.7f), t = g.u(0.06f, 0.16f), c = g.u(0.02f, 0.15f);
  int body = g.colour(), screen = g.colour(), detail = g.colour();
  // rounded_slab is rounded in its local (x, z) plane and thin along local y: turn it so
  // the face looks along +x and the long side is vertical.
  Mat3 face = rot_z(kPi / 2);
  g.b.rounded_slab({0, 0, h / 2}, w / 2, h / 2, c, t / 2, body, face);
  float m = g.u(0.03f, 0.08f);
  bool keypad = g.chance(0.35f);
  // Screen half height sh; with a keypad the screen takes the upper part only.
  float sh = keypad ? h * g.u(0.17f, 0.23f) : h / 2 - m * 1.5f, sz = keypad ? h - m * 2 - sh : h / 2;
  g.b.rounded_slab({t / 2, 0, sz}, w / 2 - m, sh, std::fmax(c - m, 0.01f), 0.006f, screen, face);
  if (keypad) {
    float kx = t / 2 + 0.01f, top = h - m * 3 - 2 * sh, bw = (w - 2 * m) / 3;
    for (int r = 0; r < 4; ++r)
      for (int k = 0; k < 3; ++k) {
        float yc = -w / 2 + m + bw * (k + 0.5f), zc = top - (r + 0.5f) * top / 4.5f;
        g.b.box({kx, yc, zc}, {0.01f, bw * 0.35f, top / 14}, detail);
      }
  }
  if (g.chance(0.6f)) {  // camera bump on the back
    float cr = g.u(0.04f, 0.1f);
    g.b.cylinder({-t / 2, w * 0.2f, h - cr - m * 2}, {-t / 2 - 0.02f, w * 0.2f, h - cr - m * 2}, cr, detail, 16);
  }
  int buttons = g.chance(0.5f) ? g.pick(1, 3) : 0;  // on the side
  for (int k = 0; k < buttons; ++k)
    g.b.box({0, w / 2 + 0.01f, h * (0.75f - 0.1f * k)}, {t * 0.2f, 0.012f, 0.05f}, detail);
}

// ---- watercraft: lofted hull + cabins / sailing rig / ship superstructure ----
void watercraft(Gen& g) {
  float len = g.u(2.5f, 4.5f), beam = len * g.u(0.18f, 0.32f), depth = g.u(0.25f, 0.5f);
  int hull = g.colour(), deck = g.colour(), extra = g.colour();
  float bow_start = g.u(0.35f, 0.6f), sheer = g.u(0.0f, 0.25f), transom = g.u(0.6f, 0.95f);
  const int sections = 12, points = 9;
  std::vector<std::vector<Vec3>> rings;
  for (int i = 0; i <= sections; ++i) {
    float s = float(i) / sections, x = -len / 2 + len * s;
    // Half beam: full amidships, narrowed at the stern, pointed at the bow.
    float hb = beam / 2;
    if (s > bow_start) hb *= std::sqrt(std::fmax(0.0f, 1 - std::pow((s - bow_start) / (1 - bow_start), 2.0f)));
    if (s < 0.2f) hb *= transom + (1 - transom) * s / 0.2f;
    float z_deck = depth + sheer * s * s, keel = depth * (1 - 0.5f * s * s);
    std::vector<Vec3> ring;
    for (int k = 0; k < points; ++k) {  // half-ellipse from port deck edge, under the keel, to starboard
      float a = kPi * k / (points - 1);
      ring.push_back({x, -hb * std::cos(a), z_deck - (z_deck - depth + keel) * std::sin(a)});
    }
    rings.push_back(ring);
  }
  g.b.loft(rings, hull);
  int type = g.pick(0, 2);  // 0 motor boat, 1 sail boat, 2 ship
  if (type == 1) {
    float mh = len * g.u(0.5f, 0.9f), mx = len * g.u(-0.05f, 0.15f);
    g.b.cylinder({mx, 0, depth}, {mx, 0, depth + mh}, 0.03f, extra, 8);
    float boom = len * g.u(0.3f, 0.45f);
    g.b.cylinder({mx, 0, depth + 0.25f}, {mx - boom, 0, depth + 0.25f}, 0.025f, extra, 8);
    // Main sail: a thin triangle between mast and boom.
    std::vector<Vec3> a = {{mx - 0.03f, -0.01f, depth + 0.28f}, {mx - boom, -0.01f, depth + 0.28f}, {mx - 0.03f, -0.01f, depth + mh * 0.95f}};
    std::vector<Vec3> b = a;
    for (Vec3& p : b) p.y = 0.01f;
    g.b.loft({a, b}, deck);
    if (g.chance(0.5f)) {  // jib
      std::vector<Vec3> ja = {{mx + 0.05f, -0.01f, depth + 0.1f}, {len * 0.42f, -0.01f, depth + sheer}, {mx + 0.05f, -0.01f, depth + mh * 0.8f}};
      std::vector<Vec3> jb = ja;
      for (Vec3& p : jb) p.y = 0.01f;
      g.b.loft({ja, jb}, deck);
    }
  } else {
    int levels = type == 2 ? g.pick(2, 4) : g.pick(1, 2);
    float cl = len * g.u(0.25f, 0.4f), cw = beam * g.u(0.5f, 0.8f), cx = -len * g.u(0.0f, 0.2f), z = depth;
    for (int i = 0; i < levels; ++i) {
      float ch = g.u(0.15f, 0.3f);
      g.b.box_span({cx - cl / 2, -cw / 2, z}, {cx + cl / 2, cw / 2, z + ch}, i % 2 ? extra : deck);
      z += ch;
      cl *= g.u(0.55f, 0.85f);
      cw *= g.u(0.7f, 0.95f);
    }
    if (type == 2) {  // funnels
      int funnels = g.pick(1, 3);
      for (int k = 0; k < funnels; ++k) {
        float fx = cx - cl * 0.5f - 0.15f * k, fh = g.u(0.2f, 0.45f), fr = g.u(0.06f, 0.12f);
        g.b.cylinder({fx, 0, z - 0.1f}, {fx, 0, z + fh}, fr, extra, 12);
      }
    } else if (g.chance(0.5f))  // windscreen
      g.b.quad_prism({{cx + cl / 2, -cw / 2, z}, {cx + cl / 2 + 0.12f, -cw / 2, depth}, {cx + cl / 2 + 0.14f, -cw / 2, depth},
                      {cx + cl / 2 + 0.02f, -cw / 2, z}},
                     {{cx + cl / 2, cw / 2, z}, {cx + cl / 2 + 0.12f, cw / 2, depth}, {cx + cl / 2 + 0.14f, cw / 2, depth},
                      {cx + cl / 2 + 0.02f, cw / 2, z}},
                     extra);
  }
}

const std::vector<Builder>& class_builders() {
  // Same order as synth_class_names().
  static const std::vector<Builder> all = {airplane, bench, cabinet, car,   chair, display,   lamp,
                                           speaker,  rifle, sofa,    table, phone, watercraft};
  return all;
}

}  // namespace ws::synth
