#include "gdalcore/convert.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

namespace rk {

namespace {

// The per-value helpers must be inlined into the loops for those to
// vectorise; with ~200 instantiations the compiler's heuristics give up.
#define RK_ALWAYS_INLINE inline __attribute__((always_inline))

template <typename T>
struct Complex {
  T re, im;
};

template <typename T>
struct IsComplex : std::false_type {};
template <typename T>
struct IsComplex<Complex<T>> : std::true_type {};

template <typename T>
struct Component {
  using type = T;
};
template <typename T>
struct Component<Complex<T>> {
  using type = T;
};

// Integer to integer: clamp to the destination range.
template <typename D, typename S>
RK_ALWAYS_INLINE D int_to_int(S v) {
  if constexpr (std::is_signed_v<S>) {
    if (v < 0) {
      if constexpr (!std::is_signed_v<D>) {
        return 0;
      } else {
        return static_cast<int64_t>(v) < static_cast<int64_t>(std::numeric_limits<D>::min())
                   ? std::numeric_limits<D>::min()
                   : static_cast<D>(v);
      }
    }
  }
  return static_cast<uint64_t>(v) > static_cast<uint64_t>(std::numeric_limits<D>::max())
             ? std::numeric_limits<D>::max()
             : static_cast<D>(v);
}

// Float to integer: NaN -> 0, round half away from zero, clamp. Written
// without branches on the common path so that loops over it vectorise.
template <typename D, typename F>
RK_ALWAYS_INLINE D float_to_int(F v) {
  constexpr F lo = static_cast<F>(std::numeric_limits<D>::min());
  if constexpr (sizeof(D) <= 2) {
    // The range limits are exact in F: clamp first, then round.
    constexpr F hi = static_cast<F>(std::numeric_limits<D>::max());
    v = (v == v) ? v : F(0);
    v = v < lo ? lo : v;
    v = v > hi ? hi : v;
    // Through int32: compilers vectorise float -> int32 (cvttps2dq) but not
    // float -> 8/16-bit directly. The value is in range, so this is exact.
    return static_cast<D>(static_cast<int32_t>(v + std::copysign(F(0.5), v)));
  } else {
    // 32/64-bit limits may not be exact in F: round, then compare against
    // the first value past the range (a power of two, always exact).
    if (!(v == v)) return 0;
    const double r = static_cast<double>(v) >= 0 ? std::floor(static_cast<double>(v) + 0.5)
                                                 : std::ceil(static_cast<double>(v) - 0.5);
    constexpr double past_max =
        static_cast<double>(std::numeric_limits<D>::max() / 2 + 1) * 2.0;  // 2^bits(-1)
    if (r >= past_max) return std::numeric_limits<D>::max();
    if (r <= static_cast<double>(lo)) return std::numeric_limits<D>::min();
    return static_cast<D>(r);
  }
}

template <typename D, typename S>
RK_ALWAYS_INLINE D convert_real(S v) {
  if constexpr (std::is_same_v<D, S>) {
    return v;
  } else if constexpr (std::is_floating_point_v<D>) {
    return static_cast<D>(v);
  } else if constexpr (std::is_floating_point_v<S>) {
    return float_to_int<D>(v);
  } else {
    return int_to_int<D>(v);
  }
}

template <typename D, typename S>
RK_ALWAYS_INLINE D convert_one(const S& v) {
  if constexpr (IsComplex<S>::value && IsComplex<D>::value) {
    using DC = typename Component<D>::type;
    return D{convert_real<DC>(v.re), convert_real<DC>(v.im)};
  } else if constexpr (IsComplex<S>::value) {
    return convert_real<D>(v.re);
  } else if constexpr (IsComplex<D>::value) {
    using DC = typename Component<D>::type;
    return D{convert_real<DC>(v), DC(0)};
  } else {
    return convert_real<D>(v);
  }
}

template <typename S, typename D>
void convert_loop(const void* src, ptrdiff_t src_stride, void* dst, ptrdiff_t dst_stride,
                  size_t count) {
  if constexpr (std::is_same_v<S, D>) {
    if (src_stride == dst_stride && src_stride == static_cast<ptrdiff_t>(sizeof(S))) {
      std::memcpy(dst, src, count * sizeof(S));
      return;
    }
  }
  if (src_stride == static_cast<ptrdiff_t>(sizeof(S)) &&
      dst_stride == static_cast<ptrdiff_t>(sizeof(D))) {
    // Contiguous: a loop the compiler vectorises (this file is built at -O3).
    // Values go through memcpy so unaligned buffers are fine.
    const auto* s = static_cast<const unsigned char*>(src);
    auto* d = static_cast<unsigned char*>(dst);
    constexpr size_t kChunk = 256;
    S in[kChunk];
    D out[kChunk];
    for (size_t done = 0; done < count; done += kChunk) {
      const size_t n = count - done < kChunk ? count - done : kChunk;
      std::memcpy(in, s + done * sizeof(S), n * sizeof(S));
      for (size_t i = 0; i < n; ++i) out[i] = convert_one<D>(in[i]);
      std::memcpy(d + done * sizeof(D), out, n * sizeof(D));
    }
    return;
  }
  const auto* s = static_cast<const unsigned char*>(src);
  auto* d = static_cast<unsigned char*>(dst);
  for (size_t i = 0; i < count; ++i) {
    S v;
    std::memcpy(&v, s, sizeof(S));
    const D r = convert_one<D>(v);
    std::memcpy(d, &r, sizeof(D));
    s += src_stride;
    d += dst_stride;
  }
}

template <typename F>
decltype(auto) with_type(DataType t, F&& f) {
  switch (t) {
    case DataType::kByte:
      return f(uint8_t{});
    case DataType::kInt8:
      return f(int8_t{});
    case DataType::kUInt16:
      return f(uint16_t{});
    case DataType::kInt16:
      return f(int16_t{});
    case DataType::kUInt32:
      return f(uint32_t{});
    case DataType::kInt32:
      return f(int32_t{});
    case DataType::kUInt64:
      return f(uint64_t{});
    case DataType::kInt64:
      return f(int64_t{});
    case DataType::kFloat32:
      return f(float{});
    case DataType::kFloat64:
      return f(double{});
    case DataType::kCInt16:
      return f(Complex<int16_t>{});
    case DataType::kCInt32:
      return f(Complex<int32_t>{});
    case DataType::kCFloat32:
      return f(Complex<float>{});
    case DataType::kCFloat64:
    case DataType::kUnknown:
      break;
  }
  return f(Complex<double>{});
}

}  // namespace

void convert_values(const void* src, DataType src_type, ptrdiff_t src_stride, void* dst,
                    DataType dst_type, ptrdiff_t dst_stride, size_t count) {
  if (count == 0 || src_type == DataType::kUnknown || dst_type == DataType::kUnknown) return;
  if (src == dst && src_type == dst_type && src_stride == dst_stride) return;
  with_type(src_type, [&](auto s) {
    with_type(dst_type, [&](auto d) {
      convert_loop<decltype(s), decltype(d)>(src, src_stride, dst, dst_stride, count);
    });
  });
}

double value_as_double(const void* src, DataType type) {
  double out = 0;
  convert_values(src, type, 0, &out, DataType::kFloat64, 0, 1);
  return out;
}

void store_double(double value, void* dst, DataType type) {
  convert_values(&value, DataType::kFloat64, 0, dst, type, 0, 1);
}

}  // namespace rk
