#include <rasterkit/gdalcore/data_type.h>

#include <strings.h>

#include <string>

namespace rk {

size_t data_type_size(DataType t) {
  switch (t) {
    case DataType::kByte:
    case DataType::kInt8:
      return 1;
    case DataType::kUInt16:
    case DataType::kInt16:
      return 2;
    case DataType::kUInt32:
    case DataType::kInt32:
    case DataType::kFloat32:
    case DataType::kCInt16:
      return 4;
    case DataType::kUInt64:
    case DataType::kInt64:
    case DataType::kFloat64:
    case DataType::kCInt32:
    case DataType::kCFloat32:
      return 8;
    case DataType::kCFloat64:
      return 16;
    case DataType::kUnknown:
      return 0;
  }
  return 0;
}

std::string_view data_type_name(DataType t) {
  switch (t) {
    case DataType::kByte:
      return "Byte";
    case DataType::kInt8:
      return "Int8";
    case DataType::kUInt16:
      return "UInt16";
    case DataType::kInt16:
      return "Int16";
    case DataType::kUInt32:
      return "UInt32";
    case DataType::kInt32:
      return "Int32";
    case DataType::kUInt64:
      return "UInt64";
    case DataType::kInt64:
      return "Int64";
    case DataType::kFloat32:
      return "Float32";
    case DataType::kFloat64:
      return "Float64";
    case DataType::kCInt16:
      return "CInt16";
    case DataType::kCInt32:
      return "CInt32";
    case DataType::kCFloat32:
      return "CFloat32";
    case DataType::kCFloat64:
      return "CFloat64";
    case DataType::kUnknown:
      return "Unknown";
  }
  return "Unknown";
}

std::optional<DataType> parse_data_type(std::string_view name) {
  const std::string s(name);
  for (DataType t : kAllDataTypes) {
    if (strcasecmp(std::string(data_type_name(t)).c_str(), s.c_str()) == 0) return t;
  }
  return std::nullopt;
}

bool is_complex(DataType t) {
  return t == DataType::kCInt16 || t == DataType::kCInt32 || t == DataType::kCFloat32 ||
         t == DataType::kCFloat64;
}

bool is_floating(DataType t) {
  return t == DataType::kFloat32 || t == DataType::kFloat64 || t == DataType::kCFloat32 ||
         t == DataType::kCFloat64;
}

bool is_integer(DataType t) { return t != DataType::kUnknown && !is_floating(t); }

bool is_signed(DataType t) {
  switch (t) {
    case DataType::kByte:
    case DataType::kUInt16:
    case DataType::kUInt32:
    case DataType::kUInt64:
    case DataType::kUnknown:
      return false;
    default:
      return true;
  }
}

DataType component_type(DataType t) {
  switch (t) {
    case DataType::kCInt16:
      return DataType::kInt16;
    case DataType::kCInt32:
      return DataType::kInt32;
    case DataType::kCFloat32:
      return DataType::kFloat32;
    case DataType::kCFloat64:
      return DataType::kFloat64;
    default:
      return t;
  }
}

}  // namespace rk
