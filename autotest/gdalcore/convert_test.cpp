#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include <rasterkit/gdalcore/convert.h>

namespace rk {
namespace {

template <typename S, typename D>
std::vector<D> conv(const std::vector<S>& in, DataType st, DataType dt) {
  const size_t per_in = data_type_size(st) / sizeof(S);
  const size_t n = in.size() / per_in;
  std::vector<D> out(n * data_type_size(dt) / sizeof(D));
  convert_values(in.data(), st, static_cast<ptrdiff_t>(data_type_size(st)), out.data(), dt,
                 static_cast<ptrdiff_t>(data_type_size(dt)), n);
  return out;
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

// Expected values below were read from GDAL 3.6.2 (GDALCopyWords through a
// MEM dataset) on this machine kind.
TEST_CASE("float to Byte rounds half away from zero, clamps, maps NaN to 0", "[convert]") {
  const std::vector<double> in = {0.5,   1.5, 2.5, -0.5, -1.5, -2.5,  254.5,     255.49,
                                  255.5, 300, -3,  kNaN, kInf, -kInf, 0.49999997};
  const std::vector<uint8_t> expect = {1, 2, 3, 0, 0, 0, 255, 255, 255, 255, 0, 0, 255, 0, 0};
  CHECK(conv<double, uint8_t>(in, DataType::kFloat64, DataType::kByte) == expect);
  std::vector<float> inf(in.begin(), in.end());
  std::vector<uint8_t> expect32 = expect;
  expect32.back() = 1;  // Float32 rounds in single precision: 0.49999997f + 0.5f == 1
  CHECK(conv<float, uint8_t>(inf, DataType::kFloat32, DataType::kByte) == expect32);
}

TEST_CASE("float to signed and wide integers", "[convert]") {
  const std::vector<double> in = {0.5, 1.5, 2.5,  -0.5, -1.5,  -2.5,       254.5,   255.49,  255.5,
                                  300, -3,  kNaN, kInf, -kInf, 0.49999997, 32767.5, -32768.5};
  CHECK(conv<double, int16_t>(in, DataType::kFloat64, DataType::kInt16) ==
        std::vector<int16_t>{1, 2, 3, -1, -2, -3, 255, 255, 256, 300, -3, 0, 32767, -32768, 0,
                             32767, -32768});
  const std::vector<double> in32 = {2.5, -2.5, 2147483647.5, -2147483648.6, 1e20, kNaN};
  CHECK(conv<double, int32_t>(in32, DataType::kFloat64, DataType::kInt32) ==
        std::vector<int32_t>{3, -3, 2147483647, INT32_MIN, 2147483647, 0});
  const std::vector<double> inu32 = {4294967295.4, 4294967295.6, 1e20, -1};
  CHECK(conv<double, uint32_t>(inu32, DataType::kFloat64, DataType::kUInt32) ==
        std::vector<uint32_t>{4294967295u, 4294967295u, 4294967295u, 0});
  // Beyond the 64-bit ranges rasterkit clamps (GDAL 3.6 wraps; see convert.h).
  const std::vector<double> in64 = {0.5, -0.5, 1e30, -1e30, kNaN, 9223372036854775808.0};
  CHECK(conv<double, int64_t>(in64, DataType::kFloat64, DataType::kInt64) ==
        std::vector<int64_t>{1, -1, INT64_MAX, INT64_MIN, 0, INT64_MAX});
  CHECK(conv<double, uint64_t>(in64, DataType::kFloat64, DataType::kUInt64) ==
        std::vector<uint64_t>{1, 0, UINT64_MAX, 0, 0, 9223372036854775808ull});
}

TEST_CASE("integer to integer clamps", "[convert]") {
  CHECK(conv<int32_t, uint8_t>({-5, 0, 255, 256, 100000}, DataType::kInt32, DataType::kByte) ==
        std::vector<uint8_t>{0, 0, 255, 255, 255});
  CHECK(conv<int16_t, uint16_t>({-5, 7}, DataType::kInt16, DataType::kUInt16) ==
        std::vector<uint16_t>{0, 7});
  CHECK(conv<uint16_t, int16_t>({40000, 7}, DataType::kUInt16, DataType::kInt16) ==
        std::vector<int16_t>{32767, 7});
  CHECK(conv<uint64_t, int64_t>({1ull << 63, UINT64_MAX, 5}, DataType::kUInt64, DataType::kInt64) ==
        std::vector<int64_t>{INT64_MAX, INT64_MAX, 5});
  CHECK(conv<int64_t, uint32_t>({-1, 1ll << 40, 17}, DataType::kInt64, DataType::kUInt32) ==
        std::vector<uint32_t>{0, UINT32_MAX, 17});
  CHECK(conv<int8_t, uint8_t>({-128, -1, 0, 127}, DataType::kInt8, DataType::kByte) ==
        std::vector<uint8_t>{0, 0, 0, 127});
  CHECK(conv<uint8_t, int8_t>({0, 127, 128, 255}, DataType::kByte, DataType::kInt8) ==
        std::vector<int8_t>{0, 127, 127, 127});
}

TEST_CASE("double to float overflows to infinity as a plain cast", "[convert]") {
  const auto out =
      conv<double, float>({1e40, -1e40, kNaN, 1e-50}, DataType::kFloat64, DataType::kFloat32);
  CHECK(std::isinf(out[0]));
  CHECK(out[0] > 0);
  CHECK(std::isinf(out[1]));
  CHECK(out[1] < 0);
  CHECK(std::isnan(out[2]));
  CHECK(out[3] == 0.0f);
  const auto f64 = conv<float, double>({std::numeric_limits<float>::quiet_NaN(), 1.5f},
                                       DataType::kFloat32, DataType::kFloat64);
  CHECK(std::isnan(f64[0]));
  CHECK(f64[1] == 1.5);
}

TEST_CASE("complex conversions", "[convert]") {
  // complex -> real takes the real part
  CHECK(conv<float, uint8_t>({3.6f, 9.0f, -2.f, 5.f}, DataType::kCFloat32, DataType::kByte) ==
        std::vector<uint8_t>{4, 0});
  CHECK(conv<double, float>({3.5, -9.5}, DataType::kCFloat64, DataType::kFloat32) ==
        std::vector<float>{3.5f});
  // real -> complex sets the imaginary part to 0
  CHECK(conv<uint8_t, float>({3, 9}, DataType::kByte, DataType::kCFloat32) ==
        std::vector<float>{3, 0, 9, 0});
  CHECK(conv<double, int32_t>({2.5, 1e12}, DataType::kFloat64, DataType::kCInt32) ==
        std::vector<int32_t>{3, 0, INT32_MAX, 0});
  // complex -> complex converts both parts
  CHECK(conv<int16_t, float>({3, -9}, DataType::kCInt16, DataType::kCFloat32) ==
        std::vector<float>{3, -9});
  CHECK(conv<double, int16_t>({3.5, -9.5, 1e9, -1e9}, DataType::kCFloat64, DataType::kCInt16) ==
        std::vector<int16_t>{4, -10, 32767, -32768});
}

TEST_CASE("every pair: contiguous fast path equals the strided path", "[convert]") {
  std::mt19937 rng(1234);
  std::uniform_real_distribution<double> dist(-70000.0, 70000.0);
  constexpr size_t n = 1000;  // spans several internal chunks
  std::vector<double> seed(n * 2);
  for (double& v : seed) v = dist(rng);
  seed[3] = kNaN;
  seed[5] = 0.5;
  seed[7] = -0.5;
  for (DataType st : kAllDataTypes) {
    const size_t ss = data_type_size(st);
    std::vector<std::byte> src(n * ss);
    convert_values(seed.data(), DataType::kCFloat64, 16, src.data(), st, static_cast<ptrdiff_t>(ss),
                   n);
    for (DataType dt : kAllDataTypes) {
      const size_t ds = data_type_size(dt);
      std::vector<std::byte> fast(n * ds), slow(n * ds * 2);
      convert_values(src.data(), st, static_cast<ptrdiff_t>(ss), fast.data(), dt,
                     static_cast<ptrdiff_t>(ds), n);
      // Destination stride of two values forces the per-value path.
      convert_values(src.data(), st, static_cast<ptrdiff_t>(ss), slow.data(), dt,
                     static_cast<ptrdiff_t>(2 * ds), n);
      bool same = true;
      for (size_t i = 0; i < n && same; ++i) {
        same = std::memcmp(fast.data() + i * ds, slow.data() + 2 * i * ds, ds) == 0;
      }
      INFO(data_type_name(st) << " -> " << data_type_name(dt));
      CHECK(same);
    }
  }
}

TEST_CASE("every pair round-trips small integers exactly", "[convert]") {
  const std::vector<double> values = {0, 1, 7, 100, 127};
  for (DataType st : kAllDataTypes) {
    for (DataType dt : kAllDataTypes) {
      for (double v : values) {
        std::byte a[16], b[16];
        store_double(v, a, st);
        convert_values(a, st, 0, b, dt, 0, 1);
        INFO(data_type_name(st) << " -> " << data_type_name(dt) << " value " << v);
        CHECK(value_as_double(b, dt) == v);
      }
    }
  }
}

TEST_CASE("negative strides and unaligned buffers", "[convert]") {
  std::vector<uint16_t> in = {1, 2, 3, 4};
  std::vector<std::byte> out(4 * sizeof(float) + 1);
  // Reverse order into an unaligned destination.
  convert_values(reinterpret_cast<std::byte*>(in.data()) + 6, DataType::kUInt16, -2, out.data() + 1,
                 DataType::kFloat32, 4, 4);
  float f[4];
  std::memcpy(f, out.data() + 1, sizeof f);
  CHECK(f[0] == 4.0f);
  CHECK(f[3] == 1.0f);
}

TEST_CASE("one sample of interleaved pixels into a packed row (any count, no over-read)",
          "[convert]") {
  std::mt19937 rng(7);
  for (int interleave = 2; interleave <= 5; ++interleave) {
    for (size_t count :
         {size_t{1}, size_t{15}, size_t{16}, size_t{17}, size_t{33}, size_t{256}, size_t{1001}}) {
      for (int sample = 0; sample < interleave; ++sample) {
        // The row ends exactly at the last pixel's sample, so a read past it
        // is a heap overflow AddressSanitizer reports.
        const size_t used = (count - 1) * static_cast<size_t>(interleave) + 1;
        std::vector<uint8_t> bytes(used + static_cast<size_t>(sample));
        for (auto& b : bytes) b = static_cast<uint8_t>(rng());
        std::vector<uint8_t> out(count);
        convert_values(bytes.data() + sample, DataType::kByte, interleave, out.data(),
                       DataType::kByte, 1, count);
        std::vector<uint16_t> words(used + static_cast<size_t>(sample));
        for (auto& w : words) w = static_cast<uint16_t>(rng());
        std::vector<uint16_t> out16(count);
        convert_values(words.data() + sample, DataType::kUInt16, 2 * interleave, out16.data(),
                       DataType::kUInt16, 2, count);
        for (size_t j = 0; j < count; ++j) {
          const size_t at = static_cast<size_t>(sample) + j * static_cast<size_t>(interleave);
          REQUIRE(out[j] == bytes[at]);
          REQUIRE(out16[j] == words[at]);
        }
      }
    }
  }
}

}  // namespace
}  // namespace rk
