#include <rasterkit/gdalcore/coordinate_transform.h>

#include <proj.h>

#include <cmath>
#include <string>

namespace rk {

struct CoordinateTransform::Handles {
  PJ_CONTEXT* ctx = nullptr;
  PJ* op = nullptr;
  ~Handles() {
    if (op) proj_destroy(op);
    if (ctx) proj_context_destroy(ctx);
  }
};

CoordinateTransform::CoordinateTransform(std::unique_ptr<Handles> h) : handles_(std::move(h)) {}
CoordinateTransform::CoordinateTransform(CoordinateTransform&&) noexcept = default;
CoordinateTransform& CoordinateTransform::operator=(CoordinateTransform&&) noexcept = default;
CoordinateTransform::~CoordinateTransform() = default;

Result<CoordinateTransform> CoordinateTransform::create(const SpatialRef& source,
                                                        const SpatialRef& target) {
  auto h = std::make_unique<Handles>();
  h->ctx = proj_context_create();
  if (!h->ctx) return Status::out_of_memory("PROJ", "cannot create a PROJ context");
  proj_log_level(h->ctx, PJ_LOG_NONE);
  PJ* src = proj_create(h->ctx, source.to_projjson().c_str());
  PJ* dst = proj_create(h->ctx, target.to_projjson().c_str());
  PJ* op =
      (src && dst) ? proj_create_crs_to_crs_from_pj(h->ctx, src, dst, nullptr, nullptr) : nullptr;
  if (src) proj_destroy(src);
  if (dst) proj_destroy(dst);
  if (!op) {
    return Status::not_supported(source.name(),
                                 "no coordinate operation to '" + target.name() + "'");
  }
  h->op = proj_normalize_for_visualization(h->ctx, op);
  proj_destroy(op);
  if (!h->op) {
    return Status::not_supported(source.name(), "cannot normalise the axis order of the operation");
  }
  return CoordinateTransform(std::move(h));
}

Status CoordinateTransform::transform(double& x, double& y) const {
  PJ_COORD c = proj_coord(x, y, 0, HUGE_VAL);
  proj_errno_reset(handles_->op);
  PJ_COORD out = proj_trans(handles_->op, PJ_FWD, c);
  if (proj_errno(handles_->op) != 0 || !std::isfinite(out.xy.x) || !std::isfinite(out.xy.y)) {
    return Status::out_of_range("transform", "point (" + std::to_string(x) + ", " +
                                                 std::to_string(y) + ") cannot be transformed");
  }
  x = out.xy.x;
  y = out.xy.y;
  return Status();
}

}  // namespace rk
