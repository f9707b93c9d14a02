// Conversion of pixel values between any two data types, as GDAL does it:
//  - float to integer rounds to nearest, halves away from zero (2.5 -> 3,
//    -2.5 -> -3), then clamps to the target range; NaN becomes 0, +/-Inf the
//    range limits. Float32 sources round in single precision, like GDAL.
//  - integer to integer clamps to the target range.
//  - double to float is a plain cast: values beyond the float range become
//    +/-Inf, as in GDAL.
//  - complex to real takes the real part; real to complex sets imaginary 0.
// One deliberate difference: GDAL 3.6 wraps Float64 values beyond the Int64 /
// UInt64 range (1e30 -> 0 for UInt64); rasterkit clamps them like every other
// integer type.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <cstddef>

#include <rasterkit/gdalcore/data_type.h>

namespace rk {

// Converts `count` values. Strides are in bytes between consecutive values
// and may be any value, including negative; buffers need no alignment. Source
// and destination must not overlap unless they are the same buffer with the
// same type and stride (a no-op). Contiguous runs of common type pairs take
// vectorised loops.
RK_API void convert_values(const void* src, DataType src_type, ptrdiff_t src_stride, void* dst,
                           DataType dst_type, ptrdiff_t dst_stride, size_t count);

// Single values through the same rules, for code that works in doubles.
RK_API double value_as_double(const void* src, DataType type);
RK_API void store_double(double value, void* dst, DataType type);

}  // namespace rk
