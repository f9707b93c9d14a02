// Pixel data types, with GDAL's names and sizes.
#pragma once

#include <rasterkit/blockcache/export.h>

#include <cstddef>
#include <optional>
#include <string_view>

namespace rk {

enum class DataType {
  kUnknown = 0,
  kByte,
  kInt8,
  kUInt16,
  kInt16,
  kUInt32,
  kInt32,
  kUInt64,
  kInt64,
  kFloat32,
  kFloat64,
  kCInt16,
  kCInt32,
  kCFloat32,
  kCFloat64,
};

// Every known type, in enum order (kUnknown excluded).
inline constexpr DataType kAllDataTypes[] = {
    DataType::kByte,     DataType::kInt8,    DataType::kUInt16, DataType::kInt16,
    DataType::kUInt32,   DataType::kInt32,   DataType::kUInt64, DataType::kInt64,
    DataType::kFloat32,  DataType::kFloat64, DataType::kCInt16, DataType::kCInt32,
    DataType::kCFloat32, DataType::kCFloat64};

// Bytes per pixel (a complex pixel counts both parts); 0 for kUnknown.
RK_API size_t data_type_size(DataType t);
// GDAL's name: "Byte", "UInt16", "CFloat32", ...; "Unknown" for kUnknown.
RK_API std::string_view data_type_name(DataType t);
// Parses a GDAL type name, case-insensitively. nullopt if unknown.
RK_API std::optional<DataType> parse_data_type(std::string_view name);

RK_API bool is_integer(DataType t);   // integer types, complex integer included
RK_API bool is_floating(DataType t);  // float types, complex float included
RK_API bool is_complex(DataType t);
RK_API bool is_signed(DataType t);  // true for signed integers and every float type
// The real type of one component of a complex type (kCInt16 -> kInt16);
// the type itself for real types.
RK_API DataType component_type(DataType t);

}  // namespace rk
