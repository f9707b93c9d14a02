#include <rasterkit/gdalcore/convert.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#endif

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

// One sample of every kInterleave-sample pixel into a packed row: a band
// out of a pixel-interleaved strip or tile, on every block read of an RGB
// file. A fixed stride lets the compiler unroll what the general loop
// below cannot.
template <typename T, size_t kInterleave>
void gather(const unsigned char* s, unsigned char* d, size_t count) {
  for (size_t i = 0; i < count; ++i) {
    T v;
    std::memcpy(&v, s + i * kInterleave * sizeof(T), sizeof v);
    std::memcpy(d + i * sizeof(T), &v, sizeof v);
  }
}

#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))
// Bytes: sixteen pixels at a time with SSSE3 byte shuffles, about ten times
// the scalar loop (every x86-64 CPU since 2006 has SSSE3; checked at run
// time all the same).
// The shuffle controls: input vector v holds bytes [16v, 16v + 16) of the
// interleaved row; output byte j is input byte j * kInterleave (-1: none).
template <size_t kInterleave>
struct ShuffleMasks {
  alignas(16) signed char bytes[kInterleave][16] = {};
  constexpr ShuffleMasks() {
    for (size_t v = 0; v < kInterleave; ++v) {
      for (size_t j = 0; j < 16; ++j) {
        const size_t at = j * kInterleave;
        bytes[v][j] = at / 16 == v ? static_cast<signed char>(at % 16) : -1;
      }
    }
  }
};

template <size_t kInterleave>
__attribute__((target("ssse3"))) void gather_bytes_ssse3(const unsigned char* s, unsigned char* d,
                                                         size_t count) {
  static constexpr ShuffleMasks<kInterleave> kMasks{};
  __m128i masks[kInterleave];
  for (size_t v = 0; v < kInterleave; ++v) {
    masks[v] = _mm_load_si128(reinterpret_cast<const __m128i*>(kMasks.bytes[v]));
  }
  size_t j = 0;
  // The last pixel's sample may be the row's last byte: stop one pixel
  // early so that no load reads past it.
  for (; j + 17 <= count; j += 16) {
    const unsigned char* p = s + j * kInterleave;
    __m128i out = _mm_setzero_si128();
    for (size_t v = 0; v < kInterleave; ++v) {
      const __m128i in = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * v));
      out = _mm_or_si128(out, _mm_shuffle_epi8(in, masks[v]));
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(d + j), out);
  }
  for (; j < count; ++j) d[j] = s[j * kInterleave];
}

bool has_ssse3() {
  static const bool yes = __builtin_cpu_supports("ssse3");
  return yes;
}

template <size_t kInterleave>
void gather_bytes(const unsigned char* s, unsigned char* d, size_t count) {
  if (has_ssse3()) return gather_bytes_ssse3<kInterleave>(s, d, count);
  gather<uint8_t, kInterleave>(s, d, count);
}
#else
template <size_t kInterleave>
void gather_bytes(const unsigned char* s, unsigned char* d, size_t count) {
  gather<uint8_t, kInterleave>(s, d, count);
}
#endif

template <typename T, size_t kInterleave>
void gather_samples(const unsigned char* s, unsigned char* d, size_t count) {
  if constexpr (sizeof(T) == 1) {
    gather_bytes<kInterleave>(s, d, count);
  } else {
    gather<T, kInterleave>(s, d, count);
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
    if (dst_stride == static_cast<ptrdiff_t>(sizeof(S)) && src_stride > 0 &&
        src_stride % static_cast<ptrdiff_t>(sizeof(S)) == 0) {
      const auto* s = static_cast<const unsigned char*>(src);
      auto* d = static_cast<unsigned char*>(dst);
      switch (src_stride / static_cast<ptrdiff_t>(sizeof(S))) {
        case 2:
          return gather_samples<S, 2>(s, d, count);
        case 3:
          return gather_samples<S, 3>(s, d, count);
        case 4:
          return gather_samples<S, 4>(s, d, count);
        default:
          break;
      }
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
